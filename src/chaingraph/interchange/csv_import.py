"""Where spreadsheet data enters: CSV files of supply relations and firms -> RDF in chaingraph's vocabulary.

The layouts and naming rules are those of :mod:`chaingraph.sheets`. A relations file alone is
enough: its endpoints become firms (or the graph's organizations they name). A firm without a
location is marked ``cg:locationUnknown true``; without an English name its id is its English
label. Each relation's source is the ``source`` column (a URL, or a citation text) or else the CSV
row itself.

Files are read as streams, a row at a time, and the RDF is built straight into a named graph of the
context's store, so a sheet of 300k relations is held once, as the triples it becomes, and is
validated there beside the graph it links to.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pyoxigraph as ox

from ..errors import InputError
from ..names import read_decisions
from ..projection.read import project_columns
from ..projection.saved import PROJECTION_FORMAT, write_projection
from ..projection.tables import Tables
from ..queries.context import import_context
from ..sheets import (
    FIRM_FIELDS,
    KIND_CLASSES,
    NAME_FIELDS,
    RELATION_DETAIL_FIELDS,
    RELATION_FIELDS,
    REQUIRED,
    CsvRows,
    Naming,
    NewPlace,
    WorkbookRows,
    check_period,
    created_place_names,
    evidence_cell,
    file_source,
    inference_reason,
    is_iri,
    kind_cell,
    mint,
    parse_mapping,
    period_text,
    sheet_rows,
    unplaced_note,
    vocabulary_entries,
)
from ..sheets.quantities import QUANTITY_PROPERTIES, percent_of_share, row_quantities
from ..store import LocalDataset
from ..store.disk import LoadExtras, LoadReport, load_store
from ..store.embedded import EmbeddedStore
from ..validation import ValidationReport
from ..vocab import CG, IMPORT, WRITTEN_PREFIXES
from ._terms import BOUND_TYPES, Terms

# The sheet's names, kept importable from here (the import's home before the tables reader).
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
    #: Relations from a firm to itself: kept, as stated (the tables reader says the same of them).
    self_loops: int = 0
    #: What is worth saying about the sheet's places (:func:`chaingraph.sheets.unplaced_note`).
    place_note: str = ""

    def dump(self, rdf_format: ox.RdfFormat, output: IO[bytes] | None = None) -> bytes | None:
        """The imported triples alone, in the default graph of ``rdf_format`` (any RDF syntax):
        returned as bytes, or written to the binary stream ``output``."""
        prefixes = WRITTEN_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        return self.store.dump(output, format=rdf_format, from_graph=self.graph, prefixes=prefixes)

    def save_store(
        self,
        directory: str | os.PathLike[str],
        *,
        sheets: Sequence[str | os.PathLike[str]] = (),
        replace: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> LoadReport:
        """Write the imported triples, with the bundled graph, as an on-disk store at ``directory``
        (:func:`chaingraph.projection.load.load_store`: the network projected once and saved), so
        reading commands never parse them again; its manifest names ``sheets`` as its files."""
        target = Path(directory)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--store {target}: cannot create {target.parent} ({exc.strerror or exc})") from None
        with tempfile.TemporaryDirectory(prefix=f".{target.name}.import-", dir=target.parent) as folder:
            triples = Path(folder) / "import.nt"
            with triples.open("wb") as handle:
                self.dump(ox.RdfFormat.N_TRIPLES, handle)
            recorded = [str(Path(sheet).resolve()) for sheet in sheets] or None

            def save_projection(_: EmbeddedStore, saved: Path, database: str) -> int:
                # The store in memory holds the same quads as the new database (the ontology, the
                # bundled graph, the import): projected from memory, not from the database on disk.
                write_projection(project_columns(EmbeddedStore(self.store)), saved, database)
                return PROJECTION_FORMAT

            return load_store(
                [triples],
                target,
                replace=replace,
                progress=progress,
                extras=LoadExtras(save_projection, recorded),
            )


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is, for a progress bar: the phase, rows read, and bytes read of all inputs."""

    phase: str  # "reading", then "validating"
    rows: int
    done: int
    total: int


