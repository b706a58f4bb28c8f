"""Where data leaves: the graph or a selection of it in the formats other tools read.

- ``graphml``, ``gexf``: the projected supply network for Gephi, Cytoscape and yEd, with IRIs as
  strings, English and Chinese labels, kind, place, stage and every ``stats`` measure as attributes;
- ``ttl``, ``nt``: the RDF triples; ``trig``, ``nq``, ``jsonld``: the RDF with its named graphs kept;
- ``csv``: the supply edges in the import layout (``supplier, client, supplies, start, end, source``)
  or, with ``table="firms"``, the firms in the import layout plus the measures; formula-looking
  cells are neutralised;
- ``parquet`` (:func:`export_tables`): a folder of ``relations.parquet`` (the import's relation
  columns and each relation's ``evidence``) and ``firms.parquet`` (the import's firm columns and
  ``kind``), the tables ``--relations``/``--firms`` and ``stats --engine spark`` read.

A selection (chain, region) keeps the selected organizations, the supply relations and figures
among them, and every place, chain, stage, product, measure and source, so the export stays valid.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from ..errors import InputError
from ..measures import dispatch
from ..projection.model import edge_evidence
from ..projection.read import project
from ..projection.selection import Selection, select
from ..projection.source import Source, network_source
from ..projection.tables import relation_records
from ..queries.texts import package_query
from ..sheets.quantities import QUANTITY_FIELDS, QUANTITY_PROPERTIES, add_statement, quantity_cells
from ..store import LocalDataset, Store
from ..store.base import dumped
from ..vocab import CG, GRAPH, PLACE_CLASSES, RDF, WRITTEN_PREFIXES
from .tabular import to_csv

_NO_QUANTITIES = dict.fromkeys(QUANTITY_FIELDS, "")

__all__ = [
    "EDGE_COLUMNS",
    "FIRM_COLUMNS",
    "FORMATS",
    "NETWORK_EXPORTS",
    "RDF_EXPORTS",
    "edges_csv",
    "export",
    "export_rdf",
    "export_tables",
    "firms_csv",
    "network_file",
    "xml_safe",
]

RDF_EXPORTS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
NETWORK_EXPORTS = ("graphml", "gexf")
FORMATS = (*NETWORK_EXPORTS, *RDF_EXPORTS, "csv", "parquet")

EDGE_COLUMNS = ["supplier", "client", "supplies", "start", "end", "source", *QUANTITY_FIELDS]
FIRM_COLUMNS = ["id", "name_en", "name_zh", "located_in", "chain", "stage"]

_RELATIONS_QUERY = package_query("export-relations")
_QUANTITIES_QUERY = package_query("export-relation-quantities")


def _relation_quantities(store: Store) -> dict[str, dict[str, str]]:
    """Each qualified relation's quantity cells (:func:`quantity_cells`), by the relation's IRI."""
    found: dict[str, dict] = {}
    for relation, kind, amount, unit, comparator in store.select_lexical(_QUANTITIES_QUERY):
        add_statement(found.setdefault(relation, {}), kind, amount, unit, comparator)
    return {relation: quantity_cells(quantities) for relation, quantities in found.items()}


def export(
    source: Source,
    fmt: str,
    selection: Selection | None = None,
    *,
    table: str = "edges",
    progress: Callable[[str], None] | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    """The export of ``source``'s network or RDF (or of a selection of it) in format ``fmt``, as bytes.

    ``warnings``, when given, receives one line for each value an export had to change (a label
    holding characters XML 1.0 cannot hold, in GraphML or GEXF)."""
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        raise InputError("--format parquet writes a folder of tables: use export_tables(store, folder)")
    source = network_source(source)
    if fmt in RDF_EXPORTS:
        source.refuse_sheets(f"--format {fmt}")
        dataset = source.store.local_dataset("an RDF export")
        try:
            return export_rdf(dataset, RDF_EXPORTS[fmt], selection)
        except (OSError, RuntimeError) as exc:  # RocksDB's "Corruption: ..." while reading
            raise dataset.read_error(exc) from None
    if progress:
        progress("projection")
    graph = select(source.network(), selection or Selection())
    if progress:
        progress("measures")
    if fmt == "csv":
        if table == "firms":
            return firms_csv(graph, _measures(graph))
        if table != "edges":
            raise InputError(f"--table {table!r}: use edges or firms")
        return edges_csv(source, graph)
    return network_file(graph, _measures(graph), fmt, warnings)


# Characters XML 1.0 cannot hold at all (its Char production): controls but tab, newline and
# carriage return, the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: object, warnings: list[str] | None = None) -> object:
    r"""``value`` with each character XML 1.0 cannot hold replaced by U+FFFD, noting the change in
    ``warnings``; everything XML can hold is kept exactly, so a round trip stays exact for it.

    >>> xml_safe("Foil\x00Co")
    'Foil\ufffdCo'
    """
    if not isinstance(value, str) or not _NOT_XML.search(value):
        return value
    replaced = _NOT_XML.sub("\ufffd", value)
    if warnings is not None:
        warnings.append(f"{replaced[:60]!r}: characters XML cannot hold were replaced by U+FFFD")
    return replaced


def network_file(
    graph: nx.DiGraph, measures: Mapping[str, Mapping], fmt: str, warnings: list[str] | None = None
) -> bytes:
    """GraphML or GEXF bytes: attributes are strings and numbers only (networkx cannot write rdflib
    terms), and hold only characters XML 1.0 allows (see :func:`xml_safe`)."""
    node_ids = {node: xml_safe(node, warnings) for node in graph}
    flat = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        flat.add_node(
            node_ids[node],
            **{
                "iri": node_ids[node],
                "label": attrs.get("label", ""),
                "label_zh": attrs.get("label_zh", ""),
                "kind": attrs.get("kind", ""),
                "place": attrs.get("place", ""),
                "place_label": attrs.get("place_label", ""),
                "stage": attrs.get("stage", ""),
                "stage_label": attrs.get("stage_label", ""),
                "chains": " ".join(attrs.get("chains", [])),
                **{key: _plain(values[node]) for key, values in measures.items()},
            },
        )
    for node in flat:
        flat.nodes[node].update({key: xml_safe(value, warnings) for key, value in flat.nodes[node].items()})
    for supplier, client, attrs in graph.edges(data=True):
        flat.add_edge(
            node_ids[supplier],
            node_ids[client],
            supplies="; ".join(attrs.get("supplies", [])),
            periods="; ".join(attrs.get("periods", [])),
            sources=" ".join(attrs.get("sources", [])),
            inferred=bool(attrs.get("inferred")),
            evidence=edge_evidence(attrs),
            inference="; ".join(attrs.get("inference", [])),
            weight=int(attrs.get("weight", 1)),
        )
    for _, _, edge in flat.edges(data=True):
        edge.update({key: xml_safe(value, warnings) for key, value in edge.items()})
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8", named_key_ids=True)
    else:
        nx.write_gexf(flat, buffer, encoding="utf-8")
    # An XML reader turns a bare carriage return into a line feed; as a character reference it
    # comes back as written. The writers put one only inside values (their own lines end in LF).
    return buffer.getvalue().replace(b"\r", b"&#13;")


def _plain(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    return str(value)


def export_rdf(store: LocalDataset, rdf_format: ox.RdfFormat, selection: Selection | None) -> bytes:
    """The dataset in an RDF format; a selection keeps its part.

    Dataset formats (TriG, N-Quads, JSON-LD) carry the ontology in its own named graph, so a SPARQL
    server loaded from the file answers every query as the embedded store does (place classes,
    comparator labels); loading such a file back with ``--data`` adds nothing twice, since the
    ontology lands in the same named graph. Triple formats leave the ontology out.

    An on-disk store is read in a worker whose memory is capped (a damaged database is said, not
    run into the system's limit).
    """

    def read() -> bytes:
        try:
            return _rdf_bytes(store, rdf_format, selection)
        except (OSError, RuntimeError) as exc:  # Oxigraph failing to read the database
            raise store.read_error(exc) from None

    return store.bounded(read, None)


def _rdf_bytes(store: LocalDataset, rdf_format: ox.RdfFormat, selection: Selection | None) -> bytes:
    ontology = ox.NamedNode(str(GRAPH["ontology"]))
    keep = (
        None
        if selection is None or (selection.chains is None and selection.region is None)
        else _selected_subjects(store, selection)
    )
    dataset = rdf_format.supports_datasets
    if keep is None and dataset and rdf_format != ox.RdfFormat.TRIG:
        # The whole dataset as it is: no copy (at 1M firms a copy held the data twice, 16 GB).
        return dumped(store.oxigraph.dump(format=rdf_format))
    output = ox.Store()
    quads = []
    for quad in store.oxigraph:
        if quad.graph_name == ontology:
            if dataset:
                quads.append(quad)
            continue
        if keep is not None and quad.subject not in keep:
            continue
        quads.append(quad if dataset else ox.Quad(quad.subject, quad.predicate, quad.object))
    output.extend(quads)
    prefixes = WRITTEN_PREFIXES
    if dataset:
        if rdf_format == ox.RdfFormat.TRIG:
            return dumped(output.dump(format=rdf_format, prefixes=prefixes))
        return dumped(output.dump(format=rdf_format))
    if rdf_format == ox.RdfFormat.TURTLE:
        return dumped(output.dump(format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes))
    return dumped(output.dump(format=rdf_format, from_graph=ox.DefaultGraph()))


_CONTEXT_CLASSES = [
    *PLACE_CLASSES,
    CG.IndustrialChain,
    CG.ChainStage,
    CG.ProductOrService,
    CG.Measure,
    CG.Source,
    CG.SourcePassage,
]


def _selected_subjects(store: LocalDataset, selection: Selection) -> set:
    graph = select(project(store), Selection(selection.chains, selection.region, "firm"))
    nodes = {ox.NamedNode(n) for n in graph}
    keep: set[ox.NamedNode | ox.BlankNode | ox.Triple] = set(nodes)
    for cls in _CONTEXT_CLASSES:
        keep.update(
            q.subject
            for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls)))
        )
    for relation in store.oxigraph.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(CG.SupplyRelation))
    ):
        about = list(store.oxigraph.quads_for_pattern(relation.subject, None, None))
        ends = [q.object for q in about if q.predicate.value in (str(CG.supplier), str(CG.client))]
        if ends and all(end in nodes for end in ends):
            keep.add(relation.subject)
            # its quantity values go with it
            keep.update(
                q.object
                for q in about
                if q.predicate.value in QUANTITY_PROPERTIES and isinstance(q.object, (ox.NamedNode, ox.BlankNode))
            )
    for observation in store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(CG.subject)), None):
        if observation.object in keep:
            keep.add(observation.subject)
    return keep


def edges_csv(source: Source, graph: nx.DiGraph) -> bytes:
    """One row per supply relation between selected nodes, in the import layout: the RDF's, and
    the sheets' as their import would state them."""
    source = network_source(source)
    store = source.store
    rows = []
    stated = set()
    quantities = _relation_quantities(store)
    for row in store.select(_RELATIONS_QUERY).rows:
        supplier, client = str(row["supplier"]), str(row["client"])
        if not graph.has_edge(supplier, client):
            continue
        stated.add((supplier, client))
        start, end = _bounds(row)
        rows.append(
            {
                "supplier": supplier,
                "client": client,
                "supplies": str(row.get("product", "")),
                "start": start,
                "end": end,
                "source": str(row.get("source", "")),
                **quantities.get(str(row["relation"]), _NO_QUANTITIES),
            }
        )
    # Sheets given as tables: their relation rows, as their import would state them.
    tables = source.tables
    for record in relation_records(store, tables) if tables.relations else ():
        supplier, client = record["supplier"], record["client"]
        if graph.has_edge(supplier, client):
            stated.add((supplier, client))
            rows.append({column: record[column] for column in EDGE_COLUMNS})
    for supplier, client in graph.edges:
        if (supplier, client) not in stated:
            rows.append({"supplier": supplier, "client": client, **dict.fromkeys(EDGE_COLUMNS[2:], "")})
    rows.sort(key=lambda r: tuple(r[c] for c in EDGE_COLUMNS))
    return to_csv(rows, EDGE_COLUMNS).encode("utf-8")


#: The columns of ``relations.parquet`` and ``firms.parquet``: the import's, plus what the import
#: layout leaves to the RDF (a relation's evidence level, an organization's kind).
RELATION_TABLE_COLUMNS = [*EDGE_COLUMNS, "evidence"]
FIRM_TABLE_COLUMNS = [*FIRM_COLUMNS, "kind"]
#: Rows per Parquet row group: the files are written a group at a time.
TABLE_BATCH = 100_000


def export_tables(
    source: Source, folder: Path, selection: Selection | None = None, *, replace: bool = False
) -> list[Path]:
    """Write the firm-level network of ``source``'s store (or of a selection) as tables in ``folder``:
    ``relations.parquet``, one row per qualified supply relation (a plain ``cg:supplierOf`` edge is
    one row with only its ends) with its evidence level, and ``firms.parquet``, one row per
    organization, ids being IRIs (so an import or ``--relations``/``--firms`` gives the same nodes).

    Each file is written a row group at a time and appears only when complete; an existing file is
    replaced only with ``replace``. Returns the two paths.

    >>> from chaingraph.store import open_store
    >>> folder = Path(getfixture("tmp_path")) / "tables"
    >>> [p.name for p in export_tables(open_store(), folder)]
    ['relations.parquet', 'firms.parquet']
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .._runtime.fileio import atomic_open, check_target, make_folder
    from ..projection.selection import select_columns
    from ..vocab import evidence_level

    source = network_source(source)
    source.refuse_sheets("--format parquet")
    store = source.store
    selection = selection or Selection()
    if selection.level != "firm":
        raise InputError("--format parquet writes firm-level tables: leave out --level stage")
    network = select_columns(source.projection(), selection)
    make_folder(folder)
    targets = [folder / "relations.parquet", folder / "firms.parquet"]
    allowed = [check_target(target, force=replace) for target in targets]
    nodes = network.nodes
    pairs = {(nodes[a], nodes[b]) for a, b in zip(network.suppliers.tolist(), network.clients.tolist(), strict=True)}

    def relation_rows():
        qualified = set()
        quantities = _relation_quantities(store)
        for row in store.select(_RELATIONS_QUERY).rows:
            pair = (str(row["supplier"]), str(row["client"]))
            if pair not in pairs:
                continue
            qualified.add(pair)
            start, end = _bounds(row)
            evidence = row.get("evidence")
            from_stages = row.get("fromStages")
            level = evidence_level(str(evidence) if evidence else None, str(from_stages) if from_stages else None)
            cells = quantities.get(str(row["relation"]), _NO_QUANTITIES)
            yield [
                *pair, str(row.get("product", "")), start, end, str(row.get("source", "")),
                *(cells[name] for name in QUANTITY_FIELDS), level,
            ]  # fmt: skip
        for pair in sorted(pairs - qualified):
            yield [*pair, *[""] * (len(EDGE_COLUMNS) - 2), edge_evidence(network.details.get(pair, {}))]

    columns = network.columns
    chains = network.meta.get("chains", {})

    def firm_rows():
        for i in sorted(range(len(nodes)), key=nodes.__getitem__):
            member_of = columns["chains"][i]
            chain = chains.get(member_of[0], {}).get("label", member_of[0]) if member_of else ""
            label, label_zh = columns["label"][i], columns["label_zh"][i]
            yield [
                nodes[i], label if label != label_zh else "", label_zh, columns["place_label"][i], chain,
                columns["stage_label"][i], columns["kind"][i],
            ]  # fmt: skip

    for target, may_replace, names, rows in (
        (targets[0], allowed[0], RELATION_TABLE_COLUMNS, relation_rows()),
        (targets[1], allowed[1], FIRM_TABLE_COLUMNS, firm_rows()),
    ):
        schema = pa.schema([(name, pa.string()) for name in names])
        with (
            atomic_open(target, "wb", encoding=None, may_replace=may_replace) as handle,
            pq.ParquetWriter(handle, schema) as writer,
        ):
            batch: list[list[str]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == TABLE_BATCH:
                    writer.write_table(_table(batch, schema))
                    batch = []
            writer.write_table(_table(batch, schema))
    return targets


def _table(rows: list[list[str]], schema):
    import pyarrow as pa

    return pa.table([pa.array([row[i] for row in rows], pa.string()) for i in range(len(schema))], schema=schema)


def _bounds(row: Mapping) -> tuple[str, str]:
    """A relation's start and end cells: its bounds, else its period text when that is bounds
    (``2021/2023``); a period in words (``since the merger``) stays in the RDF, not in a date cell."""
    from ..projection.periods import bound_error

    start, end = str(row.get("start", "")), str(row.get("end", ""))
    if not (start or end) and "period" in row:
        first, _, last = str(row["period"]).partition("/")
        if all(not part or bound_error(part) is None for part in (first, last)):
            return first, last
    return start, end


def firms_csv(graph: nx.DiGraph, measures: Mapping[str, Mapping]) -> bytes:
    """One row per node, in the import layout for firms, then the ``stats`` measures."""
    rows = []
    chains = graph.graph.get("chains", {})
    for node, attrs in sorted(graph.nodes(data=True)):
        chain = attrs.get("chains", [""])[0] if attrs.get("chains") else ""
        row = {
            "id": node,
            "name_en": attrs.get("label", ""),
            "name_zh": attrs.get("label_zh", ""),
            "located_in": attrs.get("place_label", ""),
            "chain": chains.get(chain, {}).get("label", chain) if chain else "",
            "stage": attrs.get("stage_label", ""),
        }
        row.update({key: values[node] for key, values in measures.items()})
        rows.append(row)
    return to_csv(rows, FIRM_COLUMNS + list(measures)).encode("utf-8")


def _measures(graph: nx.DiGraph) -> Mapping:
    """The measures an exported network carries per node: the reference's, as the view's."""
    run, _ = dispatch.node_measures(graph, backend="networkx")
    return run.values
