"""Where spreadsheet data enters: CSV files of supply relations and firms -> RDF in chaingraph's vocabulary.

Layouts (UTF-8, with or without a byte-order mark; header on ``header_row``):

- relations: ``supplier, client, supplies, start, end, source``; ``supplier`` and ``client`` required;
- firms: ``id, name_en, name_zh, located_in, chain, stage``; ``id`` required.

``mapping`` names the column that holds a field when a spreadsheet uses other names
(``{"supplier": "Vendor"}``). A relations file alone is enough: its endpoints become firms, except
that an endpoint named exactly like one organization of the graph (``CATL``, ``宁德时代``) links to
it. Rows where
every mapped field is empty are skipped (so one flattened file can hold relation rows and firm rows).

IRIs are minted from ids under a base: ``<base>firm/<id percent-encoded>``, stable across runs and
distinct for distinct ids; an id that already is an http(s) or urn IRI is used as it is. Places are
matched to the graph's places by English or Chinese name, case-insensitively, or created; chains and
stages likewise. A firm without a location is marked ``cg:locationUnknown true``; without an English
name its id is its English label. Each relation's source is the ``source`` column (a URL, or a
citation text) or else the CSV row itself.

Files are read as streams, a row at a time, and the RDF is built straight into a named graph of the
context's store, so a sheet of 300k relations is held once, as the triples it becomes, and is
validated there beside the graph it links to.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pyoxigraph as ox

from .._runtime.fileio import open_input
from ..errors import InputError
from ..queries.texts import package_query
from ..store import LocalDataset, Store
from ..validation import ValidationReport
from ..vocab import (
    CG,
    IMPORT,
    ORGANIZATION_CLASSES,
    PLACE_CLASSES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    WRITTEN_PREFIXES,
    XSD,
    curies,
)
from .tabular import unneutralise_cell

__all__ = [
    "FIRM_FIELDS",
    "NAME_FIELDS",
    "RELATION_FIELDS",
    "REQUIRED",
    "CsvRows",
    "ImportProgress",
    "ImportResult",
    "import_csv",
    "mint",
    "parse_mapping",
]

RELATION_FIELDS = ("supplier", "client", "supplies", "start", "end", "source")
FIRM_FIELDS = ("id", "name_en", "name_zh", "located_in", "chain", "stage")
REQUIRED = {"relations": ("supplier", "client"), "firms": ("id",)}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_IRI = re.compile(r"^(https?://|urn:)[^\s<>\"{}|\\^`]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_ORGANIZATION_CLASSES = {str(c) for c in ORGANIZATION_CLASSES}

_CONTEXT_QUERY = package_query(
    "import-context", PLACE_CLASSES=curies(PLACE_CLASSES), ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES)
)


@dataclass
class ImportResult:
    """The imported graph and what happened on the way.

    The triples are ``graph`` of ``store``: a named graph beside the context graph (so they were
    validated with it), or of a store of their own when there was no context.
    """

    store: ox.Store
    graph: ox.NamedNode
    firms: int = 0
    relations: int = 0
    created: Counter = field(default_factory=Counter)
    matched: Counter = field(default_factory=Counter)
    skipped_rows: int = 0
    report: ValidationReport | None = None

    def dump(self, rdf_format: ox.RdfFormat, output: IO[bytes] | None = None) -> bytes | None:
        """The imported triples alone, in the default graph of ``rdf_format`` (any RDF syntax):
        returned as bytes, or written to the binary stream ``output``."""
        prefixes = WRITTEN_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        return self.store.dump(output, format=rdf_format, from_graph=self.graph, prefixes=prefixes)


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is, for a progress bar: the phase, rows read, and bytes read of all inputs."""

    phase: str  # "reading", then "validating"
    rows: int
    done: int
    total: int


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
    return mapping


def mint(base: str, kind: str, identifier: str) -> ox.NamedNode:
    """The IRI of an imported thing: ``base + kind + "/" + percent-encoded id`` (or the id if it is an IRI)."""
    if _IRI.match(identifier):
        return ox.NamedNode(identifier)
    return ox.NamedNode(f"{base}{kind}/{quote(identifier, safe='')}")


