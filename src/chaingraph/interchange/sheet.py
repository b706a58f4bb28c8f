"""A sheet in chaingraph's import layout: its fields, how its rows are read (CSV a row at a time,
Parquet by columns), and how its cells become IRIs. One home for these rules: ``chaingraph import``
(:mod:`chaingraph.interchange.csv_import`) writes RDF by them, and the tables reader
(:mod:`chaingraph.projection.tables`) puts the same rows straight into the projection's columns.

Layouts (CSV in UTF-8, with or without a byte-order mark; header on ``header_row``; or Parquet):

- relations: ``supplier, client, supplies, start, end, source``; ``supplier`` and ``client`` required;
- firms: ``id, name_en, name_zh, located_in, chain, stage``; ``id`` required.

``mapping`` names the column that holds a field when a sheet uses other names
(``{"supplier": "Vendor"}``). Rows where every mapped field is empty are skipped (so one flattened
file can hold relation rows and firm rows).

IRIs are minted from ids under a base: ``<base>firm/<id percent-encoded>``, stable across runs and
distinct for distinct ids; an id that already is an http(s) or urn IRI is used as it is. A relation's
end not among the sheet's firms and named exactly like one organization of the graph (``CATL``,
``宁德时代``) is that organization. Places are matched to the graph's places by English or Chinese
name, case-insensitively, or created; chains and stages likewise (see :class:`Naming`).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyoxigraph as ox
from rdflib import URIRef

from .._runtime.fileio import open_input
from ..errors import InputError
from ..names import Decision, Decisions, NameIndex, exact_form, name_key
from ..projection.periods import bound_error
from ..queries.names import shorten
from ..queries.texts import package_query
from ..store.base import Store
from ..vocab import CG, KIND_BY_CLASS, ORGANIZATION_CLASSES, PLACE_CLASSES, curies
from .tabular import unneutralise_cell

__all__ = [
    "EVIDENCE_CELLS",
    "FIRM_FIELDS",
    "KIND_CLASSES",
    "NAME_FIELDS",
    "PARQUET_SUFFIXES",
    "RELATION_FIELDS",
    "REQUIRED",
    "CsvRows",
    "ImportContext",
    "Naming",
    "SheetColumns",
    "check_period",
    "column_name",
    "evidence_cell",
    "file_source",
    "inference_reason",
    "is_iri",
    "kind_cell",
    "mint",
    "mint_iri",
    "parse_mapping",
    "period_cell",
    "period_text",
    "read_sheet",
    "self_loop_note",
    "sheet_digest",
]

#: How a relation end's name was resolved (``chaingraph resolve``): a label of the graph, a name of
#: the user's firms sheets, the same key as one of those (:mod:`chaingraph.names`), a decision of
#: the user's, or a new firm.
RESOLUTIONS = ("graph", "sheet", "normalised", "same-as", "new")

RELATION_FIELDS = ("supplier", "client", "supplies", "start", "end", "source", "evidence")
FIRM_FIELDS = ("id", "name_en", "name_zh", "located_in", "chain", "stage", "kind")
REQUIRED = {"relations": ("supplier", "client"), "firms": ("id",)}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_IRI = re.compile(r"^(https?://|urn:)[^\s<>\"{}|\\^`]+$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

_ORGANIZATION_CLASSES = {str(c) for c in ORGANIZATION_CLASSES}

_CONTEXT_QUERY = package_query(
    "import-context", PLACE_CLASSES=curies(PLACE_CLASSES), ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES)
)
_KINDS_QUERY = package_query("import-thing-kinds")
_NOT_FIRMS_QUERY = package_query("import-not-firms", ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES))


def parse_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["supplier=Vendor"]`` -> ``{"supplier": "Vendor"}``, checking the field names."""
    known = RELATION_FIELDS + FIRM_FIELDS
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not column:
            raise InputError(f"--map {pair!r}: expected FIELD=COLUMN")
        if name not in known:
            raise InputError(f"--map {pair!r}: unknown field {name!r} (fields: {', '.join(known)})")
        mapping[name] = column
    # Two fields read from one column would, for supplier and client, import every row as a self-loop.
    fields_by_column: dict[str, list[str]] = {}
    for name, column in mapping.items():
        fields_by_column.setdefault(column, []).append(name)
    for column, names in fields_by_column.items():
        if len(names) > 1:
            raise InputError(f"--map: {' and '.join(names)} both read column {column!r}; give each its own column")
    # Mapped onto the other end's own column (--map supplier=client) does the same.
    if column_name(mapping, "supplier") == column_name(mapping, "client"):
        column = column_name(mapping, "supplier")
        raise InputError(f"--map: supplier and client both read column {column!r}; give each its own column")
    return mapping


