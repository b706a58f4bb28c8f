"""The supply network as Spark DataFrames: relations and firms read where they lie (Parquet or CSV,
a local path or any URI the cluster reads), joined with the RDF graph read on the driver.

What is small stays RDF and is read on the driver as for every command: the ontology, places and
their hierarchy, chains, stages, and the graph's own firms and relations. The tables are never
collected: their ids become IRIs and their firms get their names, place, chains and stage on the
executors, by the tables reader's own rule (:func:`chaingraph.projection.parts.named_nodes`, one
partition at a time with the graph's facts), so the nodes, edges and every measure are those of
``stats --relations ... --firms ...`` on one machine.

The selection (``--chain``, ``--region``, ``--evidence``, ``--as-of``) is applied as filters on the
tables, with the rules of :func:`chaingraph.projection.selection.select_columns`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from ..errors import InputError
from ..projection import periods
from ..projection.model import Projection, edge_evidence
from ..projection.read import assemble, read_facts
from ..projection.selection import Selection
from ..projection.source import NetworkSource, Sheets
from ..projection.tables import Tables, default_chain
from ..queries.context import import_context
from ..queries.names import as_iri
from ..records import Dating
from ..settings import EVIDENCE_LEVELS
from ..sheets import (
    FIRM_FIELDS,
    RELATION_FIELDS,
    Naming,
    check_period,
    is_workbook,
)
from ..store.base import Store
from .frames import NODE_SCHEMA, sheets_frame
from .measures import SparkGraph
from .naming import SheetNames, named_batch, raise_first_error, resolved_ends, sheet_names
from .quantities import relation_quantities
from .shares import QUANTITY_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "SparkNetwork",
    "read_network",
    "sheet_firms",
    "spark_source",
]


#: An edge's state on a date as a rank: the strongest state of its relations wins (in force over
#: undated over not in force), as :func:`chaingraph.projection.periods.edge_state` decides.
_STATE_RANK = {periods.NOT_IN_FORCE: 0, periods.UNDATED: 1, periods.IN_FORCE: 2}
#: Evidence levels as ranks, the strongest first in :data:`EVIDENCE_LEVELS`.
_LEVEL_RANK = {level: len(EVIDENCE_LEVELS) - i for i, level in enumerate(EVIDENCE_LEVELS)}


@dataclass
class SparkNetwork:
    """A selection of the network on Spark: the ``graph`` the measures read (node ids and edges),
    ``nodes`` (``node`` id, IRI and the report's node columns), and what the report says of it."""

    graph: SparkGraph
    nodes: DataFrame
    edge_count: int
    #: Edges analysed by evidence level.
    evidence: dict[str, int]
    #: With ``as_of``: edges in force and undated among those analysed.
    dating: Dating | None
    selection: str
    #: The graph's ``meta`` (places, chains with their stages, ``controls``), with the chains and
    #: stages the sheets create.
    meta: dict
    #: ``src``, ``dst`` and the quantity columns (:data:`.shares.QUANTITY_COLUMNS`) of each edge
    #: whose relations state any, as this machine joins them (the latest statement of each).
    quantities: DataFrame | None = None


def spark_source(spark: SparkSession, store: Store, tables: Tables) -> NetworkSource:
    """``store`` with what ``tables`` name of places, chains and stages (:func:`sheet_names`) beside
    it: names are resolved against both before the network is read on Spark, where the tables lie."""
    return NetworkSource(store, sheet_names(spark, store, tables))


def sheet_firms(spark: SparkSession, store: Store, tables: Tables, text: str, nodes: DataFrame) -> list[str]:
    """The IRIs of the firms the firm tables name ``text``, by the import's rule: a row's English or
    Chinese name (case ignored), or its id when the row has no English name and states a new firm;
    or ``text`` itself when it spells the IRI of one of ``nodes`` (the network on Spark). Firms are
    searched on Spark, never collected: there may be millions."""
    from pyspark.sql import functions as F

    iri = as_iri(text)
    if iri is not None:
        return [iri] if nodes.filter(F.col("iri") == iri).limit(1).count() else []
    firms = sheets_frame(spark, tables.firms, FIRM_FIELDS, "firms", tables.mapping)
    needle = text.strip().lower()
    naming = Naming(import_context(store), tables.base, default_chain(tables))
    found = []
    if firms is not None:
        named = (F.lower("name_en") == needle) | (F.lower("name_zh") == needle)
        rows = (
            firms.filter(named | ((F.col("name_en") == "") & (F.lower("id") == needle)))
            .select("id", "name_en", "name_zh", "identifier", "file")
            .distinct()
            .limit(100)
            .collect()
        )
        for row in rows:
            iri = naming.firm_row(row["id"], row.asDict(), row["file"])
            by_name = needle in (row["name_en"].lower(), row["name_zh"].lower())
            if by_name or not naming.known(iri):
                found.append(iri)
    found += _relation_end_firms(spark, tables, needle, firms, naming)
    return list(dict.fromkeys(found))


def _relation_end_firms(
    spark: SparkSession, tables: Tables, needle: str, firms: DataFrame | None, naming: Naming
) -> list[str]:
    """The firms a relation names by an id no firm row has (``Acme Cells`` only as a supplier): the
    import names such a firm by its id, so the id is its name (case ignored)."""
    from pyspark.sql import functions as F

    relations = sheets_frame(spark, tables.relations, RELATION_FIELDS, "relations", tables.mapping)
    if relations is None:
        return []
    ends = relations.select(F.col("supplier").alias("id"), "file").union(relations.select(F.col("client"), "file"))
    ends = ends.filter(F.lower("id") == needle)
    if firms is not None:
        ends = ends.join(firms.select("id"), "id", "left_anti")
    found = []
    for row in ends.dropDuplicates(["id"]).limit(100).collect():
        iri, existing = naming.endpoint(row["id"], row["file"])
        if not existing:
            found.append(iri)
    return found


def read_network(spark: SparkSession, source: NetworkSource, tables: Tables, selection: Selection) -> SparkNetwork:
    """The firm-level network of ``source``'s graph with ``tables`` joined in, as Spark DataFrames,
    restricted to ``selection`` (the Spark engine's counterpart of ``select_columns(source.projection(),
    selection)``); ``source`` is :func:`spark_source`'s, its sheets the names ``tables`` state.

    Raises :class:`~chaingraph.errors.InputError` naming the file and what is wrong for a table that
    cannot be read (a missing column, an empty id, a duplicate firm, a period that is not one).
    """
    from pyspark.sql import functions as F

    if selection.level != "firm" or selection.group_by is not None:
        raise InputError(
            "--engine spark computes firm-level measures: --level stage and --group-by need --engine local"
        )
    if tables.stages:
        raise InputError("--stages: stages from products are inferred by --engine local; drop --stages on Spark")
    if tables.same_as:
        raise InputError("--same-as: decisions on names are applied by --engine local; drop --same-as on Spark")
    if tables.header_row not in (None, 1):
        raise InputError("--header-row: with --engine spark the header is the first line (or write Parquet)")
    workbooks = [str(path) for path in (*tables.relations, *tables.firms) if is_workbook(PurePosixPath(str(path)))]
    if workbooks:
        raise InputError(
            f"{workbooks[0]}: --engine spark reads CSV and Parquet; read the workbook with --engine local, "
            "or save its sheet as CSV or Parquet for the cluster"
        )
    store = source.store
    facts = read_facts(store)
    graph_network = assemble(facts)
    context = import_context(store)
    chain_name = default_chain(tables)

    firms = sheets_frame(spark, tables.firms, FIRM_FIELDS, "firms", tables.mapping)
    relations = sheets_frame(spark, tables.relations, RELATION_FIELDS, "relations", tables.mapping)
    _check(firms, relations)

    # A batch gets a Naming of its own: one remembers the places and chains it created, and each
    # batch must state them again for the facts it is joined to.
    def name_firms(batches: Iterator) -> Iterator:
        for batch in batches:
            naming = Naming(context, tables.base, chain_name)
            yield named_batch(facts, naming, [(row["file"], row) for row in batch.to_pylist()], [])

    def name_ends(batches: Iterator) -> Iterator:
        for batch in batches:
            naming = Naming(context, tables.base, chain_name)
            yield named_batch(facts, naming, [], [(row["id"], row["file"]) for row in batch.to_pylist()])

    firm_nodes = (
        firms.mapInArrow(name_firms, NODE_SCHEMA) if firms is not None else spark.createDataFrame([], NODE_SCHEMA)
    )
    firm_nodes = firm_nodes.localCheckpoint()
    raise_first_error(firm_nodes)
    if relations is not None:
        relations = resolved_ends(spark, Naming(context, tables.base, chain_name), firms, firm_nodes, relations)
        ends = (
            relations.select(F.col("supplier").alias("id"), "file")
            .unionByName(relations.select(F.col("client").alias("id"), "file"))
            .groupBy("id")
            .agg(F.min("file").alias("file"))
            .join(firm_nodes.select("id"), "id", "left_anti")
        )
        end_nodes = ends.mapInArrow(name_ends, NODE_SCHEMA).localCheckpoint()
        raise_first_error(end_nodes)
    else:
        end_nodes = spark.createDataFrame([], NODE_SCHEMA)

    nodes = _all_nodes(spark, graph_network, facts.typed, firm_nodes, end_nodes)
    edges = _edges(spark, graph_network, relations, firm_nodes, end_nodes, selection)
    edges = _kept_edges(edges, selection)
    if selection.chains is not None:
        nodes = nodes.filter(F.arrays_overlap("chains", F.array(*(F.lit(c) for c in sorted(selection.chains)))))
    if selection.region is not None:
        nodes = nodes.filter(F.array_contains("places", selection.region))
    nodes = nodes.withColumn("node", F.monotonically_increasing_id()).localCheckpoint()
    ids = nodes.select("iri", "node")
    pairs = (
        edges.join(ids.withColumnsRenamed({"iri": "supplier", "node": "src"}), "supplier")
        .join(ids.withColumnsRenamed({"iri": "client", "node": "dst"}), "client")
        .select("src", "dst", "level", "state")
        .localCheckpoint()
    )
    evidence, dating = _edge_counts(pairs, selection)  # after --chain/--region: the edges analysed
    n = nodes.count()
    graph = SparkGraph(nodes.select("node"), pairs.select("src", "dst"), n, names=nodes.select("node", "iri"))
    edge_count = sum(evidence.values())
    meta = _meta(graph_network, source.sheets)
    stated = relation_quantities(spark, facts.details, relations, firm_nodes, end_nodes, tables.mapping)
    quantities = (
        stated.join(ids.withColumnsRenamed({"iri": "supplier", "node": "src"}), "supplier")
        .join(ids.withColumnsRenamed({"iri": "client", "node": "dst"}), "client")
        .join(pairs.select("src", "dst"), ["src", "dst"])
        .select("src", "dst", *(name for name, _ in QUANTITY_COLUMNS))
    )  # left lazy: only a scenario reads it (the cells were checked above, as every command checks them)
    return SparkNetwork(graph, nodes, edge_count, evidence, dating, selection.describe(meta), meta, quantities)


def _meta(network: Projection, sheets: Sheets | None) -> dict:
    """The graph's ``meta`` with the chains and stages the sheets create, as the tables reader
    states them (for the selection's words and a scenario's emptied stages)."""
    added = sheets.chains if isinstance(sheets, SheetNames) else {}
    chains = {iri: dict(entry, stages=dict(entry["stages"])) for iri, entry in network.meta["chains"].items()}
    for iri, entry in added.items():
        chain = chains.setdefault(
            iri, {"region": None, "stages": {}, "id": entry["id"], "label": entry["label"], "label_zh": ""}
        )
        chain["stages"].update(entry["stages"])
    return dict(network.meta, chains=chains)


def _check(firms: DataFrame | None, relations: DataFrame | None) -> None:
    """The import's refusals that need the whole table, each as one Spark job: an empty id, a
    duplicate firm, an evidence level or a period that is not one."""
    from pyspark.sql import functions as F

    if firms is not None:
        empty = firms.filter(F.col("id") == "").select("file").limit(1).collect()
        if empty:
            raise InputError(f"{empty[0]['file']}: a firm row with an empty id")
        twice = firms.groupBy("id").agg(F.count("*").alias("rows"), F.min("file").alias("file"))
        found = twice.filter(F.col("rows") > 1).limit(1).collect()
        if found:
            raise InputError(f"{found[0]['file']}: duplicate id {found[0]['id']!r} ({found[0]['rows']} firm rows)")
        # Rows sharing an identifier are one firm, which needs every row in view: not per partition.
        code = F.upper(F.regexp_replace("identifier", r"\s", ""))
        shared = (
            firms.filter(code != "")
            .groupBy(code.alias("code"))
            .agg(F.countDistinct("id").alias("rows"), F.min("file").alias("file"))
        )
        found = shared.filter(F.col("rows") > 1).limit(1).collect()
        if found:
            raise InputError(
                f"{found[0]['file']}: identifier {found[0]['code']} is on {found[0]['rows']} firm rows, which are "
                "one firm: --engine local merges them (Spark reads each row apart)"
            )
    if relations is None:
        return
    for end in ("supplier", "client"):
        empty = relations.filter(F.col(end) == "").select("file").limit(1).collect()
        if empty:
            raise InputError(f"{empty[0]['file']}: a relation with an empty {end}")
    plain = relations.filter(F.col("evidence") == "unspecified")
    for cell in ("supplies", "start", "end", "source"):
        found = plain.filter(F.col(cell) != "").select("file").limit(1).collect()
        if found:
            raise InputError(
                f"{found[0]['file']}: evidence unspecified is a plain edge with no {cell}; "
                "say stated or inferred, or leave the cell empty"
            )
    levels = relations.select("evidence", "file").filter(~F.col("evidence").isin("", *EVIDENCE_LEVELS))
    wrong = levels.limit(1).collect()
    if wrong:
        raise InputError(
            f"{wrong[0]['file']}: evidence {wrong[0]['evidence']!r}: use {', '.join(EVIDENCE_LEVELS)} (empty: stated)"
        )
    for row in (
        relations.filter((F.col("start") != "") | (F.col("end") != ""))
        .groupBy("start", "end")
        .agg(F.min("file").alias("file"))
        .toLocalIterator()
    ):
        check_period(row["file"], row["start"], row["end"], {})


def _all_nodes(spark, network: Projection, typed: int, firm_nodes: DataFrame, end_nodes: DataFrame) -> DataFrame:
    """Every node once: a firm row's version of a node, else a relation end's, else the graph's."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    columns = network.columns
    graph_rows = [
        (
            "",
            iri,
            i < typed,
            columns["label"][i],
            columns["label_zh"][i],
            columns["kind"][i],
            columns["place_label"][i],
            list(columns["places"][i]),
            list(columns["chains"][i]),
            columns["stage_label"][i],
            columns["stage"][i],
            None,
        )
        for i, iri in enumerate(network.nodes)
    ]
    graph_nodes = spark.createDataFrame(graph_rows, NODE_SCHEMA)
    ranked = (
        firm_nodes.withColumn("priority", F.lit(0))
        .unionByName(end_nodes.withColumn("priority", F.lit(1)))
        .unionByName(graph_nodes.withColumn("priority", F.lit(2)))
    )
    first = Window.partitionBy("iri").orderBy("priority")
    return (
        ranked.withColumn("rank", F.row_number().over(first))
        .filter(F.col("rank") == 1)
        .drop("rank", "priority", "error", "id")
    )


def _edges(
    spark,
    network: Projection,
    relations: DataFrame | None,
    firm_nodes: DataFrame,
    end_nodes: DataFrame,
    selection: Selection,
) -> DataFrame:
    """Every distinct supply edge as ``supplier``, ``client`` (IRIs), its evidence level and, with
    ``as_of``, its state on that date: one row per relation first, then reduced per pair."""
    from pyspark.sql import functions as F

    window = periods.window(selection.as_of) if selection.as_of is not None else None
    graph_rows = []
    nodes = network.nodes
    for supplier, client in zip(network.suppliers.tolist(), network.clients.tolist(), strict=True):
        pair = (nodes[supplier], nodes[client])
        details = network.details.get(pair)
        level = edge_evidence(details or {})
        # A plain edge (no qualified relation) has no period: it dates nothing when a table's rows
        # give the pair too (their periods decide), and is undated alone.
        state = _STATE_RANK[periods.edge_state(details, window)] if window is not None and details else None
        graph_rows.append((*pair, level, state))
    schema = "supplier string, client string, level string, state int"
    rows = spark.createDataFrame(graph_rows, schema)
    if relations is not None:
        ids = firm_nodes.select("id", "iri").unionByName(end_nodes.select("id", "iri"))
        stated = relations.select(
            "supplier",
            "client",
            F.when(F.col("evidence") == "", "stated").otherwise(F.col("evidence")).alias("level"),
            "start",
            "end",
        )
        stated = stated.join(ids.withColumnsRenamed({"id": "supplier", "iri": "supplier_iri"}), "supplier").join(
            ids.withColumnsRenamed({"id": "client", "iri": "client_iri"}), "client"
        )
        states = _relation_states(spark, stated, window)
        rows = rows.unionByName(
            states.select(
                F.col("supplier_iri").alias("supplier"),
                F.col("client_iri").alias("client"),
                "level",
                # an unspecified row is a plain edge: no period of its own
                F.when(F.col("level") != "unspecified", F.col("state")).alias("state"),
            )
        )
    rank = F.create_map(*(F.lit(x) for pair in _LEVEL_RANK.items() for x in pair))
    by_rank = F.create_map(*(F.lit(x) for level, r in _LEVEL_RANK.items() for x in (r, level)))
    # An edge's evidence is the strongest of its relations', the graph's and the rows'; its state
    # the strongest of its relations' states (undated when none has a period of its own).
    reduced = rows.groupBy("supplier", "client").agg(
        F.max(rank[F.col("level")]).alias("rank"),
        F.coalesce(F.max("state"), F.lit(_STATE_RANK[periods.UNDATED])).alias("state"),
    )
    return reduced.select("supplier", "client", by_rank[F.col("rank")].alias("level"), "state")


def _relation_states(spark, stated: DataFrame, window: periods.Window | None) -> DataFrame:
    """Each table relation with its state on ``window`` as a rank (:data:`_STATE_RANK`): read once
    per distinct period on the driver, by :func:`chaingraph.projection.periods.relation_state`."""
    from pyspark.sql import functions as F

    if window is None:
        return stated.withColumn("state", F.lit(_STATE_RANK[periods.UNDATED]))
    distinct = stated.select("start", "end").distinct().collect()
    ranks = [
        (row["start"], row["end"], _STATE_RANK[periods.relation_state(row["start"], row["end"], window)])
        for row in distinct
    ]
    table = spark.createDataFrame(ranks, "start string, end string, state int")
    return stated.join(F.broadcast(table), ["start", "end"])


def _kept_edges(edges: DataFrame, selection: Selection) -> DataFrame:
    """The edges ``--evidence`` and ``--as-of`` keep."""
    from pyspark.sql import functions as F

    if selection.evidence is not None:
        edges = edges.filter(F.col("level").isin(*sorted(selection.evidence)))
    if selection.as_of is not None:
        kept = [_STATE_RANK[periods.IN_FORCE]]
        if selection.undated == "include":
            kept.append(_STATE_RANK[periods.UNDATED])
        edges = edges.filter(F.col("state").isin(*kept))
    return edges


def _edge_counts(edges: DataFrame, selection: Selection) -> tuple[dict[str, int], Dating | None]:
    """Edges by evidence level, and with ``as_of`` by state, in one aggregate."""
    counts = {(row["level"], row["state"]): row["count"] for row in edges.groupBy("level", "state").count().collect()}
    evidence = {level: sum(c for (lv, _), c in counts.items() if lv == level) for level in EVIDENCE_LEVELS}
    if selection.as_of is None:
        return evidence, None
    in_force = sum(c for (_, state), c in counts.items() if state == _STATE_RANK[periods.IN_FORCE])
    undated = sum(c for (_, state), c in counts.items() if state == _STATE_RANK[periods.UNDATED])
    return evidence, {
        "as_of": selection.as_of,
        "in_force": in_force,
        "undated": undated,
        "undated_kept": selection.undated == "include",
    }
