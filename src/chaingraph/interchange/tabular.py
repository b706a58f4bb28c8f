"""Data for programs, as text: CSV and TSV safe to open in a spreadsheet, JSON, Markdown, and
SPARQL 1.1 results JSON. Where data leaves as a table (export, query, stats) and where a sheet's
cells are read back (import); terminal rendering for people is :mod:`chaingraph.cli.render`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import BinaryIO

from .._runtime.formulas import FORMULA_PREFIXES, neutralise_cell, unneutralise_cell

__all__ = [
    "FORMULA_PREFIXES",
    "format_cell",
    "neutralise_cell",
    "records_json",
    "sparql_json",
    "to_csv",
    "to_json",
    "to_markdown",
    "unneutralise_cell",
    "write_records_json",
]


def format_cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if 1e4 <= abs(value) < 1e15:  # an HHI of 10,000 reads as such, not as 1e+04
            return f"{value:.0f}"
        return f"{value:.4g}"
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_csv(rows: Iterable[Mapping], columns: Sequence[str], delimiter: str = ",") -> str:
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
        return records_json(data)
    return orjson.dumps(data, default=_json_default, option=orjson.OPT_INDENT_2).decode()


def records_json(rows: Iterable[Mapping], columns: Sequence[str] | None = None) -> str:
    """A list of records as :func:`to_json` writes it, one per line; with ``columns``, each record
    has those keys, in that order (``None`` for a missing one). The records are read one at a
    time, so a projection of them is never held whole."""
    out = io.BytesIO()
    write_records_json(rows, out, columns)
    return out.getvalue().decode()


def write_records_json(rows: Iterable[Mapping], out: BinaryIO, columns: Sequence[str] | None = None) -> None:
    """:func:`records_json` written to ``out`` as it is made, a megabyte at a time: the text of a
    million rows is never held whole."""
    import orjson

    # Each record is copied out of orjson's result at once: a result keeps the capacity of
    # orjson's buffer (kilobytes), so holding 100k of them to join took 0.8 GB for 48 MB.
    chunk = bytearray()
    started = False
    wanted = None if columns is None else list(columns)
    for row in rows:
        chunk += b",\n  " if started else b"[\n  "
        started = True
        # a row with just those keys, in that order, is written as it is
        record = row if wanted is None or list(row) == wanted else {column: row.get(column) for column in wanted}
        chunk += orjson.dumps(record, default=_json_default)
        if len(chunk) > 1 << 20:
            out.write(chunk)
            chunk.clear()
    chunk += b"\n]" if started else b"[]"
    out.write(chunk)


def _json_default(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, float):  # NumPy's float64 and other subclasses stay numbers
        return float(value)
    if hasattr(value, "item") and hasattr(value, "dtype"):  # NumPy scalars
        return value.item()
    return str(value)


def to_markdown(rows: Iterable[Mapping], columns: Sequence[str], headers: Sequence[str] | None = None) -> str:
    def cell(value: object) -> str:
        return format_cell(value).replace("|", "\\|").replace("\n", " ")

    heads = list(headers or columns)
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join(" --- " for _ in heads) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


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
