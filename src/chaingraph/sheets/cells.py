"""The cell rules of a sheet in chaingraph's import layout: how an id becomes an IRI, what an
``evidence``, ``kind``, ``start`` or ``end`` cell may say, and the spreadsheet-formula escape a
cell written by chaingraph carries. Ground floor: the import, the tables reader and Spark's
readers all follow these, so the same cells give the same nodes on every path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .._runtime.formulas import FORMULA_PREFIXES, neutralise_cell, unneutralise_cell
from ..errors import InputError
from ..vocab import KIND_BY_CLASS
from .dates import bound_error

__all__ = [
    "EVIDENCE_CELLS",
    "FORMULA_PREFIXES",
    "KIND_CLASSES",
    "JoinedColumns",
    "check_period",
    "column_name",
    "evidence_cell",
    "file_source",
    "inference_reason",
    "is_iri",
    "joined_cells",
    "kind_cell",
    "mint",
    "mint_iri",
    "neutralise_cell",
    "period_cell",
    "period_text",
    "quoted",
    "self_loop_note",
    "unneutralise_cell",
]

_IRI = re.compile(r"^(https?://|urn:)[^\s<>\"{}|\\^`]+$")


def mint_iri(base: str, kind: str, identifier: str) -> str:
    """The IRI of an imported thing: ``base + kind + "/" + percent-encoded id`` (or the id if it is an IRI)."""
    if _IRI.match(identifier):
        return identifier
    return f"{base}{kind}/{quoted(identifier)}"


def mint(base: str, kind: str, identifier: str) -> ox.NamedNode:
    """:func:`mint_iri` as a pyoxigraph node."""
    return ox.NamedNode(mint_iri(base, kind, identifier))


def is_iri(text: str) -> bool:
    """Whether a cell is an http(s) or urn IRI, used as it is rather than minted."""
    return _IRI.match(text) is not None


@functools.lru_cache(maxsize=1 << 20)
def quoted(identifier: str) -> str:
    """An id as one IRI path segment; a firm recurs in many rows, and quoting is slow."""
    return quote(identifier, safe="")


def period_cell(text: str) -> bool:
    """Whether a start or end cell is a year, a month or a day that exists (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return bound_error(text) is None


def period_text(start: str, end: str) -> str:
    """A relation's period as ``cg:period`` writes it from its cells: ``start/end``, ``start``, ``/end``."""
    return f"{start}/{end}" if start and end else start or f"/{end}"


def file_source(base: str, batch: str, name: str) -> str:
    """The IRI of a sheet's source (its rows are ``<this>#row=N``), named after its digest and name."""
    return f"{base}source/{batch}/{quoted(name)}"


class JoinedColumns(str):
    """Several columns read as one field (``--map address=City --map address=Province``): their
    cells joined with ``", "`` in that order, empty ones left out. A ``str`` (``City + Province``,
    as messages name it), so a mapping stays ``field -> column``."""

    columns: tuple[str, ...]

    def __new__(cls, columns: tuple[str, ...]) -> JoinedColumns:
        joined = super().__new__(cls, " + ".join(columns))
        joined.columns = tuple(columns)
        return joined

    def __getnewargs__(self) -> tuple[tuple[str, ...]]:  # type: ignore[override]
        return (self.columns,)


def joined_cells(cells: list[str]) -> str:
    """The cells of a field read from several columns, as one: ``Suzhou, Jiangsu, China``."""
    return ", ".join(cell for cell in cells if cell)


def column_name(mapping: Mapping[str, str], field: str) -> str:
    """The sheet's column that holds ``field``."""
    return mapping.get(field, field)


#: The ``evidence`` cells a relations sheet may hold (any case; empty means stated: the row is the
#: statement), each an evidence level of :data:`chaingraph.settings.EVIDENCE_LEVELS`.
EVIDENCE_CELLS = ("stated", "inferred", "unspecified")


def evidence_cell(where: str, value: str, mapping: Mapping[str, str]) -> str:
    """A row's evidence level from its ``evidence`` cell, or a one-line error naming the cell.

    ``inferred`` becomes ``cg:InferredInSource`` with the sheet as its reason; ``unspecified`` a
    plain ``cg:supplierOf`` edge (the source does not qualify it), so such a row can carry no
    product, period or source.
    """
    return _choice(where, value, mapping, "evidence", EVIDENCE_CELLS, "stated")


def _choice(where: str, value: str, mapping: Mapping[str, str], field: str, choices, default: str) -> str:
    """A cell that names one of ``choices`` (any case; empty: ``default``), or a one-line error."""
    chosen = value.strip().lower() or default
    if chosen not in choices:
        raise InputError(
            f"{where}: {field} {value!r} (column {column_name(mapping, field)!r}): "
            f"use {', '.join(choices)} (empty: {default})"
        )
    return chosen


#: A firm row's ``kind`` cell (empty: firm) -> the class a new organization gets: the projection's
#: kinds (:data:`chaingraph.vocab.KIND_BY_CLASS`) but stage, which is no organization.
KIND_CLASSES = {kind: iri for iri, kind in KIND_BY_CLASS.items() if kind != "stage"}


def kind_cell(where: str, value: str, mapping: Mapping[str, str]) -> str:
    """A firm row's kind from its ``kind`` cell (any case; empty: ``firm``), or a one-line error."""
    return _choice(where, value, mapping, "kind", KIND_CLASSES, "firm")


def inference_reason(sheet_name: str) -> str:
    """The ``cg:inferenceReason`` of a relation a sheet marks inferred."""
    return f"marked inferred in {sheet_name}"


def check_period(where: str, start: str, end: str, mapping: Mapping[str, str]) -> None:
    """A relation's period as the import takes it: each end a year, a month or a day that exists
    (YYYY, YYYY-MM or YYYY-MM-DD), the start not after the end at the coarser precision."""
    for name, value in (("start", start), ("end", end)):
        if value and not period_cell(value):
            raise InputError(
                f"{where}: {name} {value!r} is not a valid date: write a year, a month or a day "
                f"(YYYY, YYYY-MM or YYYY-MM-DD) (column {column_name(mapping, name)!r})"
            )
    if start and end:
        precision = min(len(start), len(end))  # compared at the coarser of the two precisions
        if start[:precision] > end[:precision]:
            raise InputError(
                f"{where}: the period starts ({start}) after it ends ({end}) "
                f"(columns {column_name(mapping, 'start')!r} and {column_name(mapping, 'end')!r})"
            )


def self_loop_note(path: Path, loops: int) -> str:
    """What a sheet's self-loops are worth saying: kept, as the rows state them."""
    rows = "row is a self-loop" if loops == 1 else "rows are self-loops"
    return f"{path}: {loops:,} {rows} (a firm supplying itself): kept as stated; they change no reach"
