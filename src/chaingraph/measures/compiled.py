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

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np

from ..projection.groups import owners
from ..projection.model import Projection
from ..sheets.quantities import EdgeQuantities
from . import kernels
from .kernels import SEED, MeasureRun, NodeValues, scaled_betweenness
from .registry import MEASURES
from .shares import BASES, EdgeShares, edge_shares

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
#: Sources per batch of the distance matrix in closeness and harmonic centrality, at most.
DISTANCE_BATCH = 64
#: Distances held at once (sources x nodes, 8 bytes each): 512 MB. At 10M firms a batch of 64
#: sources was a 5 GB matrix, and its temporaries took the run to 22 GiB.
DISTANCE_CELLS = 1 << 26


@dataclass
class AnalysisGraph:
    """A projection's supply network in compiled form: ``n`` nodes, edges ``suppliers[i] -> clients[i]``."""

    projection: Projection

    @property
    def cache(self) -> dict:
        """Results shared between measures: kept on the projection, so every compiled graph of it
        (``stats``' measures and its concentration line, say) computes them once."""
        return self.projection.derived

    @property
    def n(self) -> int:
        return len(self.projection)

    @property
    def nodes(self) -> list[str]:
        return self.projection.nodes

    @property
    def suppliers(self) -> np.ndarray:
        return self.projection.suppliers

    @property
    def clients(self) -> np.ndarray:
        return self.projection.clients

    @cached_property
    def igraph(self):
        """The igraph graph of the supply edges, self-loops left out (no path runs through one)."""
        import igraph

        loops = self.suppliers == self.clients
        edges = np.column_stack((self.suppliers[~loops], self.clients[~loops]))
        return igraph.Graph(n=self.n, edges=edges.tolist(), directed=True)

    @cached_property
    def adjacency(self):
        """The supply edges as a SciPy CSR matrix (supplier rows, client columns)."""
        import scipy.sparse

        ones = np.ones(len(self.suppliers), dtype=np.int8)
        return scipy.sparse.csr_array((ones, (self.suppliers, self.clients)), shape=(self.n, self.n))

    @property
    def quantities(self) -> EdgeQuantities:
        """The edges' quantities (shares, values, volumes): the projection's columns."""
        return self.projection.quantities

    def sample(self, k: int, seed: int) -> list[int]:
        """The same ``k`` seeded source nodes as :func:`kernels.sample_sources`, as indices."""
        index = {node: i for i, node in enumerate(self.nodes)}
        return [index[node] for node in kernels.sample_sources(self.nodes, k, seed)]


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
    closeness and harmonic centrality read the same distances."""
    from scipy.sparse.csgraph import shortest_path

    key = tuple(sources)
    if key in graph.cache:
        return graph.cache[key]
    reached = np.zeros(graph.n, dtype=np.int64)
    total = np.zeros(graph.n, dtype=np.int64)
    inverse = np.zeros(graph.n, dtype=float)
    matrix = graph.adjacency
    size = max(1, min(DISTANCE_BATCH, DISTANCE_CELLS // max(graph.n, 1)))
    for start in range(0, len(sources), size):
        batch = sources[start : start + size]
        distances = shortest_path(matrix, method="D", directed=True, unweighted=True, indices=batch)
        # In place, so a batch costs its matrix and one mask: unreached counts as distance 0.
        distances[np.isinf(distances)] = 0
        reached += np.count_nonzero(distances, axis=0)
        total += distances.sum(axis=0).astype(np.int64)
        np.divide(1.0, distances, out=distances, where=distances > 0)
        inverse += distances.sum(axis=0)
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
    # NetworkX's own SciPy power iteration (networkx.pagerank), on a matrix built from the arrays.
    import scipy.sparse

    if n == 0:
        return np.zeros(0)
    matrix = scipy.sparse.coo_array((np.ones(len(rows)), (rows, columns)), shape=(n, n)).tocsr()
    weights = matrix.sum(axis=1)
    weights[weights != 0] = 1.0 / weights[weights != 0]
    matrix = scipy.sparse.dia_array((weights.T, 0), shape=matrix.shape).tocsr() @ matrix
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(weights == 0)[0]
    for _ in range(kernels.PAGERANK_MAX_ITER):
        previous = x
        x = alpha * (x @ matrix + sum(x[dangling]) * p) + (1 - alpha) * p
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
    pairs = np.unique(a[between].astype(np.int64) * count + b[between])
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
    from scipy.sparse.csgraph import connected_components

    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    _, label = connected_components(graph.adjacency, directed=True, connection="weak")
    return np.bincount(label)[label]


def articulation_points(graph: AnalysisGraph) -> np.ndarray:
    """Whether removing each node splits the chain, edge direction ignored.

    See :func:`reference.articulation_points`."""
    found = np.zeros(graph.n, dtype=bool)
    found[graph.igraph.as_undirected(mode="collapse").articulation_points()] = True
    return found


def single_sourced(graph: AnalysisGraph) -> list[dict]:
    """For each client, the stages it buys from exactly one supplier (see :func:`reference.single_sourced`)."""
    columns = graph.projection.columns
    stages = sorted(set(columns["stage"]))
    stage_id = {stage: i for i, stage in enumerate(stages)}
    supplier_stage = np.asarray([stage_id[s] for s in columns["stage"]], dtype=np.int64)[graph.suppliers]
    keys = graph.clients * len(stages) + supplier_stage
    unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
    findings = []
    for key, position in zip(unique[counts == 1].tolist(), first[counts == 1].tolist(), strict=True):
        supplier = int(graph.suppliers[position])
        findings.append(
            {
                "client": graph.nodes[key // len(stages)],
                "stage": stages[key % len(stages)],
                "stage_label": columns["stage_label"][supplier],
                "supplier": graph.nodes[supplier],
            }
        )
    return findings


@dataclass
class StageGroups:
    """A compiled graph's supply edges (self-loops left out: ``real``) grouped by client and
    supplier stage: the edges with a staged supplier (``staged``, over the real edges), each one's
    ``key``, and each key's client and stage (an index into ``stage_names``)."""

    real: np.ndarray
    staged: np.ndarray
    key: np.ndarray
    client_of_key: np.ndarray
    stage_of_key: np.ndarray
    stage_names: list[str]
    node_stage: np.ndarray


