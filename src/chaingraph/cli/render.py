"""Rendering for the command line: rich tables that fit the terminal, and the other formats
through :mod:`chaingraph.interchange.tabular`.

Only :mod:`chaingraph.cli` uses this module; the library returns records and never prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ..interchange.tabular import format_cell, records_json, to_csv, to_markdown

__all__ = [
    "SECOND_NAMES",
    "TEXT_MIN_WIDTH",
    "WRAP_MIN_WIDTH",
    "TableLook",
    "cite",
    "distinguish_labels",
    "fit_table",
    "left_out_note",
    "middle",
    "printable",
    "quantity",
    "render",
    "rich_table",
]

# C0 and C1 controls (ESC starts the sequences that clear a screen or set its title) and the
# bidirectional overrides that make text read differently from what it is.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to show on a terminal, on one line: controls become spaces or vanish.

    For tables and messages only; data files (csv, json, RDF) keep every character.
    """
    return _UNPRINTABLE.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


def cite(source: str) -> str:
    """A source IRI as people cite it on screen: ``fujian-chain-collaboration#p3`` (full IRI in json)."""
    return source.rstrip("/").rsplit("/", 1)[-1] or source


def rich_table(
    rows: Iterable[dict],
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    title: str | None = None,
    width: int | None = None,
) -> Table:
    """A table for people; with ``width``, one line per row within it (see :func:`fit_table`)."""
    return fit_table(rows, columns, headers, title, width)[0]


#: The narrowest a text column is cut to (with an ellipsis) before columns are left out.
TEXT_MIN_WIDTH = 8
#: The narrowest a wrapping column gets: a readable line of a message.
WRAP_MIN_WIDTH = 30
#: A name column, and the second name column that gives way to it when cutting the first would
#: make rows whose names differ look the same (the Chinese name beside the English one).
SECOND_NAMES = {"label": "label_zh"}


def fit_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    title: str | None = None,
    width: int | None = None,
    wrap: Sequence[str] = (),
) -> tuple[Table, list[str]]:
    """A table with one line per row that fits ``width`` terminal cells, and the headers left out.

    The caller's order of ``columns`` is their priority. Numbers keep four significant digits,
    are right-aligned and never cut. Text columns are cut with an ellipsis, the widest first, so
    they end up about as wide as each other, none below :data:`TEXT_MIN_WIDTH`; if the table is
    still too wide, columns are left out from the right, never the first. Without ``width`` every
    column has its natural width. Columns in ``wrap`` (a validation message, the answer of a
    command, which are no use cut) wrap onto more lines instead, and are the last left out.
    """
    from rich.cells import cell_len

    rows = list(rows)
    heads = list(headers or columns)
    cells = [[_escape(printable(format_cell(row.get(c)))) for c in columns] for row in rows]
    numeric = [bool(rows) and all(_is_number(row.get(c)) or row.get(c) is None for row in rows) for c in columns]
    natural = [max([cell_len(heads[i]), *(cell_len(line[i]) for line in cells)]) for i in range(len(columns))]
    narrowest = [WRAP_MIN_WIDTH if column in wrap else TEXT_MIN_WIDTH for column in columns]
    floor = [
        natural[i] if numeric[i] else min(natural[i], max(narrowest[i], cell_len(heads[i])))
        for i in range(len(columns))
    ]
    kept = list(range(len(columns)))
    if width is not None:
        # A box table spends one cell on each border and two on each column's padding.
        def overhead(count: int) -> int:
            return 3 * count + 1

        while len(kept) > 1 and sum(floor[i] for i in kept) + overhead(len(kept)) > width:
            # the rightmost column goes first, one that answers the command (wraps) last
            dropped = next((i for i in reversed(kept[1:]) if columns[i] not in wrap), kept[-1])
            kept.remove(dropped)
    widths = {i: natural[i] for i in kept}
    if width is not None:
        # An identifier is cut in the middle, unless it answers the command (it wraps instead).
        identifiers = {
            i for i in range(len(columns)) if columns[i] not in wrap and _holds_identifiers(line[i] for line in cells)
        }
        for i in identifiers:  # an identifier is cut no shorter than keeps every one distinct
            floor[i] = _distinct_width([line[i] for line in cells], floor[i], natural[i])
        widths = _shared_widths(kept, natural, floor, width, identifiers)
        if _tell_names_apart(columns, cells, kept, widths):
            widths = _shared_widths(kept, natural, floor, width, identifiers)
        _cut_in_the_middle_where_ends_differ(columns, cells, kept, widths)
        for i in identifiers & set(kept):  # the end of an identifier tells it apart: keep it
            for line in cells:
                line[i] = middle(line[i], widths[i])
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for i in kept:
        wraps = columns[i] in wrap
        table.add_column(
            heads[i],
            justify="right" if numeric[i] else "left",
            no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis",
            width=widths[i] if width is not None else None,
        )
    for line in cells:
        table.add_row(*(line[i] for i in kept))
    return table, [heads[i] for i in range(len(columns)) if i not in kept]


_IDENTIFIER = re.compile(r"[A-Za-z][\w.+-]*:[^\s]+")


def _holds_identifiers(texts: Iterable[str]) -> bool:
    """Whether a column holds identifiers (CURIEs such as ``fj:catl``, or IRIs) and nothing else."""
    shown = [text for text in texts if text]
    return bool(shown) and all(_IDENTIFIER.fullmatch(text) for text in shown)


