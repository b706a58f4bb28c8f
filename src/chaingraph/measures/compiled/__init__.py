"""The compiled analysis graph: the measures of :mod:`chaingraph.measures.reference` on arrays, igraph and SciPy.

Built straight from the projection's columns (integer edge arrays), never through NetworkX, for
networks too large for a Python object per edge. Each function computes exactly what its namesake in
:mod:`chaingraph.measures.reference` computes, reading the same direction of the edges (supplier -> client),
and returns one value per node in projection order as a NumPy array. NetworkX stays the reference:
the tests run both on random graphs and on the bundled graph and require the same numbers (1e-9).

Chosen by measurement (docs/benchmarks.md): igraph for betweenness, articulation points and exact
reach counts (one breadth-first search per node, in C), SciPy sparse matrices for distances,
PageRank (the power iteration NetworkX itself runs, so the numbers agree to the last digits) and
strongly connected components.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from ..._runtime.arrays import sorted_unique
from .. import kernels
from ..kernels import SEED, MeasureRun, NodeValues, scaled_betweenness
from ._graph import AnalysisGraph
from ._purchases import (
    StageGroups,
    concentrated_purchases,
    concentration_summary,
    group_hhi,
    purchase_group_hhi,
    purchase_hhi,
    purchase_shares,
    real_quantities,
    region_hhi,
    sales_shares,
    single_sourced,
    stage_groups,
    supply_shares,
    top_customer_share,
)

__all__ = [
    "DISTANCE_BATCH",
    "DISTANCE_CELLS",
    "FUNCTIONS",
    "REACH_WORK_LIMIT",
    "REACH_WORK_SAMPLE",
    "AnalysisGraph",
    "StageGroups",
    "articulation_points",
    "betweenness",
    "closeness",
    "component_size",
    "concentrated_purchases",
    "concentration_summary",
    "condensation",
    "dependence",
    "downstream_reach",
    "group_hhi",
    "harmonic",
    "in_degree",
    "node_measures",
    "out_degree",
    "pagerank",
    "purchase_group_hhi",
    "purchase_hhi",
    "purchase_shares",
    "reach_is_estimated",
    "real_quantities",
    "region_hhi",
    "sales_shares",
    "single_sourced",
    "stage_groups",
    "supply_shares",
    "top_customer_share",
    "upstream_reach",
]

#: Exact reach counts while the searches would visit at most this many nodes in all; above,
#: bottom-k sketch estimates (as kernels.sketched_counts), reported as estimated. Measured at 1M
#: firms: igraph's searches visit about 3.6M nodes a second, so this limit is under five minutes a
#: direction, while sketches cost about 90 s per million firms whatever the reach.
REACH_WORK_LIMIT = 1_000_000_000
#: Searches sampled to project that work.
REACH_WORK_SAMPLE = 1_000
#: Sources per batch in closeness and harmonic centrality, at most: the sums of ``1 / distance``
#: are a batch's, then the total's (the order SciPy's distance matrices added them in, batches of
#: 128 MB: 8-byte distances x nodes, kept so every figure stays the same to the last bit).
DISTANCE_BATCH = 64
#: Distances a batch covered (sources x nodes): up to 262,144 nodes a batch is 64 sources.
DISTANCE_CELLS = 1 << 24


def in_degree(graph: AnalysisGraph) -> np.ndarray:
    """Number of direct suppliers of each node (edges coming in)."""
    return np.bincount(graph.clients, minlength=graph.n)


def out_degree(graph: AnalysisGraph) -> np.ndarray:
    """Number of direct clients of each node (edges going out)."""
    return np.bincount(graph.suppliers, minlength=graph.n)


def betweenness(graph: AnalysisGraph, k: int | None = None, seed: int = SEED) -> np.ndarray:
    """Share of supplier-to-client shortest paths through each node (see :func:`reference.betweenness`)."""
    n = graph.n
    if k is not None and k >= n:
        k = None
    return scaled_betweenness(graph.igraph, None if k is None else graph.sample(k, seed))


def _distance_sums(graph: AnalysisGraph, sources: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every node: how many of ``sources`` reach it, their total distance, and the sum of
    ``1 / distance`` (each source's own zero distance left out). Computed once per set of sources:
    closeness and harmonic centrality read the same distances.

    A breadth-first search from each source (igraph's), its layers the distances: only the nodes
    it reaches are touched, where a row of SciPy's distance matrix held every node (at 100k firms
    a third of the time and 50 MB less). The sums of ``1 / distance`` are added in the order the
    matrix added them (a batch of sources summed, then added to the total), so every figure is
    the same to the last bit.
    """
    key = tuple(sources)
    if key in graph.cache:
        return graph.cache[key]
    reached = np.zeros(graph.n, dtype=np.int64)
    total = np.zeros(graph.n, dtype=np.int64)
    inverse = np.zeros(graph.n, dtype=float)
    search = graph.igraph
    size = max(1, min(DISTANCE_BATCH, DISTANCE_CELLS // max(graph.n, 1)))
    for start in range(0, len(sources), size):
        batch = np.zeros(graph.n, dtype=float)
        for source in sources[start : start + size]:
            order, layers, _ = search.bfs(source, mode="out")
            found = np.asarray(order[1:], dtype=np.int64)  # the source itself is first, at distance 0
            distance = np.repeat(np.arange(1, len(layers) - 1, dtype=np.int64), np.diff(layers)[1:])
            reached[found] += 1
            total[found] += distance
            batch[found] += 1.0 / distance
        inverse += batch
    graph.cache[key] = (reached, total, inverse)
    return reached, total, inverse


def closeness(graph: AnalysisGraph, k: int | None = None, seed: int = SEED) -> np.ndarray:
    """Closeness to each node's upstream, Wasserman-Faust corrected (see :func:`reference.closeness`)."""
    n = graph.n
    if n <= 1:
        return np.zeros(n)
    k = n if k is None else min(k, n)
    exact = k == n
    sources = list(range(n)) if exact else graph.sample(k, seed)
    reached, total, _ = _distance_sums(graph, sources)
    result = np.zeros(n)
    has = total > 0
    if exact:
        # NetworkX: ((r) / total) * (r / (n - 1)), in that order.
        r = reached[has].astype(float)
        result[has] = (r / total[has]) * (r / (n - 1))
        return result
    scale = (n - 1) / k
    r = reached[has] * scale
    result[has] = (r / (n - 1)) * (r / (total[has] * scale))
    return result


def harmonic(graph: AnalysisGraph, k: int | None = None, seed: int = SEED) -> np.ndarray:
    """Sum of ``1 / distance`` from every node that reaches this one (see :func:`reference.harmonic`)."""
    n = graph.n
    if k is None or k >= n:
        return _distance_sums(graph, list(range(n)))[2]
    return _distance_sums(graph, graph.sample(k, seed))[2] * ((n - 1) / k)


def _pagerank(n: int, rows: np.ndarray, columns: np.ndarray, alpha: float) -> np.ndarray:
    """NetworkX's own SciPy power iteration (``networkx.pagerank``), in NumPy alone: the edges
    counted into a row-stochastic matrix's nonzeros, in row order, and ``x @ matrix`` as SciPy
    computes it (each column's sum taken over the rows in order; ``np.bincount`` adds in array
    order), so every figure is SciPy's to the last bit, without SciPy's 0.1 s import."""
    if n == 0:
        return np.zeros(0)
    ordered = np.sort(rows.astype(np.int64) * n + columns)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(ordered))).astype(float)  # duplicate edges summed
    nonzero_rows, nonzero_columns = ordered[starts] // n, ordered[starts] % n
    weights = np.bincount(rows, minlength=n).astype(float)  # the matrix's row sums
    weights[weights != 0] = 1.0 / weights[weights != 0]
    data = weights[nonzero_rows] * counts  # diag(weights) @ matrix
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(weights == 0)[0]
    for _ in range(kernels.PAGERANK_MAX_ITER):
        previous = x
        spread = np.bincount(nonzero_columns, weights=data * x[nonzero_rows], minlength=n)  # x @ matrix
        x = alpha * (spread + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - previous).sum() < n * kernels.PAGERANK_TOLERANCE:
            return x
    import networkx as nx

    raise nx.PowerIterationFailedConvergence(kernels.PAGERANK_MAX_ITER)