_Found = TypeVar("_Found")


def _once_per_graph(compute: Callable[[AnalysisGraph], _Found]) -> Callable[[AnalysisGraph], _Found]:
    """``compute`` run once per graph, kept in its cache: a ranking runs the cascade for every
    candidate on one graph, and the groups and shares do not change between them."""

    @functools.wraps(compute)
    def cached(graph: AnalysisGraph) -> _Found:
        if compute.__name__ not in graph.cache:
            graph.cache[compute.__name__] = compute(graph)
        return graph.cache[compute.__name__]

    return cached


@_once_per_graph
def stage_groups(graph: AnalysisGraph) -> StageGroups:
    """The (client, supplier stage) groups of ``graph``'s edges."""
    stage_column = graph.projection.columns["stage"]
    real = graph.suppliers != graph.clients  # a self-loop is no supply
    suppliers, clients = graph.suppliers[real], graph.clients[real]
    stage_names = sorted({s for s in stage_column if s})
    stage_id = {s: i for i, s in enumerate(stage_names)}
    node_stage = np.fromiter((stage_id.get(s, -1) for s in stage_column), dtype=np.int64, count=graph.n)
    staged = node_stage[suppliers] >= 0
    width = max(len(stage_names), 1)
    # Keys per (client, stage) pair that has a supplier, not per client and stage: a dense clients
    # x stages table took 1.7 GB for 8,000 firms of one stage each.
    pairs, key = np.unique(clients[staged] * width + node_stage[suppliers][staged], return_inverse=True)
    client_of_key, stage_of_key = np.divmod(pairs, width)
    return StageGroups(real, staged, key.reshape(-1), client_of_key, stage_of_key, stage_names, node_stage)


