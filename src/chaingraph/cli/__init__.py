"""The ``chaingraph`` command line: parse arguments, call the library, render the results.

``app`` holds the group, the options commands share and the consoles; each other module holds
one command (or two of one kind) as a thin shell over the library function of the same name.
"""

from __future__ import annotations

from . import brief, diff, gaps, impact, interchange, load, query, resolve, serve, stats, synth, validate, view  # noqa: F401 (each module registers its commands)
from .app import cli, main
from .view import default_view_name

__all__ = ["cli", "default_view_name", "main"]
