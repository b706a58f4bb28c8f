"""What every layer leans on and no layer owns: signals and shutdown (``shutdown``), deadlines that
kill a runaway worker (``deadline``), atomic files and safe names (``fileio``), and where the bundled
files live (``resources``). Nothing here imports the rest of the package."""

__all__ = []
