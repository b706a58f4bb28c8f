"""Centrality and supply-chain risk measures: pure functions over the supply ``DiGraph``.

Edges point supplier -> client, the way goods flow. Each function says which direction it reads
and why; each returns plain dicts or records and never prints. Large graphs: betweenness,
closeness and harmonic centrality take ``k``, a number of sampled source nodes (seeded), and are
exact when ``k`` is ``None``.

Eigenvector and Katz centrality are deliberately absent: on an acyclic supply chain the
eigenvector of the adjacency matrix is zero everywhere, which would read as "nobody matters".
PageRank's teleportation keeps it meaningful on acyclic graphs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx

#: Above this many nodes, ``node_measures`` samples betweenness, closeness and harmonic centrality.
SAMPLING_THRESHOLD = 2_000
#: Above this many nodes, betweenness runs in igraph (compiled) when it is installed.
FAST_BACKEND_THRESHOLD = 2_000
#: Up to this many nodes, reach counts are exact; above, estimated from bottom-k sketches.
EXACT_REACH_LIMIT = 200_000
#: Size of the reach sketches: relative error about 1 / sqrt(REACH_SKETCH - 2), 6% at 256.
REACH_SKETCH = 256
#: Source nodes sampled for the approximated measures.
DEFAULT_SAMPLES = 256
#: Per-node convergence tolerance of PageRank; NetworkX's default (1e-6) leaves errors of a few
#: percent on graphs of thousands of nodes.
PAGERANK_TOLERANCE = 1e-10
#: Enough iterations for that tolerance: the error shrinks by the damping factor (0.85) per step.
PAGERANK_MAX_ITER = 1_000
#: Up to this many nodes PageRank runs in pure Python (no SciPy import).
SMALL_GRAPH = 500


def in_degree(graph: nx.DiGraph) -> dict[str, int]:
    """Number of direct suppliers of each node (edges coming in)."""
    return dict(graph.in_degree())


def out_degree(graph: nx.DiGraph) -> dict[str, int]:
    """Number of direct clients of each node (edges going out)."""
    return dict(graph.out_degree())


def betweenness(graph: nx.DiGraph, k: int | None = None, seed: int = 42, backend: str = "auto") -> dict[str, float]:
    """Share of supplier-to-client shortest paths that pass through each node, normalised to [0, 1].

    Directed: only paths that follow the flow of goods count, so a node scores when it sits
    between upstream and downstream firms: a broker or a single route. With ``k``, the paths
    start at ``k`` seeded sample nodes and the sums are scaled by ``n / k`` (NetworkX's estimator).

    ``backend``: ``networkx`` (the reference), ``igraph`` (compiled; same definition, tested to
    agree), or ``auto`` (igraph above :data:`FAST_BACKEND_THRESHOLD` nodes when it is installed).
    """
    n = graph.number_of_nodes()
    if k is not None and k >= n:
        k = None
    if _use_igraph(graph, backend):
        sources = None if k is None else _sample(graph, k, seed)
        return _igraph_betweenness(graph, sources)
    if k is None:
        return nx.betweenness_centrality(graph, normalized=True)
    sources = _sample(graph, k, seed)
    raw = nx.betweenness_centrality_subset(graph, sources, list(graph), normalized=False)
    scale = (n / k) / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {node: value * scale for node, value in raw.items()}


def _use_igraph(graph: nx.DiGraph, backend: str) -> bool:
    if backend == "networkx":
        return False
    if backend not in ("auto", "igraph"):
        raise ValueError(f"unknown backend {backend!r}")
    if backend == "auto" and graph.number_of_nodes() < FAST_BACKEND_THRESHOLD:
        return False
    try:
        import igraph  # noqa: F401
    except ImportError:
        if backend == "igraph":
            raise
        return False
    return True


def _igraph_betweenness(graph: nx.DiGraph, sources: list[str] | None) -> dict[str, float]:
    import igraph

    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    compiled = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges if a != b], directed=True)
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    if sources is None:
        raw = compiled.betweenness(directed=True)
        scale = 1 / ((n - 1) * (n - 2))
    else:
        raw = compiled.betweenness(directed=True, sources=[index[s] for s in sources])
        scale = (n / len(sources)) / ((n - 1) * (n - 2))
    return {node: raw[i] * scale for i, node in enumerate(nodes)}


def closeness(graph: nx.DiGraph, k: int | None = None, seed: int = 42) -> dict[str, float]:
    """How near each node is to the suppliers that can reach it (incoming distance).

    NetworkX's definition with the Wasserman-Faust correction: ``(r / (n - 1)) * (r / total)``
    where ``r`` nodes reach the node along supply edges at total distance ``total``. High values
    mark firms that their whole upstream reaches in few steps. With ``k``, distances are measured
    from ``k`` sampled nodes and scaled up.
    """
    if k is None or k >= graph.number_of_nodes():
        return nx.closeness_centrality(graph, wf_improved=True)
    n = graph.number_of_nodes()
    reached: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for source in _sample(graph, k, seed):
        for target, distance in nx.single_source_shortest_path_length(graph, source).items():
            if target != source:
                reached[target] += 1
                total[target] += distance
    scale = (n - 1) / k
    result = {}
    for node in graph:
        r = reached.get(node, 0) * scale
        result[node] = (r / (n - 1)) * (r / (total[node] * scale)) if total.get(node) else 0.0
    return result


def harmonic(graph: nx.DiGraph, k: int | None = None, seed: int = 42) -> dict[str, float]:
    """Sum of ``1 / distance`` from every node that reaches this one along supply edges.

    Unlike closeness it is defined on disconnected graphs without a correction, so it compares
    firms across separate chains. With ``k``, the sum over ``k`` sampled sources is scaled by
    ``(n - 1) / k``.
    """
    if k is None or k >= graph.number_of_nodes():
        return {node: float(value) for node, value in nx.harmonic_centrality(graph).items()}
    scale = (graph.number_of_nodes() - 1) / k
    result = dict.fromkeys(graph, 0.0)
    for source in _sample(graph, k, seed):
        for target, distance in nx.single_source_shortest_path_length(graph, source).items():
            if distance:
                result[target] += scale / distance
    return result


def pagerank(graph: nx.DiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank along the supply direction: importance flows from suppliers to their clients.

    High for firms that collect many (important) suppliers: the integrators a chain is built
    around, such as a cell maker. Sums to 1.
    """
    if graph.number_of_nodes() == 0:
        return {}
    return _pagerank(graph, alpha)


def dependence(graph: nx.DiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank on the reversed graph: importance flows from clients to their suppliers.

    High for suppliers that many (important) firms depend on, directly or through others. Sums to 1.
    """
    if graph.number_of_nodes() == 0:
        return {}
    return _pagerank(graph.reverse(copy=False), alpha)


def _pagerank(graph: nx.DiGraph, alpha: float) -> dict[str, float]:
    # NetworkX's pure-Python PageRank for small graphs: the same algorithm as nx.pagerank without
    # importing SciPy, which costs more than half a second of start-up on the bundled graph.
    if graph.number_of_nodes() <= SMALL_GRAPH:
        from networkx.algorithms.link_analysis import pagerank_alg

        python_pagerank = getattr(pagerank_alg, "_pagerank_python", None)
        if python_pagerank is not None:
            return python_pagerank(graph, alpha=alpha, tol=PAGERANK_TOLERANCE, max_iter=PAGERANK_MAX_ITER)
    return nx.pagerank(graph, alpha=alpha, tol=PAGERANK_TOLERANCE, max_iter=PAGERANK_MAX_ITER)


def upstream_reach(graph: nx.DiGraph, exact: bool | None = None) -> dict[str, int]:
    """Number of transitive suppliers of each node (nodes with a supply path to it).

    Exact up to :data:`EXACT_REACH_LIMIT` nodes (or when ``exact``); estimated above (see
    :func:`reach_is_estimated`).
    """
    return _reach_counts(graph.reverse(copy=False), exact)


def downstream_reach(graph: nx.DiGraph, exact: bool | None = None) -> dict[str, int]:
    """Number of transitive clients of each node (nodes its supplies reach). Exact or estimated as
    :func:`upstream_reach`."""
    return _reach_counts(graph, exact)


def reach_is_estimated(graph: nx.DiGraph, exact: bool | None = None) -> bool:
    """Whether the reach counts of ``graph`` are sketch estimates rather than exact counts."""
    return not exact and graph.number_of_nodes() > EXACT_REACH_LIMIT


def _reach_counts(graph: nx.DiGraph, exact: bool | None) -> dict[str, int]:
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    counts = _sketched_reach(condensed) if reach_is_estimated(graph, exact) else _exact_reach(condensed)
    return {node: counts[members[node]] for node in graph}


def _exact_reach(condensed: nx.DiGraph) -> dict[int, int]:
    # Reachability as integer bitsets over the condensation, children before parents: one pass,
    # no per-node traversal. Components are numbered in topological order, so a set of
    # descendants only holds bits above its own; multi-member components (cycles) add their extra
    # members. Cost: one OR per edge and one popcount per node.
    size = {c: len(condensed.nodes[c]["members"]) for c in condensed}
    multi_mask = sum(1 << c for c in condensed if size[c] > 1)
    reach: dict[int, int] = {}
    counts: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        bits = 0
        for child in condensed.successors(component):
            bits |= reach[child] | (1 << child)
        reach[component] = bits
        extra = sum(size[c] - 1 for c in _bit_indices(bits & multi_mask)) if bits & multi_mask else 0
        counts[component] = bits.bit_count() + extra + size[component] - 1
    return counts


def _bit_indices(bits: int) -> Iterable[int]:
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def _sketched_reach(condensed: nx.DiGraph, seed: int = 42) -> dict[int, int]:
    # Cohen's bottom-k size estimation: each node gets a random rank; a component's sketch keeps
    # the k smallest ranks among its descendants. Fewer than k ranks means the count is exact.
    import numpy as np

    rng = np.random.default_rng(seed)
    k = REACH_SKETCH
    ranks = {c: np.sort(rng.random(len(condensed.nodes[c]["members"]))) for c in condensed}
    sketch: dict[int, np.ndarray] = {}
    counts: dict[int, int] = {}
    empty = np.empty(0)
    for component in reversed(list(nx.topological_sort(condensed))):
        parts = [part for child in condensed.successors(component) for part in (sketch[child], ranks[child])]
        merged = np.unique(np.concatenate(parts))[:k] if parts else empty
        sketch[component] = merged
        inside = len(ranks[component]) - 1
        if len(merged) < k:
            counts[component] = len(merged) + inside
        else:
            counts[component] = round((k - 1) / merged[k - 1]) + inside
    return counts


def articulation_points(graph: nx.DiGraph) -> set[str]:
    """Nodes whose removal splits the chain, ignoring edge direction.

    Undirected because a firm that is the only link between two groups cuts them apart whichever
    way the goods flow.
    """
    return set(nx.articulation_points(graph.to_undirected(as_view=True)))


def bridges(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """Supply edges whose removal splits the chain (edge direction ignored), as supplier, client."""
    undirected = graph.to_undirected(as_view=True)
    found = []
    for a, b in nx.bridges(undirected):
        found.append((a, b) if graph.has_edge(a, b) else (b, a))
    return sorted(found)


def single_sourced(graph: nx.DiGraph) -> list[dict]:
    """For each client, the stages it buys from exactly one supplier (a single point of failure).

    Reads incoming edges: the suppliers of each client, grouped by the supplier's chain stage.
    Suppliers with no stage are grouped under ``""``.
    """
    findings = []
    for client in graph:
        by_stage: dict[str, list[str]] = defaultdict(list)
        for supplier in graph.predecessors(client):
            by_stage[graph.nodes[supplier].get("stage", "")].append(supplier)
        for stage, suppliers in sorted(by_stage.items()):
            if len(suppliers) == 1:
                findings.append(
                    {
                        "client": client,
                        "stage": stage,
                        "stage_label": graph.nodes[suppliers[0]].get("stage_label", ""),
                        "supplier": suppliers[0],
                    }
                )
    return findings


LOCAL_LEVELS = ("county", "prefecture", "province")


def local_sourcing(graph: nx.DiGraph, node: str) -> dict[str, dict]:
    """Share of a node's suppliers located in its own county, prefecture and province.

    Reads incoming edges. Each level counts only suppliers whose place at that level is known
    (``known``); suppliers without a location are reported as ``unknown``. The share is of
    supplier relations, not of purchase volume.
    """
    result = {}
    here = graph.nodes[node]
    suppliers = list(graph.predecessors(node))
    for level in LOCAL_LEVELS:
        if not here.get(level):
            result[level] = {"local": 0, "known": 0, "unknown": len(suppliers), "share": None}
            continue
        known = [s for s in suppliers if graph.nodes[s].get("places")]
        local = [s for s in known if graph.nodes[s].get(level) == here[level]]
        result[level] = {
            "local": len(local),
            "known": len(known),
            "unknown": len(suppliers) - len(known),
            "share": len(local) / len(known) if known else None,
        }
    return result


def cluster_local_sourcing(graph: nx.DiGraph, chain: str) -> dict:
    """Share of supply relations into a chain's regional firms that come from inside the region.

    A client counts when it belongs to ``chain`` and lies in the chain's region; a supplier is
    local when it lies in the region too. Suppliers with no known location are counted apart.
    """
    info = graph.graph["chains"][chain]
    region = info.get("region")
    local = known = unknown = 0
    for supplier, client in graph.edges():
        client_data = graph.nodes[client]
        if chain not in client_data.get("chains", ()) or region not in client_data.get("places", ()):
            continue
        supplier_places = graph.nodes[supplier].get("places", ())
        if not supplier_places:
            unknown += 1
            continue
        known += 1
        local += region in supplier_places
    return {
        "chain": chain,
        "region": region,
        "local": local,
        "known": known,
        "unknown": unknown,
        "share": local / known if known else None,
    }


def stage_coverage(graph: nx.DiGraph, chain: str) -> list[dict]:
    """For each stage of a chain, the members located in the chain's region (upstream first)."""
    info = graph.graph["chains"][chain]
    region = info.get("region")
    covered: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        if data.get("stage") in info["stages"] and region in data.get("places", ()):
            covered[data["stage"]].append(node)
    rows = []
    for stage, stage_info in sorted(info["stages"].items(), key=lambda item: (item[1]["order"], item[1]["label"])):
        rows.append(
            {
                "stage": stage,
                "label": stage_info["label"],
                "label_zh": stage_info["label_zh"],
                "order": stage_info["order"],
                "local_members": sorted(covered.get(stage, [])),
                "covered": bool(covered.get(stage)),
            }
        )
    return rows


def _sample(graph: nx.DiGraph, k: int, seed: int) -> list[str]:
    nodes = sorted(graph.nodes)
    return random.Random(seed).sample(nodes, k)


@dataclass
class MeasureInfo:
    """A measure of the ``stats`` report: its key, one-line meaning, and whether higher is riskier."""

    key: str
    help: str
    function: Callable[..., dict] | None = None
    sampled: bool = False


MEASURES: dict[str, MeasureInfo] = {
    m.key: m
    for m in [
        MeasureInfo("in_degree", "direct suppliers", in_degree),
        MeasureInfo("out_degree", "direct clients", out_degree),
        MeasureInfo("betweenness", "share of supply paths through the node", betweenness, sampled=True),
        MeasureInfo("closeness", "closeness to its upstream (incoming distance)", closeness, sampled=True),
        MeasureInfo("harmonic", "sum of 1/distance from all its suppliers' suppliers", harmonic, sampled=True),
        MeasureInfo("pagerank", "PageRank along supply edges (integrators score high)", pagerank),
        MeasureInfo("dependence", "PageRank on reversed edges (suppliers many depend on)", dependence),
        MeasureInfo("upstream_reach", "number of transitive suppliers", upstream_reach),
        MeasureInfo("downstream_reach", "number of transitive clients", downstream_reach),
        MeasureInfo("articulation_point", "removing it splits the chain (direction ignored)"),
    ]
}


@dataclass
class MeasureRun:
    """The measures of every node plus how they were computed."""

    values: dict[str, dict[str, float | int | bool]]
    sampled: dict[str, int]  # measure -> number of sampled sources, for approximated measures
    estimated: list[str] = field(default_factory=list)  # measures estimated from sketches


def node_measures(
    graph: nx.DiGraph,
    *,
    exact: bool = False,
    samples: int = DEFAULT_SAMPLES,
    threshold: int = SAMPLING_THRESHOLD,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> MeasureRun:
    """Every measure of :data:`MEASURES` for every node.

    Above ``threshold`` nodes the sampled measures use ``samples`` seeded sources unless ``exact``.
    ``progress`` is called with each measure's key before it is computed.
    """
    k = None if exact or graph.number_of_nodes() <= threshold else min(samples, graph.number_of_nodes())
    values: dict[str, dict] = {}
    sampled: dict[str, int] = {}
    for key, info in MEASURES.items():
        if progress:
            progress(key)
        if key == "articulation_point":
            points = articulation_points(graph)
            values[key] = {node: node in points for node in graph}
        elif info.sampled:
            values[key] = info.function(graph, k=k, seed=seed)
            if k is not None:
                sampled[key] = k
        elif key in ("upstream_reach", "downstream_reach"):
            values[key] = info.function(graph, exact=exact or None)
        else:
            values[key] = info.function(graph)
    estimated = [key for key in ("upstream_reach", "downstream_reach") if reach_is_estimated(graph, exact or None)]
    return MeasureRun(values, sampled, estimated)