def mint_iri(base: str, kind: str, identifier: str) -> str:
    """The IRI of an imported thing: ``base + kind + "/" + percent-encoded id`` (or the id if it is an IRI)."""
    if _IRI.match(identifier):
        return identifier
    return f"{base}{kind}/{_quoted(identifier)}"


def mint(base: str, kind: str, identifier: str) -> ox.NamedNode:
    """:func:`mint_iri` as a pyoxigraph node."""
    return ox.NamedNode(mint_iri(base, kind, identifier))


def is_iri(text: str) -> bool:
    """Whether a cell is an http(s) or urn IRI, used as it is rather than minted."""
    return _IRI.match(text) is not None


@functools.lru_cache(maxsize=1 << 20)
def _quoted(identifier: str) -> str:
    """An id as one IRI path segment; a firm recurs in many rows, and quoting is slow."""
    return quote(identifier, safe="")


def _short(kind: str) -> str:
    """A class IRI as a reader knows it: ``cg:Place``, ``owl:Class``, else the IRI."""
    return shorten(URIRef(kind))


class ImportContext:
    """Places, chains and stages already in the graph, by lower-cased name."""

    def __init__(self, store: Store | None) -> None:
        self.places: dict[str, str] = {}
        self.chains: dict[str, str] = {}
        self.stages: dict[tuple[str, str], str] = {}
        self.firms: dict[str, set[str]] = {}
        self.organizations: set[str] = set()
        #: IRIs of the graph's places, chains and stages, with what each is: never a firm's id.
        self.not_firms: dict[str, str] = {}
        self._store = store
        #: (name, organization) for every label of the graph's organizations; indexed by key on
        #: the first lookup that needs it (:attr:`graph_names`).
        self._organization_names: list[tuple[str, str]] = []
        self._graph_names: NameIndex | None = None
        if store is None:
            return
        for row in store.select(_CONTEXT_QUERY).rows:
            name, thing, kind = str(row["name"]).strip().lower(), str(row["thing"]), str(row["kind"])
            if kind not in _ORGANIZATION_CLASSES:
                self.not_firms.setdefault(thing, _short(kind))
            if kind == str(CG.IndustrialChain):
                self.chains.setdefault(name, thing)
                self.chains.setdefault(thing.rsplit("/", 1)[-1].lower(), thing)
            elif kind == str(CG.ChainStage):
                if "scheme" in row:
                    self.stages.setdefault((str(row["scheme"]), name), thing)
            elif kind in _ORGANIZATION_CLASSES:
                self.firms.setdefault(name, set()).add(thing)
                self.organizations.add(thing)
                self._organization_names.append((str(row["name"]), thing))
            else:
                self.places.setdefault(name, thing)

    def __getstate__(self) -> dict:
        # Sent to Spark's workers inside the naming rule: the store stays here (it cannot travel),
        # so what the workers must refuse travels instead: every thing of the graph that is no
        # organization, but for the kinds that grow with the data (asked of the store here only).
        if self._store is not None:
            for row in self._store.select(_NOT_FIRMS_QUERY).rows:
                self.not_firms.setdefault(str(row["thing"]), _short(str(row["type"])))
        return {**self.__dict__, "_store": None}

    def other_kind(self, iri: str) -> str | None:
        """What the graph says ``iri`` is when it is something other than an organization (a
        place, a person, a product, a class), else ``None``; asked once per IRI."""
        if iri in self.organizations:
            return None
        if iri not in self.not_firms and self._store is not None:
            kinds = [str(row["kind"]) for row in self._store.select(_KINDS_QUERY, {"thing": URIRef(iri)}).rows]
            if any(kind in _ORGANIZATION_CLASSES for kind in kinds):
                self.organizations.add(iri)
                return None
            self.not_firms[iri] = _short(min(kinds)) if kinds else ""
        return self.not_firms.get(iri) or None

    def existing_firm(self, name: str) -> str | None:
        """The one organization of the graph with this name, if exactly one has it."""
        found = self.firms.get(name.strip().lower(), set())
        return next(iter(found)) if len(found) == 1 else None

    @property
    def organization_names(self) -> list[tuple[str, str]]:
        """(name, organization) for every label of the graph's organizations."""
        return self._organization_names

    @property
    def graph_names(self) -> NameIndex:
        """The graph's organizations by every label they have, in every language."""
        if self._graph_names is None:
            self._graph_names = NameIndex()
            for name, thing in self._organization_names:
                self._graph_names.add(name, thing)
        return self._graph_names


