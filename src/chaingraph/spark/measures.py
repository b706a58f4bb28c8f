"""The measures of the ``stats`` report on Apache Spark: each one a function of the network's
DataFrames (``nodes`` with a ``node`` id, ``edges`` with ``src -> dst`` = supplier -> client, one row
per distinct pair, self-loops kept), written with Spark's own operators so that Spark distributes it.

Each function computes what its namesake in :mod:`chaingraph.measures.reference` computes, reading
the same direction of the edges, and returns a DataFrame of ``node`` and the value; the tests hold
each one to NetworkX and to the compiled path. Iterative measures are rounds of joins over the
edges, each round's result checkpointed (so a plan never grows with the rounds) and its change
read back as one number that decides whether another round is needed.

Closeness and harmonic centrality come from a breadth-first search from every node, or above the
compiled path's threshold from its seeded sample of sources, found here by the same draw, so both
paths give the same values (and both say they sampled). Measures with no correct distributed method
here are left out, each with the reason (:data:`MEASURES_NOT_ON_SPARK`): never computed approximately without
saying so, never silently missing.

References
----------
.. [1] Page, Brin, Motwani, Winograd, "The PageRank citation ranking: bringing order to the web",
   1999; the power iteration and its stopping rule as ``networkx.pagerank`` runs them.
.. [2] Heule, Nunkesser, Hall, "HyperLogLog in practice", EDBT 2013 (the sketches Spark's
   ``hll_sketch_agg`` builds, from Apache DataSketches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..measures import kernels

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

__all__ = [
    "EXACT_REACH_IDS",
    "FUNCTIONS",
    "HLL_LG_K",
    "HLL_RELATIVE_ERROR",
    "MAX_ROUNDS",
    "MEASURES_NOT_ON_SPARK",
    "SAMPLED",
    "SparkGraph",
    "SparkRun",
    "closeness",
    "component_labels",
    "component_size",
    "dependence",
    "distances",
    "downstream_reach",
    "harmonic",
    "in_degree",
    "node_measures",
    "out_degree",
    "pagerank",
    "sample_size",
    "upstream_reach",
]

#: Up to this many transitive suppliers (or clients) a node's reach is counted exactly, as a set
#: of node ids; above, it is estimated from a HyperLogLog sketch (said in the output). The sets
#: are the memory of the propagation (8 bytes an id, a set per node): at 10^8 firms 256 ids each
#: is 200 GB across a cluster at most, and the compiled path's sketches switch at the same size.
EXACT_REACH_IDS = kernels.REACH_SKETCH
#: log2 of the sketches' register count: Spark's default, 4,096 registers.
HLL_LG_K = 12
#: The sketches' relative standard error, 1.04 / sqrt(2 ** HLL_LG_K): 1.6%.
HLL_RELATIVE_ERROR = 1.04 / (2**HLL_LG_K) ** 0.5
#: Rounds a propagation may take before it is stopped as not converging (a longest chain of
#: suppliers this long would be unheard of; PageRank's own limit is kernels.PAGERANK_MAX_ITER).
MAX_ROUNDS = 10_000

#: The measures of the registry the Spark engine does not compute, and why (printed with the
#: report; their columns are present and empty).
MEASURES_NOT_ON_SPARK = {
    "betweenness": "needs the shortest paths through every node, counted and summed back",
    "articulation_point": "needs a depth-first search of the whole network",
    "hhi": "reads the quantities on supply relations, which the Spark engine's network does not carry yet",
    "top_customer_share": "reads the quantities on supply relations, which the Spark engine's network does not "
    "carry yet",
    "region_hhi": "reads the quantities on supply relations, which the Spark engine's network does not carry yet",
    "group_hhi": "reads the quantities on supply relations, which the Spark engine's network does not carry yet",
}


@dataclass
class SparkGraph:
    """A supply network as Spark DataFrames: ``nodes`` (a ``node`` id, long) and ``edges``
    (``src``, ``dst``: supplier and client ids, distinct pairs), and ``n``, the number of nodes.
    ``names`` (``node``, ``iri``) orders the nodes as the other paths do, for the sampled
    measures' sources; without it the ids are the order."""

    nodes: DataFrame
    edges: DataFrame
    n: int
    cache: dict = field(default_factory=dict, repr=False)
    names: DataFrame | None = None