def pagerank(graph: AnalysisGraph, alpha: float = 0.85) -> np.ndarray:
    """PageRank along the supply direction (see :func:`reference.pagerank`). Sums to 1."""
    return _pagerank(graph.n, graph.suppliers, graph.clients, alpha)


def dependence(graph: AnalysisGraph, alpha: float = 0.85) -> np.ndarray:
    """PageRank on the reversed edges (see :func:`reference.dependence`). Sums to 1."""
    return _pagerank(graph.n, graph.clients, graph.suppliers, alpha)


def upstream_reach(graph: AnalysisGraph, exact: bool | None = None) -> np.ndarray:
    """Number of transitive suppliers of each node (see :func:`reference.upstream_reach`)."""
    return _reach_counts(graph, "in", exact)


def downstream_reach(graph: AnalysisGraph, exact: bool | None = None) -> np.ndarray:
    """Number of transitive clients of each node (see :func:`reference.downstream_reach`)."""
    return _reach_counts(graph, "out", exact)


def condensation(n: int, sources: np.ndarray, targets: np.ndarray):
    """Strongly connected components and the DAG between them.

    Returns ``(component, order, children)``: each node's component, the components in topological
    order, and each component's successors as lists.
    """
    import igraph
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    matrix = scipy.sparse.coo_array((np.ones(len(sources), dtype=np.int8), (sources, targets)), shape=(n, n))
    count, component = connected_components(matrix.tocsr(), directed=True, connection="strong")
    a, b = component[sources], component[targets]
    between = a != b
    pairs = sorted_unique(a[between].astype(np.int64) * count + b[between])
    heads, tails = pairs // count, pairs % count
    dag = igraph.Graph(n=count, edges=np.column_stack((heads, tails)).tolist(), directed=True)
    order = dag.topological_sorting()
    starts = np.searchsorted(heads, np.arange(count + 1))
    tails_list = tails.tolist()
    children = [tails_list[starts[c] : starts[c + 1]] for c in range(count)]
    return component, order, children