@_once_per_graph
def real_quantities(graph: AnalysisGraph) -> EdgeQuantities:
    """The quantities of the real edges (self-loops left out), in their order."""
    return graph.quantities.take(stage_groups(graph).real)


@_once_per_graph
def purchase_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each staged real edge's share of its client's purchases of the stage, and each group's basis."""
    groups = stage_groups(graph)
    quantities = real_quantities(graph).take(groups.staged)
    return edge_shares(groups.key, len(groups.client_of_key), quantities.client_share, quantities)


@_once_per_graph
def supply_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each real edge's share of its client's purchases of everything, and each client's basis."""
    quantities = real_quantities(graph)
    return edge_shares(graph.clients[stage_groups(graph).real], graph.n, None, quantities)


@_once_per_graph
def sales_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each real edge's share of its supplier's sales, and each supplier's basis."""
    quantities = real_quantities(graph)
    return edge_shares(graph.suppliers[stage_groups(graph).real], graph.n, quantities.supplier_share, quantities)


@_once_per_graph
def purchase_group_hhi(graph: AnalysisGraph) -> np.ndarray:
    """The HHI of each (client, supplier stage) purchase, by :func:`stage_groups`' keys."""
    groups = stage_groups(graph)
    shares = purchase_shares(graph).share
    return 10_000 * np.bincount(groups.key, weights=shares * shares, minlength=len(groups.client_of_key))


def purchase_hhi(graph: AnalysisGraph) -> np.ndarray:
    """The HHI of each firm's most concentrated input stage (see :func:`reference.purchase_hhi`)."""
    found = np.zeros(graph.n)
    np.maximum.at(found, stage_groups(graph).client_of_key, purchase_group_hhi(graph))
    return found


def region_hhi(graph: AnalysisGraph) -> np.ndarray:
    """Each firm's purchase HHI with suppliers summed by province (see :func:`reference.region_hhi`)."""
    province = graph.projection.columns["province"]
    ids: dict[object, int] = {}
    # An unknown province is a group of the supplier's own.
    group = np.fromiter(
        (ids.setdefault(place or ("", i), len(ids)) for i, place in enumerate(province)), dtype=np.int64, count=graph.n
    )
    return _grouped_purchase_hhi(graph, group)


def group_hhi(graph: AnalysisGraph) -> np.ndarray:
    """Each firm's purchase HHI with suppliers summed by owner group (see :func:`reference.group_hhi`)."""
    return _grouped_purchase_hhi(graph, owners(graph.projection))