def import_csv(
    sheets: Tables | str | os.PathLike[str],
    *,
    context: LocalDataset | None = None,
    chain_name: str | None = None,
    validate: bool = False,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Build RDF from a relations sheet (and optionally a firms sheet), and with ``validate`` check
    it with the SHACL shapes beside ``context``.

    ``sheets`` are the sheets and how they are read, as the analysis reads them beside a graph
    (:class:`~chaingraph.projection.tables.Tables`: one relations sheet, at most one firms sheet,
    ``mapping``, ``header_row``, a workbook's ``sheet``, ``same_as`` decisions, ``stages``
    vocabularies and the ``base`` ids become IRIs under); a path alone is a relations sheet read
    with the defaults. ``chain_name`` names the chain of stages given without one (default: the
    relations file's name).

    ``context`` is the graph whose places, chains, stages and organizations names are matched
    against (usually the bundled graph, :func:`chaingraph.store.open_store`); the import is built
    in a named graph of its store, so a result that breaks a rule raises before anything is
    returned. ``stages`` are product vocabularies (``product, stage``): each product is stated
    at its stage, so a firm with no stage that supplies it takes that stage when read back, as
    the tables reader gives it. Raises :class:`InputError` naming file, line and column.

    >>> from chaingraph.store import open_store
    >>> sheet = Path(getfixture("tmp_path")) / "suppliers.csv"
    >>> _ = sheet.write_text("supplier,client,supplies\\nAcme Cells,CATL,cathode powder\\n", encoding="utf-8")
    >>> result = import_csv(sheet, context=open_store(), validate=True)
    >>> result.firms, result.relations, dict(result.matched), result.report.conforms
    (1, 1, {'firm': 1}, True)
    >>> import_csv(Tables(relations=[sheet], mapping={"supplier": "Vendor"}))
    Traceback (most recent call last):
    chaingraph.errors.InputError: ...suppliers.csv: --map supplier=Vendor: no such column (columns: ...)
    """
    if not isinstance(sheets, Tables):
        sheets = Tables(relations=[sheets])
    relations, firms = _import_sheets(sheets)
    mapping, same_as, stages, base = dict(sheets.mapping), sheets.same_as, sheets.stages, sheets.base
    header_row, sheet = sheets.header_row, sheets.sheet
    if not is_iri(base) or not base.endswith(("/", "#")):
        raise InputError(f"--base {base!r}: expected an absolute IRI ending in / or #, such as https://example.org/")
    if validate and context is None:
        raise ValueError("validate=True needs the context graph the import is checked beside")
    relation_rows = sheet_rows(relations, RELATION_FIELDS, "relations", mapping, header_row, sheet)
    firm_rows = sheet_rows(firms, FIRM_FIELDS, "firms", mapping, header_row, sheet) if firms is not None else None
    # Relations and row sources are named after the file's content, not only its name: two
    # imports of y2020/rel.csv and y2023/rel.csv must not merge, one file imported twice should.
    batch = relation_rows.digest()
    store = context.oxigraph if context is not None else ox.Store()
    graph = ox.NamedNode(f"{IMPORT}candidate/{batch}")
    if context is not None:
        store.remove_graph(graph)  # a library user importing the same file twice into one context
    naming = Naming(import_context(context), base, chain_name or relations.stem, mapping, read_decisions(same_as))
    builder = _Builder(store, graph, naming, batch)
    tracker = _Tracker(progress, [rows for rows in (firm_rows, relation_rows) if rows is not None])

    _add_firms(builder, tracker.rows(firm_rows), firm_rows.shown if firm_rows is not None else None)
    _resolve_ends(builder, relation_rows, relation_rows.shown)
    relation_count = _add_relations(builder, tracker.rows(relation_rows), relation_rows.shown, mapping)
    for path in stages:
        for line, product, stage, essential_for in vocabulary_entries(Path(path), naming, mapping, header_row, sheet):
            builder.vocabulary(product, stage, essential_for, Path(path), line)
    if naming.decisions:  # the firms decided the same, said so in the RDF
        for merged, target in naming.decided.merges().items():
            builder.add(ox.NamedNode(merged), Terms.sameAs, ox.NamedNode(target))
    tracker.done()
    result = ImportResult(
        store,
        graph,
        firms=len(builder.firms) - builder.naming.matched["firm"],
        relations=relation_count,
        created=builder.naming.created,
        matched=builder.naming.matched,
        skipped_rows=relation_rows.skipped + (firm_rows.skipped if firm_rows is not None else 0),
        self_loops=builder.self_loops,
        place_note=unplaced_note(builder.naming),
    )
    if validate and context is not None:  # checked above: validate needs the context
        tracker.phase("validating")
        result.report = _check(context, graph)
    return result


def _import_sheets(sheets: Tables) -> tuple[Path, Path | None]:
    """The relations sheet and the firms sheet (or ``None``) an import reads: one of the first, at
    most one of the second (an import is one batch of rows, named after its relations sheet)."""
    if len(sheets.relations) != 1:
        raise InputError(f"import reads one relations sheet ({len(sheets.relations)} given): import each on its own")
    if len(sheets.firms) > 1:
        raise InputError(f"import reads at most one firms sheet ({len(sheets.firms)} given): import each on its own")
    return Path(sheets.relations[0]), Path(sheets.firms[0]) if sheets.firms else None


#: Firms sheet rows whose ids the graph is asked about in one go.
_FIRM_ROWS_ASKED_AT_ONCE = 10_000


def _add_firms(builder: _Builder, rows: Iterator[tuple[int, dict[str, str]]], path: Path | None) -> None:
    if path is None:  # no firm sheet: no rows
        return
    first_line: dict[str, int] = {}
    # A block of rows at a time, so the graph is asked what their ids are once per block
    # (Naming.learn_firm_ids), not once per row.
    while block := list(itertools.islice(rows, _FIRM_ROWS_ASKED_AT_ONCE)):
        builder.naming.learn_firm_ids(row.get("id", "") for _, row in block)
        for line, row in block:
            identifier = row.get("id", "")
            if not identifier:
                raise InputError(f"{path}:{line}: empty id")
            if identifier in first_line:
                raise InputError(f"{path}:{line}: duplicate id {identifier!r} (first on line {first_line[identifier]})")
            first_line[identifier] = line
            builder.firm(identifier, row, path, line)
            builder.naming.register_firm(identifier, row, builder.firms[identifier].value)


def _resolve_ends(builder: _Builder, rows: CsvRows | WorkbookRows, path: Path) -> None:
    """Every relation end that is no firm row's id, resolved with all the rows in view (a first
    pass over the file, as the tables reader resolves them): a name of a firm row, or a new firm's
    several spellings, become that firm; merged spellings are stated as its alternative labels."""
    first_line: dict[str, int] = {}
    for line, row in rows:
        for name in (row.get("supplier", ""), row.get("client", "")):
            if name and name not in builder.firms:
                first_line.setdefault(name, line)
    for name, (stating, iri, how) in builder.naming.resolve_ends(first_line).items():
        if stating != name and stating not in builder.firms:
            builder.endpoint(stating, path, first_line[stating])  # the new firm its spellings share
        builder.firms[name] = node = ox.NamedNode(iri)
        if how != "sheet":
            builder.alternative_label(node, name)


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
        builder.relation(supplier, client, row, path, line, mapping)
    builder.self_loops = sum(count for (a, b), count in pairs.items() if builder.firms[a] == builder.firms[b])
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

    def __init__(self, progress: Callable[[ImportProgress], None] | None, files: list[CsvRows | WorkbookRows]) -> None:
        self.progress = progress
        self.total = sum(rows.size() for rows in files)
        self.finished = 0  # bytes of the files already read
        self.count = 0

    def rows(self, rows: CsvRows | WorkbookRows | None) -> Iterator[tuple[int, dict[str, str]]]:
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


class _Builder:
    """Writes the triples of a sheet's rows into ``graph`` of ``store``, naming things by ``naming``."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode, naming: Naming, batch: str) -> None:
        self.store = store
        self.graph = graph
        self.batch = batch
        self.naming = naming
        self.base = naming.base
        self.firms: dict[str, ox.NamedNode] = {}
        self.row_sources: dict[Path, str] = {}  # the IRI of a file's rows, up to the line number
        self.described: set[str] = set()  # the sources given in cells, once described
        self.self_loops = 0

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj) -> None:
        # One quad at a time: Oxigraph's in-memory store inserts at the same rate in bulk, and a
        # buffer of pending quads only gives Python's collector more to walk.
        self.store.add(ox.Quad(subject, predicate, obj, self.graph))

    def firm(self, identifier: str, row: Mapping[str, str], path: Path, line: int, iri: str | None = None) -> None:
        node = ox.NamedNode(iri or self.naming.firm_row(identifier, row, f"{path}:{line}"))
        self.firms[identifier] = node
        known = self.naming.known(node.value)
        if row.get("identifier"):
            self.add(node, Terms.identifier, ox.Literal(row["identifier"].strip()))
        kind = kind_cell(f"{path}:{line}", row.get("kind", ""), self.naming.mapping)
        if not known:
            self.add(node, Terms.type, Terms.Company if kind == "firm" else ox.NamedNode(KIND_CLASSES[kind]))
        if row.get("name_en") or not known:
            self.add(node, Terms.label, ox.Literal(row.get("name_en") or identifier, language="en"))
        if row.get("name_zh"):
            self.add(node, Terms.label, ox.Literal(row["name_zh"], language="zh-Hans"))
        place = self.place(row["located_in"]) if row.get("located_in") else None
        if place is None and row.get("address"):
            place = self.address(row["address"])
        if place is not None:
            self.add(node, Terms.locatedIn, place)
        elif not known:
            self.add(node, Terms.locationUnknown, ox.Literal("true", datatype=Terms.boolean))
        chain = self.chain(row["chain"]) if row.get("chain") else None
        if row.get("stage"):
            chain = chain or self.chain(self.naming.chain_name)
            self.add(node, Terms.atStage, self.stage(chain, row["stage"]))
        if chain is not None:
            self.add(node, Terms.inChain, chain)

    def endpoint(self, identifier: str, path: Path, line: int) -> None:
        """A relation's end not in the firms file: an organization of the graph by that name, or a new firm."""
        iri, existing = self.naming.endpoint(identifier, f"{path}:{line}")
        if existing:
            self.firms[identifier] = node = ox.NamedNode(iri)
            if self.naming.resolved.get(identifier, ("", "graph"))[1] != "graph":
                # A spelling merged into the graph's firm (by key or decision) is stated as its
                # alternative label, as a merged spelling of a new firm is: what it was called.
                self.alternative_label(node, identifier)
        else:
            self.firm(identifier, {}, path, line, iri)

    def place(self, name: str) -> ox.NamedNode:
        iri, created = self.naming.place(name)
        self._state_places(created, iri, name)
        return ox.NamedNode(iri)

    def address(self, text: str) -> ox.NamedNode | None:
        iri, created = self.naming.address(text)
        if iri is None:
            return None
        self._state_places(created, iri, text)
        return ox.NamedNode(iri)

    def _state_places(self, created: list[NewPlace], iri: str, cell: str) -> None:
        names = created_place_names(created, iri, cell)
        for place in created:
            node = ox.NamedNode(place.iri)
            self.add(node, Terms.type, ox.NamedNode(place.place_class))
            self.add(node, Terms.label, ox.Literal(place.label, language="en"))
            if place.label_zh:
                self.add(node, Terms.label, ox.Literal(place.label_zh, language="zh-Hans"))
            for other in names[place.iri][1:]:  # its English label first
                if other != place.label_zh:
                    self.alternative_label(node, other)
            if place.parent:
                self.add(node, Terms.locatedIn, ox.NamedNode(place.parent))
            if place.code:
                self.add(node, Terms.identifier, ox.Literal(place.code))

    def chain(self, name: str) -> ox.NamedNode:
        iri, created = self.naming.chain(name)
        node = ox.NamedNode(iri)
        if created:
            self.add(node, Terms.type, Terms.IndustrialChain)
            self.add(node, Terms.label, ox.Literal(name, language="en"))
        return node

    def stage(self, chain: ox.NamedNode, name: str) -> ox.NamedNode:
        iri, created = self.naming.stage(chain.value, name)
        node = ox.NamedNode(iri)
        if created:
            self.add(node, Terms.type, Terms.ChainStage)
            self.add(node, Terms.inScheme, chain)
            self.add(node, Terms.prefLabel, ox.Literal(name, language="en"))
        return node

    def alternative_label(self, node: ox.NamedNode, name: str) -> None:
        """``name`` as ``node``'s ``skos:altLabel``, tagged Chinese or English by its script."""
        self.add(node, Terms.altLabel, ox.Literal(name, language="zh-Hans" if Naming.chinese(name) else "en"))

    def product(self, name: str) -> ox.NamedNode:
        """The product a cell names (one name, one product), stated with its label."""
        node = mint(self.base, "product", name)
        self.add(node, Terms.type, Terms.ProductOrService)
        self.add(node, Terms.label, ox.Literal(name, language="en"))
        return node

    def vocabulary(self, product: str, stage: str, essential_for: tuple[str, ...], path: Path, line: int) -> None:
        """A stages sheet's row: the product (minted as a supplied product is, so one name is one
        product) at its stage, the row its source; and the stage an essential input of each stage
        of ``essential_for`` (cg:essentialFor)."""
        if product:
            node = self.product(product)
            self.add(node, Terms.atStage, ox.NamedNode(stage))
            self.add(node, Terms.wasDerivedFrom, self.source("", path, line))
        for target in essential_for:
            self.add(ox.NamedNode(stage), Terms.essentialFor, ox.NamedNode(target))

    def relation(
        self,
        supplier: str,
        client: str,
        row: Mapping[str, str],
        path: Path,
        line: int,
        mapping: Mapping[str, str],
    ) -> None:
        s, c = self.firms[supplier], self.firms[client]
        self.add(s, Terms.supplierOf, c)
        level = evidence_cell(f"{path}:{line}", row.get("evidence", ""), mapping)
        if level == "unspecified":
            # The source does not qualify the edge: a plain cg:supplierOf, as such an edge is exported.
            for cell in RELATION_DETAIL_FIELDS:
                if row.get(cell):
                    raise InputError(
                        f"{path}:{line}: evidence unspecified is a plain edge with no {cell}; "
                        "say stated or inferred, or leave the cell empty"
                    )
            return
        # Named after the sheet's content and the row's line: stable across runs, one per row.
        node = ox.NamedNode(f"{self.base}relation/{self.batch}/{line}")
        self.add(node, Terms.type, Terms.SupplyRelation)
        self.add(node, Terms.supplier, s)
        self.add(node, Terms.client, c)
        if level == "stated":  # the row is the source, and it names both parties
            self.add(node, Terms.evidence, Terms.Stated)
        else:  # the sheet marks it inferred: so is the relation, with the sheet as the reason
            self.add(node, Terms.evidence, Terms.InferredInSource)
            self.add(node, Terms.inferenceReason, ox.Literal(inference_reason(path.name)))
        if row.get("supplies"):
            self.add(node, Terms.supplies, self.product(row["supplies"]))
        start, end = row.get("start", ""), row.get("end", "")
        check_period(f"{path}:{line}", start, end, mapping)
        for value, prop in ((start, Terms.periodStart), (end, Terms.periodEnd)):
            if value:  # a year, a month or a day: its datatype says which (cg:PeriodBound)
                self.add(node, prop, ox.Literal(value, datatype=BOUND_TYPES[len(value)]))
        if start or end:
            self.add(node, Terms.period, ox.Literal(period_text(start, end)))
        self.quantities(node, row_quantities(f"{path}:{line}", row, mapping))
        self.add(node, Terms.wasDerivedFrom, self.source(row.get("source", ""), path, line))

    def quantities(self, relation: ox.NamedNode, found: Mapping) -> None:
        """A row's quantities as QUDT quantity values on its relation, named after it: values and
        volumes in their currency or unit, shares in percent (twelve decimals as a fraction)."""
        hedges = found.get("hedges", {})
        for prop, key in QUANTITY_PROPERTIES.items():
            if key not in found:
                continue
            if key == "value":
                unit, amount = Terms.currency(found["currency"]), found[key]
            elif key == "volume":
                unit, amount = Terms.unit(found["volume_unit"]), found[key]
            else:
                unit, amount = Terms.percent, percent_of_share(found[key])
            node = ox.NamedNode(f"{relation.value}/{key.replace('_', '-')}")
            self.add(relation, ox.NamedNode(prop), node)
            self.add(node, Terms.type, Terms.QuantityValue)
            lexical = np.format_float_positional(amount, trim="-")
            self.add(node, Terms.numericValue, ox.Literal(lexical, datatype=Terms.decimal))
            self.add(node, Terms.qudtUnit, unit)
            if key in hedges:
                self.add(node, Terms.comparator, ox.NamedNode(str(CG[hedges[key]])))

    def source(self, text: str, path: Path, line: int) -> ox.NamedNode:
        """A row's source: its ``source`` cell (an IRI, or a citation given an IRI and a label), or
        else the row itself, ``<file source>#row=N``: a part of the file's source, which is described
        once (a source and a label per row would be a third of the import's triples)."""
        if not text:
            prefix = self.row_sources.get(path)
            if prefix is None:
                described = ox.NamedNode(file_source(self.base, self.batch, path.name))
                self.add(described, Terms.type, Terms.Source)
                self.add(described, Terms.label, ox.Literal(path.name))
                prefix = self.row_sources[path] = f"{described.value}#row="
            return ox.NamedNode(f"{prefix}{line}")
        node = mint(self.base, "source", text)  # a cell that is an IRI is used as it is
        if node.value not in self.described:
            self.described.add(node.value)
            if not is_iri(text):
                self.add(node, Terms.label, ox.Literal(text))
            self.add(node, Terms.type, Terms.Source)
        return node