class CsvRows:
    """The rows of a CSV file as ``(line, {field: value})``, read as a stream, with errors that
    name file, line and column.

    ``line`` is where a record starts (a quoted cell may span lines). After iterating,
    ``skipped`` is the number of rows skipped because every mapped field was empty; while
    iterating, :meth:`position` tells how far into the file the reader is.
    """

    def __init__(
        self, path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str], header_row: int = 1
    ) -> None:
        self.path = path
        self.fields = fields
        self.role = role
        self.mapping = mapping
        self.header_row = header_row
        self.skipped = 0
        self._binary: IO[bytes] | None = None

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def digest(self) -> str:
        """A digest of the file's bytes and of how they are read (see :func:`sheet_digest`)."""
        return sheet_digest(self.path, self.mapping, self.header_row)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        self.skipped = 0
        with open_input(self.path) as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield from self._rows(csv.reader(_bounded_lines(self.path, text), strict=True))
            except UnicodeDecodeError:
                line = _first_undecodable_line(self.path)
                raise InputError(f"{self.path}:{line}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
            finally:
                text.detach()
                self._binary = None

    def _rows(self, reader) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.path
        header: list[str] | None = None
        columns: dict[str, int] = {}
        try:
            for line, record in _records_with_first_line(reader):
                if header is None:
                    if line < self.header_row:
                        continue
                    header = [cell.strip() for cell in record]
                    columns = _columns(path, header, self.fields, self.role, self.mapping)
                    continue
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    raise InputError(f"{path}:{line}: {len(record)} fields, but the header has {len(header)}")
                values = {name: _cell(name, record[index]) for name, index in columns.items()}
                if not any(values.values()):
                    self.skipped += 1
                    continue
                yield line, values
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: {exc}") from None
        if header is None:
            raise InputError(f"{path}: no header row (expected on line {self.header_row})")

    def position(self) -> int:
        """Bytes of the file read so far (by whole buffers: enough for a progress bar)."""
        return self._binary.tell() if self._binary is not None else 0


def period_cell(text: str) -> bool:
    """Whether a start or end cell is a year, a month or a day that exists (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return bound_error(text) is None


def period_text(start: str, end: str) -> str:
    """A relation's period as ``cg:period`` writes it from its cells: ``start/end``, ``start``, ``/end``."""
    return f"{start}/{end}" if start and end else start or f"/{end}"


def file_source(base: str, batch: str, name: str) -> str:
    """The IRI of a sheet's source (its rows are ``<this>#row=N``), named after its digest and name."""
    return f"{base}source/{batch}/{_quoted(name)}"


#: Columns whose text is a name, kept exactly as written (its spaces too): an export imported again
#: gives the same labels. Every other cell is an identifier or a code, read without spaces around it.
NAME_FIELDS = frozenset({"name_en", "name_zh"})


def _cell(name: str, text: str) -> str:
    stripped = text.strip()
    return unneutralise_cell(text if name in NAME_FIELDS and stripped else stripped)


def _first_undecodable_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (called once decoding has failed; a UTF-8
    sequence never holds a newline byte, so lines can be decoded one by one)."""
    with open_input(path) as handle:
        for line, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return line
    return 1


#: The longest cell a sheet may hold, on every path: the csv module's own field limit, which the
#: record-by-record reader applies, so the Arrow path refuses what it refuses.
MAX_CELL = 131_072
#: The longest line read: a file with no line breaks (``/dev/zero``, a binary) is refused here
#: instead of being read into memory whole.
MAX_LINE = 64 << 20


def _bounded_lines(path: Path, text: IO[str]) -> Iterator[str]:
    line = 0
    while True:
        chunk = text.readline(MAX_LINE + 1)
        if not chunk:
            return
        line += 1
        if len(chunk) > MAX_LINE:
            raise InputError(f"{path}:{line}: a line longer than {MAX_LINE:,} characters: not a sheet")
        yield chunk


def _records_with_first_line(reader) -> Iterator[tuple[int, list[str]]]:
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _columns(
    path: Path, header: list[str], fields: tuple[str, ...], role: str, mapping: Mapping[str, str]
) -> dict[str, int]:
    if any("\x00" in cell for cell in header):
        # UTF-16 without a byte-order mark reads as UTF-8 with a NUL before or after every letter.
        raise InputError(f"{path}:1: the header holds NUL characters: the file looks like UTF-16; save it as UTF-8")
    duplicates = [name for name, count in Counter(header).items() if count > 1 and name]
    columns = {}
    for name in fields:
        column = mapping.get(name, name)
        if column in header:
            if column in duplicates:
                raise InputError(f"{path}:1: column {column!r} appears twice in the header")
            columns[name] = header.index(column)
        elif name in mapping:
            raise InputError(f"{path}: --map {name}={column}: no such column (columns: {', '.join(header)})")
    for name in REQUIRED[role]:
        if name not in columns:
            shown = ", ".join(header) if len(", ".join(header)) < 200 else ", ".join(header)[:200] + "..."
            raise InputError(
                f"{path}: missing column {name!r} in the {role} header (columns: {shown}); "
                f"name it with --map {name}=COLUMN"
            )
    return columns


class Naming:
    """How a sheet's ids and names become IRIs, beside a graph (:class:`ImportContext`): the one
    rule both the import and the tables reader follow, so the two give the same nodes.

    Each method returns the IRI and whether this call created it (the caller then states what a new
    place, chain or stage is); ``created`` and ``matched`` count what was created and matched.
    """

    def __init__(
        self,
        context: ImportContext,
        base: str,
        chain_name: str,
        mapping: Mapping[str, str] | None = None,
        decisions: Sequence[Decision] = (),
    ) -> None:
        self.context = context
        #: The user's decisions on names (``--same-as``), applied to every IRI this rule gives.
        self.decisions = list(decisions)
        self._decided: Decisions | None = None
        #: The sheet's ``--map``, for messages that name a cell's column.
        self.mapping: Mapping[str, str] = mapping or {}
        self.base = base
        #: The chain a firm's stage belongs to when its row names none (import: the relations file's stem).
        self.chain_name = chain_name
        self.places: dict[str, str] = {}
        self.chains: dict[str, str] = {}
        self.stages: dict[tuple[str, str], str] = {}
        self.created: Counter = Counter()
        self.matched: Counter = Counter()
        #: How each relation end's name was resolved: name -> (IRI, how), ``how`` one of
        #: :data:`RESOLUTIONS`.
        self.resolved: dict[str, tuple[str, str]] = {}
        #: The firms sheets' own firms by id and names: looked up before the graph.
        self.sheet_names = NameIndex()
        #: New firms this rule has stated (a firm decided the same as one of them is not new).
        self._stated: set[str] = set()
        #: The candidate pairs of the names resolved, once worked out (``chaingraph resolve``).
        self.candidates: list | None = None

    def firm(self, identifier: str, where: str) -> str:
        """The IRI of a firm's id; an id that is a place's or chain's IRI is refused (it would make
        that place or chain a firm). ``where`` is the file and line, for the message."""
        iri = mint_iri(self.base, "firm", identifier)
        kind = self.context.other_kind(iri) if _IRI.match(identifier) else self.context.not_firms.get(iri)
        if kind:
            raise InputError(f"{where}: {identifier} is the graph's {kind}, not a firm; give the firm an id of its own")
        return self.merged(iri)

    def merged(self, iri: str) -> str:
        """The firm ``iri`` is, by the user's decisions: the graph's organization of a group decided
        the same (else the group's first IRI), or ``iri`` itself."""
        if not self.decisions:
            return iri
        return self.decided.target(iri)

    @property
    def decided(self) -> Decisions:
        """The decisions, each side read as an IRI, a name of the graph (exactly or by key), a name
        of the firms sheets registered so far, or a firm's id."""
        if self._decided is None:

            def entity(side: str) -> str:
                if _IRI.match(side):
                    return side
                for found in (
                    {self.context.existing_firm(side)} - {None},
                    self.context.graph_names.by_key(side),
                    self.sheet_names.exact(side),
                ):
                    if len(found) == 1:
                        return str(next(iter(found)))
                return mint_iri(self.base, "firm", side)

            def preferred(iri: str) -> tuple:
                return (iri not in self.context.organizations, iri)

            pairs = [(entity(d.a), entity(d.b), d.same, d.where) for d in self.decisions]
            self._decided = Decisions(pairs, preferred)
        return self._decided

    def known(self, iri: str) -> bool:
        """Whether the graph already has this organization (with a name): a row then adds only
        what it states, never a new firm's defaults (its id as a name, an unknown location)."""
        return iri in self.context.organizations

    def register_firm(self, identifier: str, row: Mapping[str, str], iri: str) -> None:
        """A firms sheet's row: its id and names find it when a relation cell spells one of them."""
        self._stated.add(iri)
        for name in (identifier, row.get("name_en", ""), row.get("name_zh", "")):
            if name:
                self.sheet_names.add(name, iri)

    def endpoint(self, identifier: str, where: str) -> tuple[str, bool]:
        """A relation's end not among the sheet's firms' ids: the graph's organization by that IRI,
        an exact name or a name of the same key (:mod:`chaingraph.names`), with ``True``; or a new
        firm, ``False``. Depends on the graph alone, so each part of a sheet read apart (Spark)
        gets the same answer; :meth:`resolve_ends` adds what needs every row."""
        how = "graph"
        if _IRI.match(identifier):
            existing = identifier if identifier in self.context.organizations else None
        else:
            existing = self.context.existing_firm(identifier)
            if existing is None:
                by_key = self.context.graph_names.by_key(identifier)
                existing, how = (next(iter(by_key)), "normalised") if len(by_key) == 1 else (None, how)
        if existing is not None:
            if self.decisions and self.merged(existing) != existing:
                existing, how = self.merged(existing), "same-as"
            self.matched["firm"] += 1
            self.resolved[identifier] = (existing, how)
            return existing, True
        iri = self.firm(identifier, where)
        if iri != mint_iri(self.base, "firm", identifier):  # decided the same as another firm
            self.matched["firm"] += 1
            self.resolved[identifier] = (iri, "same-as")
            return iri, iri in self.context.organizations or iri in self._stated
        self.created["firm"] += 1
        self._stated.add(iri)
        self.resolved[identifier] = (iri, "new")
        return iri, False

    def resolve_ends(self, names: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """Every relation end that is no firm row's id, resolved with all the rows in view, in
        an order of their own (so the answer never depends on the rows' order): name -> (the name
        that states the firm, its IRI, how). In turn: a name of the firms sheets, exactly or by
        key; the graph's, as :meth:`endpoint` finds it; else a new firm, one for all the names of
        compatible keys, stated by the first of them in sorted order."""
        found: dict[str, tuple[str, str, str]] = {}
        new = NameIndex()
        stating: dict[str, str] = {}
        # An IRI is what it says; the others in an order of their own.
        written = [name for name in set(names) if not _IRI.match(name)]
        graph_names = self.context.graph_names
        for name in sorted(written, key=lambda text: (exact_form(text), text)):
            key = name_key(name)
            in_sheet = self.sheet_names.exact(name)
            how = "sheet"
            if len(in_sheet) != 1:
                in_sheet, how = self.sheet_names.by_key(name, key), "normalised"
            if len(in_sheet) == 1:
                found[name] = (name, next(iter(in_sheet)), how)
                continue
            if self.context.existing_firm(name) is not None or len(graph_names.by_key(name, key)) == 1:
                continue  # endpoint() finds it in the graph
            earlier = new.by_key(name, key)
            if len(earlier) == 1:
                iri = next(iter(earlier))
                found[name] = (stating[iri], iri, "normalised")
                continue
            iri = mint_iri(self.base, "firm", name)
            new.add(name, iri)
            stating[iri] = name
            if self.merged(iri) != iri:
                found[name] = (name, iri, "same-as")
        if self.decisions:  # every firm as the user decided it
            found = {
                name: (said, self.merged(iri), "same-as" if self.merged(iri) != iri else how)
                for name, (said, iri, how) in found.items()
            }
        self.resolved.update({name: (iri, how) for name, (_, iri, how) in found.items()})
        return found

    def place(self, name: str) -> tuple[str, bool]:
        key = name.lower()
        if key in self.context.places:
            self.matched["place"] += 1
            return self.context.places[key], False
        if key in self.places:
            return self.places[key], False
        self.places[key] = iri = mint_iri(self.base, "place", name)
        self.created["place"] += 1
        return iri, True

    def chain(self, name: str) -> tuple[str, bool]:
        key = name.lower()
        if key in self.context.chains:
            return self.context.chains[key], False
        if key in self.chains:
            return self.chains[key], False
        self.chains[key] = iri = mint_iri(self.base, "chain", name)
        self.created["chain"] += 1
        return iri, True

    def stage(self, chain: str, name: str) -> tuple[str, bool]:
        key = (chain, name.lower())
        if key in self.context.stages:
            return self.context.stages[key], False
        if key in self.stages:
            return self.stages[key], False
        self.stages[key] = iri = f"{chain}/stage/{_quoted(name)}"
        self.created["stage"] += 1
        return iri, True

    @staticmethod
    def chinese(name: str) -> bool:
        """Whether a created place's name is Chinese (it is then its Chinese label too)."""
        return _CJK.search(name) is not None


#: File names read as Parquet (a folder is read as a Parquet dataset, as Spark writes one).
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class SheetColumns:
    """A whole sheet read by columns: one Arrow string array per field it has (``""`` for an empty
    cell), the line (CSV) or row (Parquet) each row comes from, and the rows skipped as empty."""

    path: Path
    values: dict[str, pa.StringArray]
    lines: np.ndarray
    skipped: int
    parquet: bool

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> pa.StringArray:
        """The cells of a field, all empty when the sheet has no such column."""
        found = self.values.get(name)
        return found if found is not None else pa.array([""] * len(self.lines), pa.string())

    def where(self, row: int) -> str:
        """``file:line`` of a row, for messages (``file: row N`` in Parquet)."""
        return f"{self.path}: row {self.lines[row]}" if self.parquet else f"{self.path}:{self.lines[row]}"


def read_sheet(
    path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str], header_row: int = 1
) -> SheetColumns:
    """Every row of a sheet (CSV, or Parquet by its suffix or as a folder) by columns, each cell
    read as the import reads it (:class:`CsvRows`); :class:`InputError` naming file, line and column
    for what is wrong.

    A CSV file without quote characters, bare carriage returns or NULs, whose every line has the
    header's number of fields, is parsed by Arrow (its lines are then its records); any other is
    read by :class:`CsvRows`, record by record, which also names the line of any error.
    """
    if path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path, fields, role, mapping)
    fast = _read_plain_csv(path, fields, role, mapping, header_row)
    if fast is not None:
        return fast
    rows = CsvRows(path, fields, role, mapping, header_row)
    cells: dict[str, list[str]] = {}
    lines: list[int] = []
    for line, row in rows:
        if not cells:
            cells = {name: [] for name in row}
        lines.append(line)
        for name, found in cells.items():
            found.append(row[name])
    values = {name: pa.array(found, pa.string()) for name, found in cells.items()}
    return SheetColumns(path, values, np.array(lines, dtype=np.int64), rows.skipped, parquet=False)