def _grouped_purchase_hhi(graph: AnalysisGraph, group: np.ndarray) -> np.ndarray:
    """:func:`purchase_hhi` with each purchase's shares summed by ``group`` (an id per node) first."""
    groups = stage_groups(graph)
    shares = purchase_shares(graph).share
    staged_suppliers = graph.suppliers[groups.real][groups.staged]
    width = int(group.max()) + 1 if graph.n else 1
    # One entry per (purchase, supplier group): the shares summed, then squared per purchase.
    pair = groups.key.astype(np.int64) * width + group[staged_suppliers]
    unique, inverse = np.unique(pair, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=shares, minlength=len(unique))
    per_purchase = 10_000 * np.bincount(unique // width, weights=summed * summed, minlength=len(groups.client_of_key))
    found = np.zeros(graph.n)
    np.maximum.at(found, groups.client_of_key, per_purchase)
    return found


def top_customer_share(graph: AnalysisGraph) -> np.ndarray:
    """The share of each firm's sales its largest client takes (see :func:`reference.top_customer_share`)."""
    found = np.zeros(graph.n)
    np.maximum.at(found, graph.suppliers[stage_groups(graph).real], sales_shares(graph).share)
    return found


def concentrated_purchases(graph: AnalysisGraph, hhi_above: float = 0.0) -> list[dict]:
    """Each firm's purchase of one input stage whose HHI (0-10,000, the suppliers' shares by the
    share rule of :func:`.shares.group_shares`) is above ``hhi_above``, most concentrated first:
    the single-sourced finding with a threshold.

    Parameters
    ----------
    graph : AnalysisGraph
        Supply edges supplier -> client; each client's purchases are grouped by the suppliers'
        stage (self-loops and unstaged suppliers in none), as :func:`stage_groups` does.
    hhi_above : float
        Keep the purchases whose HHI is strictly above this (10,000: one supplier with all of it).

    Returns
    -------
    list of dict
        ``client``, ``stage``, ``suppliers`` (how many), ``hhi``, ``top_supplier`` and
        ``top_share`` (the supplier with the largest share, the first by id on a tie) and
        ``basis`` (what the shares rest on: one of :data:`.shares.BASES`); sorted by HHI, highest
        first, then by client id.

    Notes
    -----
    A single supplier whose stated share is 0.6 gives an HHI of 3,600: the rest of that input
    is bought elsewhere, from suppliers the data does not name.
    """
    groups = stage_groups(graph)
    if not len(groups.client_of_key):  # no staged purchase at all
        return []
    by_key, shares = purchase_group_hhi(graph), purchase_shares(graph)
    suppliers = graph.suppliers[groups.real][groups.staged]
    counts = np.bincount(groups.key, minlength=len(by_key))
    # Each key's edges in a run, largest share first (then lowest supplier id): the run's first is its top.
    order = np.lexsort((suppliers, -shares.share, groups.key))
    starts = order[np.flatnonzero(np.r_[True, groups.key[order][1:] != groups.key[order][:-1]])]
    wanted = np.flatnonzero(by_key > hhi_above)
    nodes = graph.nodes
    rows = [
        {
            "client": nodes[groups.client_of_key[k]],
            "stage": groups.stage_names[groups.stage_of_key[k]],
            "suppliers": int(counts[k]),
            "hhi": float(by_key[k]),
            "top_supplier": nodes[suppliers[starts[k]]],
            "top_share": float(shares.share[starts[k]]),
            "basis": BASES[shares.basis[k]],
        }
        for k in wanted.tolist()
    ]
    rows.sort(key=lambda row: (-row["hhi"], row["client"]))
    return rows


def concentration_summary(graph: AnalysisGraph) -> dict:
    """How concentrated the network's purchases are, and what the shares rest on: the number of
    (client, input stage) purchases, how many have an HHI above 2,500 (highly concentrated in the
    2010 US Horizontal Merger Guidelines) and above 1,800 (the 2023 Merger Guidelines), and how many
    purchases and sellers had their shares from each basis (:data:`.shares.BASES`)."""
    by_key = purchase_group_hhi(graph)
    selling = np.bincount(graph.suppliers[stage_groups(graph).real], minlength=graph.n) > 0
    return {
        "purchases": len(by_key),
        "above_2500": int((by_key > 2500).sum()),
        "above_1800": int((by_key > 1800).sum()),
        "purchase_bases": _basis_counts(purchase_shares(graph).basis),
        "sales_bases": _basis_counts(sales_shares(graph).basis[selling]),
    }


def _basis_counts(basis: np.ndarray) -> dict[str, int]:
    counts = np.bincount(basis, minlength=len(BASES))
    return {name: int(count) for name, count in zip(BASES, counts.tolist(), strict=True) if count}


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
    k = kernels.sample_size(graph.n, exact=exact, samples=samples, threshold=threshold)
    values: dict[str, NodeValues] = {}
    sampled: dict[str, int] = {}
    index = {node: i for i, node in enumerate(graph.nodes)}
    for key, info in MEASURES.items():
        if progress:
            progress(key)
        function = FUNCTIONS[key]
        if info.sampled:
            array = function(graph, k=k, seed=seed)
            if k is not None:
                sampled[key] = k
        elif key in ("upstream_reach", "downstream_reach"):
            array = function(graph, exact=exact or None)
        else:
            array = function(graph)
        values[key] = NodeValues(graph.nodes, index, np.asarray(array))
    estimated = [key for key in ("upstream_reach", "downstream_reach") if reach_is_estimated(graph, exact)]
    return MeasureRun(values, sampled, estimated)