def reach_is_estimated(graph: AnalysisGraph, exact: bool | None = None) -> bool:
    """Whether the compiled reach counts are sketch estimates: only when exact counting would visit
    more than :data:`REACH_WORK_LIMIT` nodes, projected from a seeded sample of searches."""
    if exact or graph.n == 0:
        return False
    if "reach_work" not in graph.cache:
        sample = random.Random(0).sample(range(graph.n), min(graph.n, REACH_WORK_SAMPLE))
        mean = max(
            np.mean(graph.igraph.neighborhood_size(vertices=sample, order=graph.n, mode=mode, mindist=1))
            for mode in ("in", "out")
        )
        graph.cache["reach_work"] = mean * graph.n
    return graph.cache["reach_work"] > REACH_WORK_LIMIT


def _reach_counts(graph: AnalysisGraph, mode: str, exact: bool | None) -> np.ndarray:
    # Exact counts are one breadth-first search per node in igraph (C): work in proportion to the
    # sum of the counts. Measured: 14x faster than bitsets over the condensation at 100k firms,
    # 7 s against 45 s for bottom-k sketches at 1M firms.
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    if not reach_is_estimated(graph, exact):
        return np.asarray(graph.igraph.neighborhood_size(order=graph.n, mode=mode, mindist=1), dtype=np.int64)
    sources, targets = (graph.suppliers, graph.clients) if mode == "out" else (graph.clients, graph.suppliers)
    component, order, children = condensation(graph.n, sources, targets)
    return np.asarray(kernels.sketched_counts(order, children, component), dtype=np.int64)[component]


def component_size(graph: AnalysisGraph) -> np.ndarray:
    """Number of nodes in each node's weakly connected component (see :func:`reference.component_size`)."""
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    # igraph's, on the graph the other searches use (no SciPy matrix built for this alone)
    label = np.asarray(graph.igraph.connected_components(mode="weak").membership, dtype=np.int64)
    return np.bincount(label)[label]


def articulation_points(graph: AnalysisGraph) -> np.ndarray:
    """Whether removing each node splits the chain, edge direction ignored.

    See :func:`reference.articulation_points`."""
    found = np.zeros(graph.n, dtype=bool)
    found[graph.igraph.as_undirected(mode="collapse").articulation_points()] = True
    return found


#: The compiled function of each measure of :data:`MEASURES`, by key.
FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "in_degree": in_degree,
    "out_degree": out_degree,
    "betweenness": betweenness,
    "closeness": closeness,
    "harmonic": harmonic,
    "pagerank": pagerank,
    "dependence": dependence,
    "upstream_reach": upstream_reach,
    "downstream_reach": downstream_reach,
    "component_size": component_size,
    "articulation_point": articulation_points,
    "hhi": purchase_hhi,
    "region_hhi": region_hhi,
    "group_hhi": group_hhi,
    "top_customer_share": top_customer_share,
}


def node_measures(
    graph: AnalysisGraph,
    *,
    exact: bool = False,
    samples: int = kernels.DEFAULT_SAMPLES,
    threshold: int = kernels.SAMPLING_THRESHOLD,
    seed: int = SEED,
    progress: Callable[[str], None] | None = None,
) -> MeasureRun:
    """Every measure of :data:`MEASURES` for every node, as :func:`reference.node_measures`
    computes them (same sampling, same estimates), keyed by node IRI."""
    index = {node: i for i, node in enumerate(graph.nodes)}
    settings = kernels.MeasureSettings(exact, samples, threshold, seed, progress)
    values, sampled = kernels.measure_all(
        FUNCTIONS, graph, graph.n, settings, lambda found: NodeValues(graph.nodes, index, np.asarray(found))
    )
    estimated = [key for key in ("upstream_reach", "downstream_reach") if reach_is_estimated(graph, exact)]
    return MeasureRun(values, sampled, estimated)