#: What ``str.strip()`` removes: a cell read by Arrow is trimmed of exactly these, as CsvRows trims.
#: Written out: working it out over every code point took 0.3 s of every command's start.
_PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _read_plain_csv(
    path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str], header_row: int
) -> SheetColumns | None:
    """The sheet parsed by Arrow when it is plain (see :func:`read_sheet`), else ``None``.

    Only a regular file is read whole (a pipe or a device is streamed by :class:`CsvRows`, so
    nothing is consumed twice and ``/dev/zero`` does not fill the memory), and only the mapped
    columns are converted: a sheet of 100,000 columns costs what its mapped ones do.
    """
    import pyarrow.csv as pacsv

    try:
        if not path.is_file():
            return None
        with open_input(path) as handle:
            data = handle.read()
    except (InputError, OSError):
        return None  # CsvRows says what is wrong with the file
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or b'"' in data or b"\x00" in data or b"\r" in data.replace(b"\r\n", b""):
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    stops = np.concatenate((newlines, [len(data)]))
    if data.endswith(b"\n"):
        starts, stops = starts[:-1], stops[:-1]
    stops = stops - (stops > starts) * (raw[np.maximum(stops - 1, 0)] == ord("\r"))  # CRLF: the CR is not a cell's
    if len(starts) < header_row:
        return None
    head = header_row - 1
    try:
        header = [cell.strip() for cell in data[starts[head] : stops[head]].decode("utf-8").split(",")]
    except UnicodeDecodeError:
        return None
    if not header or header == [""]:
        return None
    columns = _columns(path, header, fields, role, mapping)
    body_starts, body_stops = starts[head + 1 :], stops[head + 1 :]
    nonempty = body_stops > body_starts
    commas = np.flatnonzero(raw == ord(","))
    per_line = np.searchsorted(commas, body_stops) - np.searchsorted(commas, body_starts)
    if np.any(per_line[nonempty] != len(header) - 1):
        return None  # a row of another width, or a blank line of spaces: CsvRows decides
    if len(body_starts) and int(np.max(body_stops - body_starts)) > MAX_CELL:
        return None  # a line that may hold a cell over the limit, in any column: CsvRows decides
    lines = (np.flatnonzero(nonempty) + header_row + 1).astype(np.int64)
    body = data[starts[head + 1] :] if head + 1 < len(starts) else b""
    names = [f"c{i}" for i in range(len(header))]
    mapped = [names[index] for index in sorted(set(columns.values()))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(quote_char=False, escape_char=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=mapped,
                column_types=dict.fromkeys(mapped, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None  # not UTF-8, for one: CsvRows names the line
    if table.num_rows != len(lines):
        return None
    values = {name: _arrow_cells(name, table.column(names[index]).combine_chunks()) for name, index in columns.items()}
    empty_mapped = _all_empty(list(values.values()), len(lines))
    # A row with every cell blank is skipped uncounted, as CsvRows skips it; only rows whose mapped
    # cells are empty can be, so only they are looked at whole.
    line_starts, line_stops = body_starts[nonempty], body_stops[nonempty]
    blank = np.zeros(len(lines), dtype=bool)
    for row in np.flatnonzero(empty_mapped).tolist():
        text = data[line_starts[row] : line_stops[row]].decode("utf-8", errors="replace")
        blank[row] = not any(cell.strip() for cell in text.split(","))
    skipped = int(np.count_nonzero(empty_mapped & ~blank))
    keep = ~empty_mapped
    if not keep.all():
        mask = pa.array(keep)
        values = {name: cells.filter(mask) for name, cells in values.items()}
        lines = lines[keep]
    return SheetColumns(path, values, lines, skipped, parquet=False)


def _arrow_cells(name: str, cells: pa.StringArray) -> pa.StringArray:
    """Cells as :func:`_cell` reads them: trimmed (a name kept as written unless it is blank),
    and a spreadsheet-formula escape undone (:func:`~chaingraph.interchange.tabular.unneutralise_cell`)."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(cells, characters=_PYTHON_WHITESPACE)
    text = pc.if_else(pc.equal(trimmed, ""), trimmed, cells) if name in NAME_FIELDS else trimmed
    escaped = pc.match_substring_regex(text, r"^'+[=+\-@\t\r]")
    return pc.if_else(escaped, pc.utf8_slice_codeunits(text, 1), text)


def _all_empty(columns: list, rows: int) -> np.ndarray:
    import pyarrow.compute as pc

    empty = np.ones(rows, dtype=bool)
    for cells in columns:
        empty &= pc.equal(cells, "").to_numpy(zero_copy_only=False)
    return empty


def _read_parquet(path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str]) -> SheetColumns:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if path.is_dir() and not _holds_parquet(path):
        raise InputError(f"{path}: a folder with no Parquet files (give a sheet, or a folder of .parquet files)")
    try:
        schema = pq.read_schema(path) if path.is_file() else pq.ParquetDataset(path).schema
        columns = _columns(path, list(schema.names), fields, role, mapping)
        table = pq.read_table(path, columns=[schema.names[index] for index in columns.values()])
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    values: dict[str, pa.StringArray] = {}
    for name, column in zip(columns, table.columns, strict=True):
        try:
            text = pc.cast(column, pa.string()).combine_chunks()
        except pa.ArrowException:
            raise InputError(f"{path}: column {column_name(mapping, name)!r} cannot be read as text") from None
        values[name] = _arrow_cells(name, text.fill_null(""))
    keep = ~_all_empty(list(values.values()), table.num_rows)
    lines = np.flatnonzero(keep).astype(np.int64) + 1
    if not keep.all():
        mask = pa.array(keep)
        values = {name: cells.filter(mask) for name, cells in values.items()}
    return SheetColumns(path, values, lines, table.num_rows - len(lines), parquet=True)


def _holds_parquet(folder: Path, depth: int = 0) -> bool:
    """Whether a folder is a Parquet dataset: ``.parquet`` files in it or in its ``key=value``
    partition folders, looked at without crawling anything else (``/usr`` is refused at once)."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_file() and entry.name.lower().endswith(PARQUET_SUFFIXES):
                    return True
                if depth < 8 and "=" in entry.name and entry.is_dir() and _holds_parquet(Path(entry.path), depth + 1):
                    return True
    except OSError:
        return False
    return False


def column_name(mapping: Mapping[str, str], field: str) -> str:
    """The sheet's column that holds ``field``."""
    return mapping.get(field, field)


def sheet_digest(path: Path, mapping: Mapping[str, str], header_row: int = 1) -> str:
    """A digest of a sheet's bytes (every file of a Parquet folder, in name order) and of how they
    are read (the fields' columns, the header line): relations and row sources are named after it,
    so two imports of y2020/rel.csv and y2023/rel.csv never merge and one file read twice does."""
    digest = hashlib.sha256(repr((sorted(mapping.items()), header_row)).encode("utf-8"))
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open_input(file) as handle:
            for chunk in iter(functools.partial(handle.read, 1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:12]


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
