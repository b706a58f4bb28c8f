"""The period rule: when a supply relation is in force, its period at the precision its source
gives, read against a date at its own precision (``--as-of``).

A bound is a year, a month or a day (``2021``, ``2022-06``, ``2025-01-09``; ``cg:PeriodBound``). A
start read at its precision begins on its first day (``2021`` on 2021-01-01), an end lasts to its
last day (``2022-06`` to 2022-06-30); no start means since ever, no end still in force. A date asked
for is a window at its own precision: ``2022`` is any time in 2022, ``2022-06-30`` that day. A
relation is in force on it when its period overlaps the window. An edge (a supplier-client pair) is
in force when one of its relations is; it is *undated* when none is in force and one of its
relations has no period at all, or it has no qualified relation (a plain ``cg:supplierOf``).

Ground floor: a sheet's ``start``/``end`` cells, ``--as-of`` and the projection's edges all follow it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..errors import InputError

__all__ = [
    "IN_FORCE",
    "NOT_IN_FORCE",
    "UNDATED",
    "Window",
    "bound_error",
    "first_day",
    "last_day",
    "relation_state",
    "window",
]

#: An edge's state on a date (see :func:`edge_states`).
IN_FORCE, NOT_IN_FORCE, UNDATED = 1, 0, 2

#: ASCII digits only: ``\d`` would take any script's digits (``２０２１``, ``٢٠٢١``), which RDF's
#: xsd:gYear and every other reader of the export refuse.
_BOUND = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@dataclass(frozen=True)
class Window:
    """A date at its own precision, as the first and last day it covers (ISO ``YYYY-MM-DD``)."""

    text: str
    first: str
    last: str


def bound_error(text: str) -> str | None:
    """Why ``text`` is not a year, a month or a day that exists (``None`` when it is one): the one
    rule for a sheet's ``start``/``end`` cells and for ``--as-of``.

    Years run from 0001: the proleptic Gregorian calendar Python's dates and xsd:date's first
    version use has no year 0, so ``0000`` is refused at every precision.

    >>> bound_error("2024-02-29"), bound_error("2023-02-29"), bound_error("2021-13")
    (None, 'there is no such day', 'there is no month 13')
    >>> bound_error("0000"), bound_error("２０２１") is None
    ('there is no year 0000 (years start at 0001)', False)
    """
    match = _BOUND.match(text)
    if match is None:
        return "write a year, a month or a day (YYYY, YYYY-MM or YYYY-MM-DD)"
    year, month, day = (int(part) if part else None for part in match.groups())
    if year == 0:
        return "there is no year 0000 (years start at 0001)"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if day is not None:
        try:
            dt.date(year or 1, month or 1, day)
        except ValueError:
            return "there is no such day"
    return None


def _parts(text: str, what: str) -> tuple[int, int | None, int | None]:
    error = bound_error(text.strip())
    if error is not None:
        raise InputError(f"{what} {text!r}: {error}")
    match = _BOUND.match(text.strip())
    assert match is not None  # bound_error accepted it
    year, month, day = (int(part) if part else None for part in match.groups())
    return year or 0, month, day


def first_day(bound: str) -> str:
    """The first day a bound covers: ``2021`` -> ``2021-01-01``, ``2022-06`` -> ``2022-06-01``.

    >>> first_day("2021"), first_day("2022-06"), first_day("2025-01-09")
    ('2021-01-01', '2022-06-01', '2025-01-09')
    """
    year, month, day = _parts(bound, "period bound")
    return f"{year:04d}-{month or 1:02d}-{day or 1:02d}"


def last_day(bound: str) -> str:
    """The last day a bound covers: ``2021`` -> ``2021-12-31``, ``2024-02`` -> ``2024-02-29``.

    >>> last_day("2021"), last_day("2024-02"), last_day("2025-01-09")
    ('2021-12-31', '2024-02-29', '2025-01-09')
    """
    year, month, day = _parts(bound, "period bound")
    month = month or 12
    return f"{year:04d}-{month:02d}-{day or calendar.monthrange(year, month)[1]:02d}"


def window(text: str) -> Window:
    """The days a date asked for covers (``--as-of``); a one-line error for anything else.

    >>> window("2022")
    Window(text='2022', first='2022-01-01', last='2022-12-31')
    """
    _parts(text, "--as-of")
    return Window(text.strip(), first_day(text), last_day(text))


def relation_state(start: str, end: str, on: Window) -> int:
    """:data:`IN_FORCE`, :data:`NOT_IN_FORCE` or :data:`UNDATED` for one relation's bounds (``""``: none)."""
    if not start and not end:
        return UNDATED
    begins = first_day(start) if start else "0000-01-01"
    ends = last_day(end) if end else "9999-12-31"
    return IN_FORCE if begins <= on.last and ends >= on.first else NOT_IN_FORCE
