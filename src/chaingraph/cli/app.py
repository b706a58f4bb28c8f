"""The command group, its shared options and consoles, and the rendering helpers every command uses."""

from __future__ import annotations

import errno
import gc
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import click
from rich.console import Console

from .. import __version__
from .._runtime.memory import freeze_what_readers_build
from .._runtime.shutdown import Terminated
from .._runtime.shutdown import install as install_signal_handlers
from ..errors import ChainGraphError
from .render import printable

__all__ = [
    "OUTPUT_FORMATS",
    "ChainGraphGroup",
    "cli",
    "emit",
    "emit_records_json",
    "main",
    "progress_bar",
    "render_json",
    "status_line",
]


class _Console:
    """A rich console made for each invocation, when first used: it sees the streams and the
    terminal of that invocation (a test runner's, or a pseudo-terminal's), not those at import."""

    def __init__(self, make: Callable[[], Console]) -> None:
        self._make = make
        self._console: Console | None = None

    def reset(self) -> None:
        self._console = None

    @property
    def console(self) -> Console:
        """The console itself, for code that needs a real one (rich's progress bars, renderers)."""
        if self._console is None:
            self._console = self._make()
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.console, name)


# Piped tables keep a readable width instead of folding at 80 columns.
stdout = _Console(lambda: Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160))

stderr = _Console(lambda: Console(stderr=True))

OUTPUT_FORMATS = ["table", "csv", "json", "markdown"]

#: Write errors that mean the device is full, not that chaingraph is wrong.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class ChainGraphGroup(click.Group):
    """Turns library errors into one line on stderr and the contract's exit code."""

    def invoke(self, ctx: click.Context):
        debug = bool(ctx.params.get("debug"))
        stdout.reset()
        stderr.reset()
        try:
            return super().invoke(ctx)
        except ChainGraphError as exc:
            if debug:
                raise
            click.echo(f"error: {printable(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            ctx.exit(130)
        except Terminated as exc:
            click.echo(f"stopped by {exc}: nothing was written", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in _FULL and not debug:
                # standard output on a full device or over a quota: the user's to fix, not a bug
                click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
                ctx.exit(2)
            if debug:
                raise
            # a bug: say so in one line; --debug shows the traceback
            message = printable(f"{type(exc).__name__}: {exc}")
            click.echo(f"internal error: {message} (rerun with --debug and report it)", err=True)
            ctx.exit(3)


@click.group(cls=ChainGraphGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="chaingraph")
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
def cli(debug: bool) -> None:
    """Supply-chain knowledge graph of Fujian's industrial chains.

    The bundled graph holds the firms, places, chains, stages and figures of the Ningde
    lithium-battery, Jinjiang integrated-circuit and food, and Putian footwear chains, each fact
    with its source. Add your own RDF with --data, or read a SPARQL server with --endpoint.

    \b
    Examples:
      chaingraph stats --chain ningde
      chaingraph impact CATL
      chaingraph query suppliers-of --param firm=CATL
      chaingraph validate
    """


def emit(text: str | None) -> None:
    if text is not None:
        click.echo(text, nl=False)


def emit_records_json(rows: Iterable[Mapping], columns: Sequence[str] | None) -> None:
    """Records as JSON on standard output, written as they are made (see
    :func:`~chaingraph.interchange.tabular.write_records_json`), then a newline."""
    from ..interchange.tabular import write_records_json

    # sys.stdout, not click.get_text_stream/get_binary_stream: Click 8.5 deprecates them
    # (CliRunner swaps sys.stdout, so tests still read what is written here).
    sys.stdout.flush()  # what was echoed before goes first
    out = sys.stdout.buffer
    write_records_json(rows, out, columns)
    out.write(b"\n")
    out.flush()


def render_json(data: object) -> str:
    from ..interchange.tabular import to_json

    return to_json(data) + "\n"


class status_line:
    """A spinner on stderr while something slow runs; silent when stderr is not a terminal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._status: Any = None  # rich.status.Status while shown

    def __enter__(self) -> Callable[[str], None]:
        if stderr.is_terminal:
            self._status = stderr.status(self.message)
            self._status.__enter__()
        return self.update

    def update(self, message: str) -> None:
        if self._status is not None:
            self._status.update(message)

    def __exit__(self, *exc_info) -> None:
        if self._status is not None:
            self._status.__exit__(*exc_info)


class progress_bar:
    """A progress bar on stderr for long row-by-row work; silent when stderr is not a terminal."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._progress: Any = None  # rich.progress.Progress while shown
        self._task: Any = None

    def __enter__(self) -> Callable[[int, int], None]:
        if stderr.is_terminal:
            from rich.progress import Progress

            self._progress = Progress(console=stderr.console, transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=None)
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc_info)


#: Allocations between two collections of the youngest generation (Python's default: 700). A
#: command builds millions of short-lived, acyclic objects (sheet cells, rows, records) and the
#: default scans them again and again; cycles are rare here, and still collected.
GC_YOUNG_ALLOCATIONS = 100_000


def main() -> None:
    gc.set_threshold(GC_YOUNG_ALLOCATIONS, *gc.get_threshold()[1:])
    freeze_what_readers_build()  # the process ends with its command: what it reads lives till then
    try:
        install_signal_handlers()
        for argument in sys.argv[1:]:
            # Bytes that are not UTF-8 arrive as lone surrogates and would fail deep inside a query.
            try:
                argument.encode("utf-8")
            except UnicodeEncodeError:
                shown = argument.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
                click.echo(f"error: argument {shown!r} is not valid UTF-8 text", err=True)
                sys.exit(2)
        cli(prog_name="chaingraph")
    except Terminated as exc:
        # A signal outside a command's own handling (while starting, or parsing the arguments):
        # the command had not begun, so nothing was written.
        click.echo(f"stopped by {exc}: nothing was written", err=True)
        sys.exit(exc.exit_code)
