"""Rendering for the command line: rich tables for people, CSV, JSON and Markdown for programs.

Only ``cli.py`` uses this module; the library returns records and never prints.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

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


def format_cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.4g}"
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_csv(rows: Iterable[dict], columns: Sequence[str], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    # RFC 4180 line ends: the csv module then quotes any cell holding a carriage return or newline,
    # so every label reads back unchanged.
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = [row.get(c) for c in columns]
        writer.writerow(
            [
                neutralise_cell(format_cell(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else v)
                for v in cells
            ]
        )
    return buffer.getvalue()


def to_json(data: object) -> str:
    """JSON text (UTF-8, no escapes); a list of records is written one record per line, so a
    million rows stay readable by line-oriented tools."""
    import orjson  # compiled: ten times the standard encoder on 100k records

    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        lines = b",\n  ".join(orjson.dumps(item, default=_json_default) for item in data)
        return "[\n  " + lines.decode() + "\n]"
    return orjson.dumps(data, default=_json_default, option=orjson.OPT_INDENT_2).decode()


def _json_default(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, float):  # NumPy's float64 and other subclasses stay numbers
        return float(value)
    if hasattr(value, "item") and hasattr(value, "dtype"):  # NumPy scalars
        return value.item()
    return str(value)


def to_markdown(rows: Iterable[dict], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    def cell(value: object) -> str:
        return format_cell(value).replace("|", "\\|").replace("\n", " ")

    heads = list(headers or columns)
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join(" --- " for _ in heads) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


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


def fit_table(
    rows: Iterable[dict],
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    title: str | None = None,
    width: int | None = None,
    wrap: Sequence[str] = (),
) -> tuple[Table, list[str]]:
    """A table with one line per row that fits ``width`` terminal cells, and the headers left out.

    The caller's order of ``columns`` is their priority. Numbers keep four significant digits,
    are right-aligned and never cut. Text columns are cut with an ellipsis, the last first, down
    to :data:`TEXT_MIN_WIDTH`; if the table is still too wide, columns are left out from the
    right, never the first. Without ``width`` every column has its natural width. Columns in
    ``wrap`` (a validation message, say, which is no use cut) wrap onto more lines instead.
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
            kept.pop()
    widths = {i: natural[i] for i in kept}
    if width is not None:
        excess = sum(widths.values()) + 3 * len(kept) + 1 - width
        for i in reversed(kept):  # the last columns give way first: the order is the priority
            cut = min(excess, widths[i] - floor[i])
            if cut > 0:
                widths[i] -= cut
                excess -= cut
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


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def render(
    rows: list[dict],
    columns: Sequence[str],
    fmt: str,
    *,
    headers: Sequence[str] | None = None,
    title: str | None = None,
    console: Console | None = None,
    wrap: Sequence[str] = (),
    choosable: bool = False,
) -> str | None:
    """Rows in the chosen format; for ``table`` the table is printed to ``console`` and None returned."""
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "tsv":
        return to_csv(rows, columns, delimiter="\t")
    if fmt == "json":
        return to_json([{c: row.get(c) for c in columns} for row in rows]) + "\n"
    if fmt == "markdown":
        return to_markdown(rows, columns, headers)
    console = console or Console()
    table, left_out = fit_table(rows, columns, headers, title, console.width, wrap)
    console.print(table)
    if left_out:
        console.print(left_out_note(left_out, choosable))
    return None


def left_out_note(left_out: Sequence[str], choosable: bool = True) -> str:
    """The line under a table that had to leave columns out; ``choosable``: the command has --columns."""
    from rich.markup import escape

    hint = "see --columns" if choosable else "--format csv shows every column"
    return f"[dim]left out to fit the terminal: {escape(', '.join(left_out))} ({hint})[/]"


def sparql_json(variables: Sequence[str], rows: Iterable[dict], boolean: bool | None = None) -> str:
    """W3C SPARQL 1.1 Query Results JSON for SELECT rows or an ASK answer."""
    from rdflib import BNode, Literal, URIRef

    if boolean is not None:
        return json.dumps({"head": {}, "boolean": boolean}) + "\n"
    bindings = []
    for row in rows:
        binding = {}
        for name, term in row.items():
            if isinstance(term, URIRef):
                binding[name] = {"type": "uri", "value": str(term)}
            elif isinstance(term, BNode):
                binding[name] = {"type": "bnode", "value": str(term)}
            elif isinstance(term, Literal):
                entry = {"type": "literal", "value": str(term)}
                if term.language:
                    entry["xml:lang"] = term.language
                elif term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
                    entry["datatype"] = str(term.datatype)
                binding[name] = entry
        bindings.append(binding)
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