def _distinct_width(texts: list[str], narrowest: int, widest: int) -> int:
    """The narrowest width from ``narrowest`` at which ``texts`` cut in the middle stay as many
    different texts as they are whole."""
    different = len(set(texts))
    return next((w for w in range(narrowest, widest) if len({middle(t, w) for t in texts}) == different), widest)


def _shared_widths(
    kept: list[int], natural: list[int], floor: list[int], width: int, identifiers: set[int]
) -> dict[int, int]:
    """Column widths within ``width`` cells. Identifier columns give way first (to their floor;
    they are then cut in the middle), then the widest text column gives a cell at a time (the
    later of two as wide), so the cut columns end about as wide as each other: a stage column is
    not cut to its floor while the name beside it stays long, nor an identifier kept whole while
    the names are cut."""
    widths = {i: natural[i] for i in kept}
    excess = sum(widths.values()) + 3 * len(kept) + 1 - width  # borders and padding: 3 a column
    while excess > 0:
        cuttable = [i for i in kept if widths[i] > floor[i] and i in identifiers]
        cuttable = cuttable or [i for i in kept if widths[i] > floor[i]]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


def middle(text: str, width: int) -> str:
    """``text`` within ``width`` characters, cut in the middle: the start and the end stay."""
    if len(text) <= width:
        return text
    head = (width - 1) // 3
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _cut(text: str, width: int) -> str:
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def _tell_names_apart(columns: Sequence[str], cells: list[list[str]], kept: list[int], widths: dict[int, int]) -> bool:
    """When cutting a name column makes two different names look the same, its second name
    column (:data:`SECOND_NAMES`) is left out (from ``kept``, in place), so its cells can be
    shared again; whether one was."""
    removed = False
    for name, second in SECOND_NAMES.items():
        if name not in columns or second not in columns:
            continue
        i, j = columns.index(name), columns.index(second)
        if i not in kept or j not in kept:
            continue
        full = {line[i] for line in cells}
        if len({_cut(text, widths[i]) for text in full}) == len(full):
            continue
        kept.remove(j)
        removed = True
    return removed


def _cut_in_the_middle_where_ends_differ(
    columns: Sequence[str], cells: list[list[str]], kept: list[int], widths: dict[int, int]
) -> None:
    """A name column whose names, cut at the end, would look the same ("Synthetic Firm 00…" for
    every synthetic firm) is cut in the middle instead, when that tells them apart: the start
    and the end stay ("Synthetic…0002272"). Names of wide (Chinese) characters stay cut at the end."""
    from rich.cells import cell_len

    for name in SECOND_NAMES:
        if name not in columns or columns.index(name) not in kept:
            continue
        i = columns.index(name)
        full = [line[i] for line in cells]
        cut_at_the_end = len({_cut(text, widths[i]) for text in full})
        if cut_at_the_end == len(set(full)) or any(cell_len(text) != len(text) for text in full):
            continue
        shortened = [middle(text, widths[i]) for text in full]
        if len(set(shortened)) > cut_at_the_end:
            for line, text in zip(cells, shortened, strict=True):
                line[i] = text


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@dataclass(frozen=True)
class TableLook:
    """How rows look as a table (and the headers markdown takes too): the column ``headers``
    (default: the keys), a ``title``, the columns that ``wrap`` rather than be cut, and whether the
    command has ``--columns`` to choose the ones left out (``choosable``, for the note under it)."""

    headers: Sequence[str] | None = None
    title: str | None = None
    wrap: Sequence[str] = ()
    choosable: bool = False


def render(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    look: TableLook = TableLook(),
    console: Console | None = None,
) -> str | None:
    """Rows in the chosen format; for ``table`` the table, as ``look`` says, is printed to
    ``console`` and None returned."""
    headers = look.headers
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "tsv":
        return to_csv(rows, columns, delimiter="\t")
    if fmt == "json":
        return records_json(rows, columns) + "\n"
    if fmt == "markdown":
        return to_markdown(rows, columns, headers)
    console = console or Console()
    table, left_out = fit_table(rows, columns, headers, look.title, console.width, look.wrap)
    console.print(table)
    if left_out:
        console.print(left_out_note(left_out, look.choosable))
    return None


def left_out_note(left_out: Sequence[str], choosable: bool = True) -> str:
    """The line under a table that had to leave columns out; ``choosable``: the command has --columns."""
    from rich.markup import escape

    hint = "see --columns" if choosable else "--format csv shows every column"
    return f"[dim]left out to fit the terminal: {escape(', '.join(left_out))} ({hint})[/]"


def distinguish_labels(rows: list[dict], label: str = "label", identifier: str = "id") -> list[dict]:
    """Rows whose ``label`` another row shares get the end of their IRI after it, so two firms of
    one name are two readable rows in a table that shows no IRI column.

    >>> distinguish_labels([{"label": "Foil Co", "id": "https://x/a"}, {"label": "Foil Co", "id": "https://y/b"}])
    [{'label': 'Foil Co (a)', 'id': 'https://x/a'}, {'label': 'Foil Co (b)', 'id': 'https://y/b'}]
    """
    counts: dict[object, int] = {}
    for row in rows:
        counts[row.get(label)] = counts.get(row.get(label), 0) + 1
    shown = []
    for row in rows:
        if counts[row.get(label)] > 1 and row.get(identifier):
            tail = str(row[identifier]).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            row = {**row, label: f"{row.get(label)} ({tail})"}
        shown.append(row)
    return shown


def quantity(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and the noun in the number English wants.

    >>> quantity(1, "firm"), quantity(2, "firm"), quantity(0, "supply edge"), quantity(3, "company", "companies")
    ('1 firm', '2 firms', '0 supply edges', '3 companies')
    """
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