@dataclass
class SparkRun:
    """Every measure of every node as one DataFrame (``node`` and a column per measure computed),
    the measures estimated for some nodes, those computed from sampled sources (key -> number of
    sources), and those left out with the reason."""

    values: DataFrame
    estimated: list[str]
    left_out: dict[str, str]
    sampled: dict[str, int] = field(default_factory=dict)


def _functions():
    from pyspark.sql import functions

    return functions


def _every_node(graph: SparkGraph, values: DataFrame, name: str, empty: float) -> DataFrame:
    """``values`` (``node`` and ``name``) for every node of ``graph``, ``empty`` where it has none."""
    F = _functions()
    return (
        graph.nodes.select("node")
        .join(values, "node", "left")
        .select("node", F.coalesce(name, F.lit(empty)).alias(name))
    )


def _degree(graph: SparkGraph, end: str, name: str) -> DataFrame:
    F = _functions()
    return _every_node(graph, graph.edges.groupBy(F.col(end).alias("node")).agg(F.count("*").alias(name)), name, 0)


def in_degree(graph: SparkGraph) -> DataFrame:
    """Number of direct suppliers of each node (edges coming in, ``dst``)."""
    return _degree(graph, "dst", "in_degree")


def out_degree(graph: SparkGraph) -> DataFrame:
    """Number of direct clients of each node (edges going out, ``src``)."""
    return _degree(graph, "src", "out_degree")


def _pagerank(graph: SparkGraph, tail: str, head: str, name: str, alpha: float) -> DataFrame:
    """NetworkX's power iteration, round for round: ``x <- alpha * (x P + dangling mass / n) +
    (1 - alpha) / n``, stopped when the change summed over nodes is below ``n * tolerance``.

    The walk goes ``tail -> head``; a node with no edge out is dangling and spreads its value over
    all nodes. Each round's dangling mass and change are read back in one aggregate, so the rounds
    match NetworkX's iterates (and the compiled path's) to rounding.
    """
    F = _functions()
    n = graph.n
    if n == 0:
        return graph.nodes.select("node", F.lit(0.0).alias(name))
    out = graph.edges.groupBy(F.col(tail).alias("node")).agg(F.count("*").alias("degree"))
    weights = (
        graph.edges.select(F.col(tail).alias("node"), F.col(head).alias("target"))
        .join(out, "node")
        .select("node", "target", (F.lit(1.0) / F.col("degree")).alias("weight"))
        .localCheckpoint()
    )
    x = (
        graph.nodes.select("node")
        .join(out, "node", "left")
        .select("node", F.col("degree").isNull().alias("dangling"), F.lit(1.0 / n).alias("x"))
        .localCheckpoint()
    )
    dangling = _sum(x, F.when(F.col("dangling"), F.col("x")).otherwise(0.0))
    for _ in range(kernels.PAGERANK_MAX_ITER):
        shares = x.join(weights, "node").select(
            F.col("target").alias("node"),
            (F.col("x") * F.col("weight")).alias("share"),
            F.lit(None).cast("boolean").alias("dangling"),
            F.lit(None).cast("double").alias("previous"),
        )
        own = x.select("node", F.lit(0.0).alias("share"), "dangling", F.col("x").alias("previous"))
        teleport = (alpha * dangling + 1 - alpha) / n
        x = (
            shares.unionByName(own)
            .groupBy("node")
            .agg(
                (F.lit(alpha) * F.sum("share") + F.lit(teleport)).alias("x"),
                F.max("dangling").alias("dangling"),
                F.max("previous").alias("previous"),
            )
            .localCheckpoint()
        )
        change, dangling = _first(
            x.agg(
                F.sum(F.abs(F.col("x") - F.col("previous"))),
                F.sum(F.when(F.col("dangling"), F.col("x")).otherwise(0.0)),
            )
        )
        dangling = dangling or 0.0
        x = x.select("node", "dangling", "x")
        if change < n * kernels.PAGERANK_TOLERANCE:
            return x.select("node", F.col("x").alias(name))
    import networkx as nx

    raise nx.PowerIterationFailedConvergence(kernels.PAGERANK_MAX_ITER)