class _Context:
    """Places, chains and stages already in the graph, by lower-cased name."""

    def __init__(self, store: Store | None) -> None:
        self.places: dict[str, str] = {}
        self.chains: dict[str, str] = {}
        self.stages: dict[tuple[str, str], str] = {}
        self.firms: dict[str, set[str]] = {}
        self.organizations: set[str] = set()
        #: IRIs of the graph's places, chains and stages, with what each is: never a firm's id.
        self.not_firms: dict[str, str] = {}
        if store is None:
            return
        for row in store.select(_CONTEXT_QUERY).rows:
            name, thing, kind = str(row["name"]).strip().lower(), str(row["thing"]), str(row["kind"])
            if kind not in _ORGANIZATION_CLASSES:
                self.not_firms.setdefault(thing, kind.rsplit("#", 1)[-1])
            if kind == str(CG.IndustrialChain):
                self.chains.setdefault(name, thing)
                self.chains.setdefault(thing.rsplit("/", 1)[-1].lower(), thing)
            elif kind == str(CG.ChainStage):
                if "scheme" in row:
                    self.stages.setdefault((str(row["scheme"]), name), thing)
            elif kind in _ORGANIZATION_CLASSES:
                self.firms.setdefault(name, set()).add(thing)
                self.organizations.add(thing)
            else:
                self.places.setdefault(name, thing)

    def existing_firm(self, name: str) -> str | None:
        """The one organization of the graph with this name, if exactly one has it."""
        found = self.firms.get(name.strip().lower(), set())
        return next(iter(found)) if len(found) == 1 else None


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
        """A digest of the file's bytes and of how they are read (the fields' columns, the header line)."""
        digest = hashlib.sha256(repr((sorted(self.mapping.items()), self.header_row)).encode("utf-8"))
        with open_input(self.path) as handle:
            for chunk in iter(functools.partial(handle.read, 1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()[:12]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        self.skipped = 0
        with open_input(self.path) as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield from self._rows(csv.reader(text, strict=True))
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


_PERIOD_CELL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _period_cell(text: str) -> bool:
    """Whether a start or end cell is a year, a month or a day that exists (YYYY, YYYY-MM, YYYY-MM-DD)."""
    match = _PERIOD_CELL.match(text)
    if match is None:
        return False
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        try:
            dt.date(year or 0, month or 1, day)
        except ValueError:
            return False
    return True


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


def import_csv(
    relations: Path,
    firms: Path | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    context: LocalDataset | None = None,
    base: str = str(IMPORT),
    header_row: int = 1,
    chain_name: str | None = None,
    validate: bool = False,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Build RDF from a relations CSV (and optionally a firms CSV), and with ``validate`` check it
    with the SHACL shapes beside ``context``.

    ``context`` is the graph whose places, chains, stages and organizations names are matched
    against (usually the bundled graph, :func:`chaingraph.store.open_store`); the import is built
    in a named graph of its store, so a result that breaks a rule raises before anything is
    returned. Raises :class:`InputError` naming file, line and column.

    >>> from chaingraph.store import open_store
    >>> sheet = Path(getfixture("tmp_path")) / "suppliers.csv"
    >>> _ = sheet.write_text("supplier,client,supplies\\nAcme Cells,CATL,cathode powder\\n", encoding="utf-8")
    >>> result = import_csv(sheet, context=open_store(), validate=True)
    >>> result.firms, result.relations, dict(result.matched), result.report.conforms
    (1, 1, {'firm': 1}, True)
    """
    if not _IRI.match(base) or not base.endswith(("/", "#")):
        raise InputError(f"--base {base!r}: expected an absolute IRI ending in / or #, such as https://example.org/")
    if validate and context is None:
        raise ValueError("validate=True needs the context graph the import is checked beside")
    mapping = dict(mapping or {})
    relation_rows = CsvRows(relations, RELATION_FIELDS, "relations", mapping, header_row)
    firm_rows = CsvRows(firms, FIRM_FIELDS, "firms", mapping, header_row) if firms is not None else None
    # Relations and row sources are named after the file's content, not only its name: two
    # imports of y2020/rel.csv and y2023/rel.csv must not merge, one file imported twice should.
    batch = relation_rows.digest()
    store = context.oxigraph if context is not None else ox.Store()
    graph = ox.NamedNode(f"{IMPORT}candidate/{batch}")
    if context is not None:
        store.remove_graph(graph)  # a library user importing the same file twice into one context
    builder = _Builder(store, graph, _Context(context), base, chain_name or relations.stem, batch)
    tracker = _Tracker(progress, [rows for rows in (firm_rows, relation_rows) if rows is not None])

    _add_firms(builder, tracker.rows(firm_rows), firms)
    relation_count = _add_relations(builder, tracker.rows(relation_rows), relations, mapping)
    tracker.done()
    result = ImportResult(
        store,
        graph,
        firms=len(builder.firms) - builder.matched["firm"],
        relations=relation_count,
        created=builder.created,
        matched=builder.matched,
        skipped_rows=relation_rows.skipped + (firm_rows.skipped if firm_rows is not None else 0),
    )
    if validate and context is not None:  # checked above: validate needs the context
        tracker.phase("validating")
        result.report = _check(context, graph)
    return result


def _add_firms(builder: _Builder, rows: Iterator[tuple[int, dict[str, str]]], path: Path | None) -> None:
    if path is None:  # no firm sheet: no rows
        return
    first_line: dict[str, int] = {}
    for line, row in rows:
        identifier = row.get("id", "")
        if not identifier:
            raise InputError(f"{path}:{line}: empty id")
        if identifier in first_line:
            raise InputError(f"{path}:{line}: duplicate id {identifier!r} (first on line {first_line[identifier]})")
        first_line[identifier] = line
        builder.firm(identifier, row, path, line)


def _add_relations(
    builder: _Builder, rows: Iterator[tuple[int, dict[str, str]]], path: Path, mapping: Mapping[str, str]
) -> int:
    """Add each relation row (and any endpoint not yet known as a firm); the number of relations."""
    pairs: Counter = Counter()
    for line, row in rows:
        supplier, client = row.get("supplier", ""), row.get("client", "")
        for name, value in (("supplier", supplier), ("client", client)):
            if not value:
                raise InputError(f"{path}:{line}: empty {name} (column {mapping.get(name, name)!r})")
        for identifier in (supplier, client):
            if identifier not in builder.firms:
                builder.endpoint(identifier, path, line)
        pairs[(supplier, client)] += 1
        builder.relation(supplier, client, row, path, line, pairs[(supplier, client)], mapping)
    return sum(pairs.values())


def _check(context: LocalDataset, graph: ox.NamedNode) -> ValidationReport:
    """Validate the context with the import in it; raise on a violation, removing the import."""
    from ..validation import validate

    report = validate(context)
    if report.violations:
        context.oxigraph.remove_graph(graph)
        first = report.violations[0]
        raise InputError(
            f"the imported graph breaks {len(report.violations)} SHACL rules, nothing written; first: "
            f"{first.focus_label or first.focus} {first.path}: {first.message}"
        )
    return report


class _Tracker:
    """Reports an import's progress every 1,000 rows: rows read and bytes of all the files."""

    def __init__(self, progress: Callable[[ImportProgress], None] | None, files: list[CsvRows]) -> None:
        self.progress = progress
        self.total = sum(rows.size() for rows in files)
        self.finished = 0  # bytes of the files already read
        self.count = 0

    def rows(self, rows: CsvRows | None) -> Iterator[tuple[int, dict[str, str]]]:
        if rows is None:
            return
        for item in rows:
            yield item
            self.count += 1
            if self.progress is not None and self.count % 1000 == 0:
                self.progress(ImportProgress("reading", self.count, self.finished + rows.position(), self.total))
        self.finished += rows.size()

    def done(self) -> None:
        if self.progress is not None:
            self.progress(ImportProgress("reading", self.count, self.total, self.total))

    def phase(self, name: str) -> None:
        if self.progress is not None:
            self.progress(ImportProgress(name, self.count, self.total, self.total))


@functools.lru_cache(maxsize=1 << 20)
def _quoted(identifier: str) -> str:
    """An id as one IRI path segment; a firm recurs in many rows, and quoting is slow."""
    return quote(identifier, safe="")


class _N:
    """The IRIs the builder writes, as pyoxigraph nodes made once: looking them up on rdflib's
    namespaces and converting them for every triple took 4 of 20 seconds per 50,000 relations."""

    ChainStage = ox.NamedNode(str(CG.ChainStage))
    Company = ox.NamedNode(str(CG.Company))
    IndustrialChain = ox.NamedNode(str(CG.IndustrialChain))
    Place = ox.NamedNode(str(CG.Place))
    ProductOrService = ox.NamedNode(str(CG.ProductOrService))
    Source = ox.NamedNode(str(CG.Source))
    Stated = ox.NamedNode(str(CG.Stated))
    SupplyRelation = ox.NamedNode(str(CG.SupplyRelation))
    atStage = ox.NamedNode(str(CG.atStage))
    boolean = ox.NamedNode(str(XSD.boolean))
    client = ox.NamedNode(str(CG.client))
    date = ox.NamedNode(str(XSD.date))
    evidence = ox.NamedNode(str(CG.evidence))
    inChain = ox.NamedNode(str(CG.inChain))
    inScheme = ox.NamedNode(str(SKOS.inScheme))
    label = ox.NamedNode(str(RDFS.label))
    locatedIn = ox.NamedNode(str(CG.locatedIn))
    locationUnknown = ox.NamedNode(str(CG.locationUnknown))
    period = ox.NamedNode(str(CG.period))
    periodEnd = ox.NamedNode(str(CG.periodEnd))
    periodStart = ox.NamedNode(str(CG.periodStart))
    prefLabel = ox.NamedNode(str(SKOS.prefLabel))
    supplier = ox.NamedNode(str(CG.supplier))
    supplierOf = ox.NamedNode(str(CG.supplierOf))
    supplies = ox.NamedNode(str(CG.supplies))
    type = ox.NamedNode(str(RDF.type))
    wasDerivedFrom = ox.NamedNode(str(PROV.wasDerivedFrom))


class _Builder:
    def __init__(
        self, store: ox.Store, graph: ox.NamedNode, context: _Context, base: str, chain_name: str, batch: str
    ) -> None:
        self.store = store
        self.graph = graph
        self.batch = batch
        self.context = context
        self.base = base
        self.chain_name = chain_name
        self.firms: dict[str, ox.NamedNode] = {}
        self.places: dict[str, ox.NamedNode] = {}
        self.chains: dict[str, ox.NamedNode] = {}
        self.stages: dict[tuple[str, str], ox.NamedNode] = {}
        self.created: Counter = Counter()
        self.matched: Counter = Counter()
        self.row_sources: dict[Path, str] = {}  # the IRI of a file's rows, up to the line number

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj) -> None:
        self.store.add(ox.Quad(subject, predicate, obj, self.graph))

    def firm(self, identifier: str, row: Mapping[str, str], path: Path, line: int) -> None:
        node = mint(self.base, "firm", identifier)
        kind = self.context.not_firms.get(node.value)
        if kind is not None:
            # An id that is a place's or chain's IRI would make that place or chain a firm.
            raise InputError(
                f"{path}:{line}: {identifier} is the graph's cg:{kind}, not a firm; give the firm an id of its own"
            )
        self.firms[identifier] = node
        # A row about an organization the graph already has adds what the row states, never the
        # defaults for a new firm (its id as a name, an unknown location).
        known = node.value in self.context.organizations
        if not known:
            self.add(node, _N.type, _N.Company)
        if row.get("name_en") or not known:
            self.add(node, _N.label, ox.Literal(row.get("name_en") or identifier, language="en"))
        if row.get("name_zh"):
            self.add(node, _N.label, ox.Literal(row["name_zh"], language="zh-Hans"))
        if row.get("located_in"):
            self.add(node, _N.locatedIn, self.place(row["located_in"]))
        elif not known:
            self.add(node, _N.locationUnknown, ox.Literal("true", datatype=_N.boolean))
        chain = self.chain(row["chain"]) if row.get("chain") else None
        if row.get("stage"):
            chain = chain or self.chain(self.chain_name)
            self.add(node, _N.atStage, self.stage(chain, row["stage"]))
        if chain is not None:
            self.add(node, _N.inChain, chain)

    def endpoint(self, identifier: str, path: Path, line: int) -> None:
        """A relation's end not in the firms file: an organization of the graph by that name, or a new firm."""
        if _IRI.match(identifier):
            existing = identifier if identifier in self.context.organizations else None
        else:
            existing = self.context.existing_firm(identifier)
        if existing is not None:
            self.firms[identifier] = ox.NamedNode(existing)
            self.matched["firm"] += 1
            return
        self.firm(identifier, {}, path, line)
        self.created["firm"] += 1

    def place(self, name: str) -> ox.NamedNode:
        key = name.lower()
        if key in self.context.places:
            self.matched["place"] += 1
            return ox.NamedNode(self.context.places[key])
        if key not in self.places:
            node = mint(self.base, "place", name)
            self.places[key] = node
            self.add(node, _N.type, _N.Place)
            self.add(node, _N.label, ox.Literal(name, language="en"))
            if _CJK.search(name):
                self.add(node, _N.label, ox.Literal(name, language="zh-Hans"))
            self.created["place"] += 1
        return self.places[key]

    def chain(self, name: str) -> ox.NamedNode:
        key = name.lower()
        if key in self.context.chains:
            return ox.NamedNode(self.context.chains[key])
        if key not in self.chains:
            node = mint(self.base, "chain", name)
            self.chains[key] = node
            self.add(node, _N.type, _N.IndustrialChain)
            self.add(node, _N.label, ox.Literal(name, language="en"))
            self.created["chain"] += 1
        return self.chains[key]

    def stage(self, chain: ox.NamedNode, name: str) -> ox.NamedNode:
        key = (chain.value, name.lower())
        if key in self.context.stages:
            return ox.NamedNode(self.context.stages[key])
        if key not in self.stages:
            node = ox.NamedNode(f"{chain.value}/stage/{quote(name, safe='')}")
            self.stages[key] = node
            self.add(node, _N.type, _N.ChainStage)
            self.add(node, _N.inScheme, chain)
            self.add(node, _N.prefLabel, ox.Literal(name, language="en"))
            self.created["stage"] += 1
        return self.stages[key]

    def relation(
        self,
        supplier: str,
        client: str,
        row: Mapping[str, str],
        path: Path,
        line: int,
        occurrence: int,
        mapping: Mapping[str, str],
    ) -> None:
        s, c = self.firms[supplier], self.firms[client]
        self.add(s, _N.supplierOf, c)
        pair = f"{_quoted(supplier)}/{_quoted(client)}"
        node = ox.NamedNode(f"{self.base}relation/{self.batch}/{pair}/{occurrence}")
        self.add(node, _N.type, _N.SupplyRelation)
        self.add(node, _N.supplier, s)
        self.add(node, _N.client, c)
        # The row is the source, and it names both parties: stated by it.
        self.add(node, _N.evidence, _N.Stated)
        if row.get("supplies"):
            product = mint(self.base, "product", row["supplies"])
            self.add(product, _N.type, _N.ProductOrService)
            self.add(product, _N.label, ox.Literal(row["supplies"], language="en"))
            self.add(node, _N.supplies, product)
        start, end = row.get("start", ""), row.get("end", "")
        for name, value, prop in (("start", start, _N.periodStart), ("end", end, _N.periodEnd)):
            if not value:
                continue
            if not _period_cell(value):
                raise InputError(
                    f"{path}:{line}: {name} {value!r} is not a valid date: write a year, a month or a day "
                    f"(YYYY, YYYY-MM or YYYY-MM-DD) (column {mapping.get(name, name)!r})"
                )
            if _ISO_DATE.match(value):
                self.add(node, prop, ox.Literal(value, datatype=_N.date))
        if start and end:
            precision = min(len(start), len(end))  # compared at the coarser of the two precisions
            if start[:precision] > end[:precision]:
                raise InputError(
                    f"{path}:{line}: the period starts ({start}) after it ends ({end}) "
                    f"(columns {mapping.get('start', 'start')!r} and {mapping.get('end', 'end')!r})"
                )
        if start or end:
            self.add(node, _N.period, ox.Literal(f"{start}/{end}" if start and end else start or f"/{end}"))
        self.add(node, _N.wasDerivedFrom, self.source(row.get("source", ""), path, line))

    def source(self, text: str, path: Path, line: int) -> ox.NamedNode:
        if text and _IRI.match(text):
            node = ox.NamedNode(text)
        elif text:
            node = mint(self.base, "source", text)
            self.add(node, _N.label, ox.Literal(text))
        else:
            if path not in self.row_sources:
                self.row_sources[path] = f"{self.base}source/{self.batch}/{quote(path.name, safe='')}#row="
            node = ox.NamedNode(f"{self.row_sources[path]}{line}")
            self.add(node, _N.label, ox.Literal(f"{path.name}, line {line}"))
        self.add(node, _N.type, _N.Source)
        return node
