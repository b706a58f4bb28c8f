"""The spreadsheet-formula escape of a CSV cell, and its inverse: a rule of the sheets chaingraph
reads and of the tables it writes, kept free of any data library so that the command line's
rendering (and ``--help``) does not load Arrow, NumPy or rdflib to apply it.
"""

from __future__ import annotations

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "unneutralise_cell"]

#: What a spreadsheet runs as a formula when a cell starts with it (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    # An apostrophe before a formula-looking cell is our own escape, so it needs escaping too:
    # that keeps neutralise/unneutralise exact inverses.
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise_cell(value: object) -> object:
    """A CSV cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers pass unchanged: ``-0.5`` is a value, not a formula. ``unneutralise_cell`` undoes it.
    """
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def unneutralise_cell(text: str) -> str:
    """The inverse of :func:`neutralise_cell`, applied when chaingraph reads a CSV cell."""
    if text.startswith("'") and _looks_like_formula(text[1:]):
        return text[1:]
    return text