def _sum(frame: DataFrame, column: Column) -> float:
    F = _functions()
    return _first(frame.agg(F.sum(column)))[0] or 0.0


def _first(frame: DataFrame):
    """The one row of an aggregate (an aggregate without grouping always has one)."""
    row = frame.first()
    assert row is not None
    return row


def pagerank(graph: SparkGraph, alpha: float = 0.85) -> DataFrame:
    """PageRank along the supply direction (see :func:`chaingraph.measures.reference.pagerank`)."""
    return _pagerank(graph, "src", "dst", "pagerank", alpha)


def dependence(graph: SparkGraph, alpha: float = 0.85) -> DataFrame:
    """PageRank on the reversed edges (see :func:`chaingraph.measures.reference.dependence`)."""
    return _pagerank(graph, "dst", "src", "dependence", alpha)


def _reach(graph: SparkGraph, tail: str, head: str, name: str) -> DataFrame:
    """How many nodes each node reaches along ``tail -> head``, itself excluded.

    Every node holds the set of nodes it reaches and itself, and a HyperLogLog sketch of the same
    set; each round a node takes the union of its own and its heads' (sets joined along the edges,
    sketches with ``hll_union_agg``), until a round changes nothing: as many rounds as the longest
    shortest path. A set that grows past :data:`EXACT_REACH_IDS` is dropped and that node's count
    is the sketch's estimate (column ``<name>_estimated`` true).
    """
    F = _functions()
    state = (
        graph.nodes.groupBy("node")
        .agg(F.hll_sketch_agg("node", HLL_LG_K).alias("sketch"))
        .select("node", F.array("node").alias("members"), "sketch")
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        received = (
            graph.edges.select(F.col(tail).alias("node"), F.col(head).alias("head"))
            .join(state.withColumnRenamed("node", "head"), "head")
            .select(
                "node",
                "members",
                "sketch",
                F.lit(None).cast("binary").alias("before"),
                F.lit(None).cast("int").alias("size_before"),
            )
        )
        own = state.select(
            "node",
            "members",
            "sketch",
            F.col("sketch").alias("before"),
            F.coalesce(F.size("members"), F.lit(-1)).alias("size_before"),
        )
        merged = (
            received.unionByName(own)
            .groupBy("node")
            .agg(
                F.max(F.col("members").isNull()).alias("large"),
                F.array_distinct(F.flatten(F.collect_list("members"))).alias("members"),
                F.hll_union_agg("sketch").alias("sketch"),
                F.max("before").alias("before"),
                F.max("size_before").alias("size_before"),
            )
        )
        bounded = F.when(F.col("large") | (F.size("members") > EXACT_REACH_IDS), F.lit(None)).otherwise(
            F.col("members")
        )
        state = merged.select("node", bounded.alias("members"), "sketch", "before", "size_before").localCheckpoint()
        changed = (
            state.filter(
                (F.coalesce(F.size("members"), F.lit(-1)) != F.col("size_before"))
                | (F.hll_sketch_estimate("sketch") != F.hll_sketch_estimate("before"))  # bytes depend on merge order
            )
            .limit(1)
            .count()
        )
        state = state.select("node", "members", "sketch")
        if not changed:
            break
    else:
        raise RuntimeError(f"{name}: no fixed point after {MAX_ROUNDS} rounds")
    estimate = F.greatest(F.round(F.hll_sketch_estimate("sketch")).cast("long") - 1, F.lit(EXACT_REACH_IDS))
    return state.select(
        "node",
        F.when(F.col("members").isNull(), estimate).otherwise(F.size("members") - 1).cast("long").alias(name),
        F.col("members").isNull().alias(f"{name}_estimated"),
    )


def upstream_reach(graph: SparkGraph) -> DataFrame:
    """Number of transitive suppliers of each node (see :func:`chaingraph.measures.reference.upstream_reach`)."""
    return _reach(graph, "dst", "src", "upstream_reach")


def downstream_reach(graph: SparkGraph) -> DataFrame:
    """Number of transitive clients of each node (see :func:`chaingraph.measures.reference.downstream_reach`)."""
    return _reach(graph, "src", "dst", "downstream_reach")


def component_labels(graph: SparkGraph) -> DataFrame:
    """Each node's weakly connected component (edge direction ignored), as ``node`` and ``label``:
    the smallest node id of the component.

    Each node takes the smallest id among itself and its neighbours, round after round, until no
    label changes (as many rounds as the longest shortest path, direction ignored).
    """
    F = _functions()
    both = graph.edges.select("src", "dst").unionByName(
        graph.edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"))
    )
    neighbours = both.filter(F.col("src") != F.col("dst")).distinct().localCheckpoint()
    labels = graph.nodes.select("node", F.col("node").alias("label")).localCheckpoint()
    for _ in range(MAX_ROUNDS):
        offered = neighbours.join(labels.withColumnRenamed("node", "src"), "src").select(
            F.col("dst").alias("node"), "label", F.lit(None).cast("long").alias("before")
        )
        own = labels.select("node", "label", F.col("label").alias("before"))
        labels = (
            offered.unionByName(own)
            .groupBy("node")
            .agg(F.min("label").alias("label"), F.max("before").alias("before"))
            .localCheckpoint()
        )
        changed = labels.filter(F.col("label") != F.col("before")).limit(1).count()
        labels = labels.select("node", "label")
        if not changed:
            return labels
    raise RuntimeError(f"component_labels: no fixed point after {MAX_ROUNDS} rounds")


def component_size(graph: SparkGraph) -> DataFrame:
    """Number of nodes in each node's weakly connected component, itself included (edge
    direction ignored; see :func:`chaingraph.measures.reference.component_size`): the members of
    each of :func:`component_labels`' labels, counted."""
    F = _functions()
    labels = component_labels(graph)
    sizes = labels.groupBy("label").agg(F.count("*").alias("component_size"))
    return labels.join(sizes, "label").select("node", "component_size")


def sample_size(graph: SparkGraph) -> int | None:
    """How many sources the sampled measures use: every node up to the compiled path's
    threshold (``None``: exact), else its number of samples, as on one machine."""
    return kernels.sample_size(graph.n)


def _sources(graph: SparkGraph, k: int | None, seed: int) -> DataFrame:
    """The sampled measures' sources: every node, or the ``k`` that
    :func:`chaingraph.measures.kernels.sample_sources` draws from the nodes sorted by IRI (its
    draw picks positions from the count alone, so the positions are drawn here and the nodes at
    them found by a distributed sort: each sorted partition's first position is the sum of the
    sizes before it)."""
    import random

    F = _functions()
    if k is None:
        return graph.nodes.select(F.col("node").alias("source"))
    names = graph.names if graph.names is not None else graph.nodes.select("node", F.col("node").alias("iri"))
    ordered = (
        names.orderBy("iri")
        .select("node", F.spark_partition_id().alias("part"), F.monotonically_increasing_id().alias("position"))
        .localCheckpoint()
    )
    parts = ordered.groupBy("part").agg(F.count("*").alias("size"), F.min("position").alias("first")).collect()
    start, offsets = 0, []
    for part in sorted(parts, key=lambda row: row["part"]):
        offsets.append((part["part"], part["first"], start))
        start += part["size"]
    spark = graph.nodes.sparkSession
    offset = spark.createDataFrame(offsets, "part int, first long, start long")
    wanted = spark.createDataFrame([(i,) for i in random.Random(seed).sample(range(graph.n), k)], "rank long")
    ranked = ordered.join(F.broadcast(offset), "part").select(
        "node", (F.col("start") + F.col("position") - F.col("first")).alias("rank")
    )
    return ranked.join(wanted, "rank").select(F.col("node").alias("source"))


def distances(graph: SparkGraph, k: int | None = None, seed: int = kernels.SEED) -> DataFrame:
    """Supply-path distances from the sampled sources (every node when ``k`` is None): one row
    ``source, node, distance`` per node a source reaches, itself excluded. A breadth-first search
    from all sources at once, one round of joins per distance: the frontier's edges out, less the
    pairs already reached."""
    F = _functions()
    key = ("distances", k, seed)
    if key in graph.cache:
        return graph.cache[key]
    edges = graph.edges.filter(F.col("src") != F.col("dst")).select(F.col("src").alias("node"), "dst")
    frontier = _sources(graph, k, seed).select("source", F.col("source").alias("node")).localCheckpoint()
    reached = frontier.withColumn("distance", F.lit(0)).localCheckpoint()
    for distance in range(1, MAX_ROUNDS + 1):
        step = frontier.join(edges, "node").select("source", F.col("dst").alias("node")).distinct()
        found = step.join(reached.select("source", "node"), ["source", "node"], "left_anti").localCheckpoint()
        if found.isEmpty():
            result = reached.filter(F.col("distance") > 0).localCheckpoint()
            graph.cache[key] = result
            return result
        reached = reached.unionByName(found.withColumn("distance", F.lit(distance))).localCheckpoint()
        frontier = found
    raise RuntimeError(f"distances: no end after {MAX_ROUNDS} rounds")


def _sample_scale(graph: SparkGraph, k: int | None) -> tuple[int | None, float]:
    """The number of sources (``None``: every node, as :func:`sample_size` decides when not
    given) and the factor ``(n - 1) / k`` that scales a sample's sums up to every node's."""
    k = sample_size(graph) if k is None else k
    return k, 1.0 if k is None else (graph.n - 1) / k


def closeness(graph: SparkGraph, k: int | None = None, seed: int = kernels.SEED) -> DataFrame:
    """Closeness to the suppliers that reach each node (incoming distance), NetworkX's definition
    with the Wasserman-Faust correction, ``(r / (n - 1)) * (r / total)``; from ``k`` sampled
    sources scaled by ``(n - 1) / k`` as :func:`chaingraph.measures.reference.closeness` does."""
    F = _functions()
    k, scale = _sample_scale(graph, k)
    sums = (
        distances(graph, k, seed).groupBy("node").agg(F.count("*").alias("reached"), F.sum("distance").alias("total"))
    )
    r = F.col("reached") * F.lit(scale)
    value = F.when(F.col("total") > 0, (r / F.lit(max(graph.n - 1, 1))) * (r / (F.col("total") * F.lit(scale))))
    return _every_node(graph, sums.select("node", value.alias("closeness")), "closeness", 0.0)


def harmonic(graph: SparkGraph, k: int | None = None, seed: int = kernels.SEED) -> DataFrame:
    """Sum of ``1 / distance`` from every node that reaches each one along supply edges (not
    normalised, as NetworkX's); from ``k`` sampled sources scaled by ``(n - 1) / k``."""
    F = _functions()
    k, scale = _sample_scale(graph, k)
    sums = distances(graph, k, seed).groupBy("node").agg(F.sum(F.lit(scale) / F.col("distance")).alias("harmonic"))
    return _every_node(graph, sums, "harmonic", 0.0)


#: The Spark function of each measure the engine computes, by registry key.
FUNCTIONS = {
    "in_degree": in_degree,
    "out_degree": out_degree,
    "pagerank": pagerank,
    "dependence": dependence,
    "upstream_reach": upstream_reach,
    "downstream_reach": downstream_reach,
    "component_size": component_size,
    "closeness": closeness,
    "harmonic": harmonic,
}
#: The measures computed from sampled sources above the compiled path's threshold.
SAMPLED = ("closeness", "harmonic")


def node_measures(graph: SparkGraph, progress=None) -> SparkRun:
    """Every measure of the registry the engine computes, joined into one DataFrame by ``node``
    and checkpointed; the measures it leaves out are named with the reason."""
    from ..measures.registry import MEASURES

    F = _functions()
    values = graph.nodes.select("node")
    estimated_columns = []
    left_out = {}
    for key in MEASURES:
        if key in MEASURES_NOT_ON_SPARK:
            left_out[key] = MEASURES_NOT_ON_SPARK[key]
            continue
        if progress:
            progress(key)
        result = FUNCTIONS[key](graph)
        values = values.join(result, "node", "left").localCheckpoint()
        if f"{key}_estimated" in result.columns:
            estimated_columns.append(key)
    flags = (
        values.agg(*(F.max(f"{key}_estimated").alias(key) for key in estimated_columns)).first()
        if estimated_columns
        else None
    )
    estimated = [key for key in estimated_columns if flags and flags[key]]
    k = sample_size(graph)
    sampled = {key: k for key in SAMPLED if k is not None and key in MEASURES}
    return SparkRun(values, estimated, left_out, sampled)
