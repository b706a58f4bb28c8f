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

import math
from collections import defaultdict
from collections.abc import Callable, Iterator

import networkx as nx
import numpy as np

from ..projection.groups import owners_of
from ..projection.model import Projection, stages_in_order
from .kernels import (
    COMPILED_THRESHOLD,
    DEFAULT_SAMPLES,
    EXACT_REACH_LIMIT,
    PAGERANK_MAX_ITER,
    PAGERANK_TOLERANCE,
    SAMPLING_THRESHOLD,
    SEED,
    SMALL_GRAPH,
    MeasureRun,
    exact_counts,
    sample_size,
    sample_sources,
    scaled_betweenness,
    sketched_counts,
)
from .registry import MEASURES
from .shares import group_shares, hhi

__all__ = [
    "REFERENCE",
    "articulation_points",
    "as_projection",
    "betweenness",
    "closeness",
    "cluster_local_sourcing",
    "component_size",
    "dependence",
    "downstream_reach",
    "group_hhi",
    "harmonic",
    "in_degree",
    "node_measures",
    "out_degree",
    "pagerank",
    "purchase_hhi",
    "reach_is_estimated",
    "region_hhi",
    "single_sourced",
    "stage_coverage",
    "staged_purchases",
    "top_customer_share",
    "upstream_reach",
]


def in_degree(graph: nx.DiGraph) -> dict[str, int]:
    """Number of direct suppliers of each node.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.

    Returns
    -------
    dict
        Node -> number of edges coming in (its suppliers).

    Notes
    -----
    Reads incoming edges: who supplies the node.

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> in_degree(g)["cell"]
    2
    """
    return dict(graph.in_degree())


def out_degree(graph: nx.DiGraph) -> dict[str, int]:
    """Number of direct clients of each node.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.

    Returns
    -------
    dict
        Node -> number of edges going out (its clients).

    Notes
    -----
    Reads outgoing edges: whom the node supplies.

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> out_degree(g)["car"]
    0
    """
    return dict(graph.out_degree())


def betweenness(graph: nx.DiGraph, k: int | None = None, seed: int = SEED, backend: str = "auto") -> dict[str, float]:
    """Share of supplier-to-client shortest paths that pass through each node, normalised to [0, 1].

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    k : int, optional
        Sample ``k`` seeded source nodes instead of all (NetworkX's estimator: the sums scaled by
        ``n / k``); exact when ``None``.
    seed : int
        Seed of the sample.
    backend : {"auto", "networkx", "igraph"}
        ``networkx`` computes with NetworkX; ``igraph`` with igraph's Brandes implementation (the
        same definition, tested equal); ``auto`` takes igraph above
        :data:`~chaingraph.measures.kernels.COMPILED_THRESHOLD` nodes.

    Returns
    -------
    dict
        Node -> betweenness, normalised by ``(n - 1)(n - 2)``.

    Notes
    -----
    Reads supply edges in their direction: only paths that follow the flow of goods count, so a
    node scores when it sits between upstream and downstream firms: a broker or a single route.

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", Journal of Mathematical
       Sociology 25(2), 163-177 (2001).
    .. [2] U. Brandes and C. Pich, "Centrality estimation in large networks", International
       Journal of Bifurcation and Chaos 17(7), 2303-2318 (2007).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> betweenness(g)["cell"]  # mine, smelter and foil reach car only through it
    0.25
    """
    n = graph.number_of_nodes()
    if k is not None and k >= n:
        k = None
    if _use_igraph(graph, backend):
        sources = None if k is None else sample_sources(graph, k, seed)
        return _igraph_betweenness(graph, sources)
    if k is None:
        return nx.betweenness_centrality(graph, normalized=True)
    sources = sample_sources(graph, k, seed)
    raw = nx.betweenness_centrality_subset(graph, sources, list(graph), normalized=False)
    scale = (n / k) / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return {node: value * scale for node, value in raw.items()}


def _use_igraph(graph: nx.DiGraph, backend: str) -> bool:
    if backend == "networkx":
        return False
    if backend not in ("auto", "igraph"):
        raise ValueError(f"unknown backend {backend!r}")
    if backend == "auto" and graph.number_of_nodes() < COMPILED_THRESHOLD:
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
    values = scaled_betweenness(compiled, None if sources is None else [index[s] for s in sources])
    return dict(zip(nodes, values.tolist(), strict=True))


def closeness(graph: nx.DiGraph, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """How near each node is to the suppliers that can reach it (incoming distance).

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    k : int, optional
        Measure distances from ``k`` seeded sample nodes and scale up; exact when ``None``.
    seed : int
        Seed of the sample.

    Returns
    -------
    dict
        Node -> ``(r / (n - 1)) * (r / total)``, where ``r`` nodes reach it at total distance
        ``total`` (NetworkX's definition with the Wasserman-Faust correction).

    Notes
    -----
    Reads incoming paths (supply edges followed into the node): high values mark firms that
    their whole upstream reaches in few steps.

    References
    ----------
    .. [1] S. Wasserman and K. Faust, Social Network Analysis: Methods and Applications,
       Cambridge University Press (1994), p. 201.

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> round(closeness(g)["cell"], 4)  # three suppliers reach it, at distances 1, 1 and 2
    0.5625
    """
    if k is None or k >= graph.number_of_nodes():
        return nx.closeness_centrality(graph, wf_improved=True)
    n = graph.number_of_nodes()
    reached: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for source in sample_sources(graph, k, seed):
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


def harmonic(graph: nx.DiGraph, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """Sum of ``1 / distance`` from every node that reaches this one along supply edges.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    k : int, optional
        Sum over ``k`` seeded sample sources, scaled by ``(n - 1) / k``; exact when ``None``.
    seed : int
        Seed of the sample.

    Returns
    -------
    dict
        Node -> harmonic centrality (not normalised, as NetworkX's).

    Notes
    -----
    Reads incoming paths (supply edges followed into the node). Unlike closeness it is defined
    on disconnected graphs without a correction, so it compares firms across separate chains.

    References
    ----------
    .. [1] P. Boldi and S. Vigna, "Axioms for centrality", Internet Mathematics 10(3-4),
       222-262 (2014).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> harmonic(g)["cell"]  # 1/1 (smelter) + 1/1 (foil) + 1/2 (mine)
    2.5
    """
    # Summed source by source in node order: networkx.harmonic_centrality walks a set, whose order
    # (and so the last digits of the sums) changes from one process to the next.
    k = graph.number_of_nodes() if k is None else min(k, graph.number_of_nodes())
    exact = k == graph.number_of_nodes()
    scale = 1.0 if exact else (graph.number_of_nodes() - 1) / k
    result = dict.fromkeys(graph, 0.0)
    for source in graph if exact else sample_sources(graph, k, seed):
        for target, distance in nx.single_source_shortest_path_length(graph, source).items():
            if distance:
                result[target] += scale / distance
    return result


def pagerank(graph: nx.DiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank along the supply direction: importance flows from suppliers to their clients.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    alpha : float
        Damping factor.

    Returns
    -------
    dict
        Node -> PageRank; the values sum to 1. Dangling nodes (no client) spread their rank
        evenly, as in NetworkX; converged to :data:`~chaingraph.measures.kernels.PAGERANK_TOLERANCE`.

    Notes
    -----
    Reads outgoing edges as links: high for firms that collect many (important) suppliers, the
    integrators a chain is built around, such as a cell maker.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani and T. Winograd, "The PageRank citation ranking: bringing
       order to the web", Stanford InfoLab technical report (1999).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> ranks = pagerank(g)
    >>> max(ranks, key=ranks.get), round(sum(ranks.values()), 9)
    ('car', 1.0)
    """
    if graph.number_of_nodes() == 0:
        return {}
    return _pagerank(graph, alpha)


def dependence(graph: nx.DiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank on the reversed graph: importance flows from clients to their suppliers.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    alpha : float
        Damping factor.

    Returns
    -------
    dict
        Node -> PageRank of the reversed graph; the values sum to 1.

    Notes
    -----
    Reads incoming edges as links: high for suppliers that many (important) firms depend on,
    directly or through others.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani and T. Winograd, "The PageRank citation ranking: bringing
       order to the web", Stanford InfoLab technical report (1999).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> ranks = dependence(g)
    >>> max(ranks, key=ranks.get)  # the first supplier of the longest path
    'mine'
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

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    exact : bool, optional
        Exact counts whatever the size; by default exact up to
        :data:`~chaingraph.measures.kernels.EXACT_REACH_LIMIT` nodes and estimated above.

    Returns
    -------
    dict
        Node -> number of nodes with a path to it, itself excluded.

    Notes
    -----
    Reads incoming paths (supply edges followed into the node). Counted over the condensation
    (strongly connected components), exactly with bitsets or estimated with bottom-k sketches
    (see :func:`reach_is_estimated`).

    References
    ----------
    .. [1] E. Cohen, "Size-estimation framework with applications to transitive closure and
       reachability", Journal of Computer and System Sciences 55(3), 441-453 (1997).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> upstream_reach(g)["car"]
    4
    """
    return _reach_counts(graph.reverse(copy=False), exact)


def downstream_reach(graph: nx.DiGraph, exact: bool | None = None) -> dict[str, int]:
    """Number of transitive clients of each node (nodes its supplies reach).

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.
    exact : bool, optional
        As in :func:`upstream_reach`.

    Returns
    -------
    dict
        Node -> number of nodes it has a path to, itself excluded.

    Notes
    -----
    Reads outgoing paths (supply edges followed out of the node); exact or estimated as :func:`upstream_reach`.

    References
    ----------
    .. [1] E. Cohen, "Size-estimation framework with applications to transitive closure and
       reachability", Journal of Computer and System Sciences 55(3), 441-453 (1997).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> downstream_reach(g)["mine"]
    3
    """
    return _reach_counts(graph, exact)


def reach_is_estimated(graph: nx.DiGraph | int, exact: bool | None = None) -> bool:
    """Whether the reach counts of ``graph`` (or of a graph of that many nodes) are sketch
    estimates rather than exact counts."""
    size = graph if isinstance(graph, int) else graph.number_of_nodes()
    return not exact and size > EXACT_REACH_LIMIT


def _reach_counts(graph: nx.DiGraph, exact: bool | None) -> dict[str, int]:
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    order = list(nx.topological_sort(condensed))
    children = [list(condensed.successors(c)) for c in range(len(condensed))]
    if reach_is_estimated(graph, exact):
        counts = sketched_counts(order, children, np.fromiter((members[n] for n in graph), dtype=np.int64))
    else:
        counts = exact_counts(order, children, [len(condensed.nodes[c]["members"]) for c in range(len(condensed))])
    return {node: counts[members[node]] for node in graph}


def component_size(graph: nx.DiGraph) -> dict[str, int]:
    """Number of nodes in each node's weakly connected component, itself included.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.

    Returns
    -------
    dict
        Node -> size of the component it belongs to.

    Notes
    -----
    Ignores edge direction: a firm and everything it buys from or sells to, transitively, in
    either direction, form one part; a small part is a group cut off from the rest of the chain.

    References
    ----------
    .. [1] J. Hopcroft and R. Tarjan, "Algorithm 447: efficient algorithms for graph
       manipulation", Communications of the ACM 16(6), 372-378 (1973).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("farm", "mill")])
    >>> component_size(g)["foil"], component_size(g)["mill"]
    (4, 2)
    """
    sizes: dict[str, int] = {}
    for component in nx.weakly_connected_components(graph):
        sizes.update(dict.fromkeys(component, len(component)))
    return sizes


def articulation_points(graph: nx.DiGraph) -> set[str]:
    """Nodes whose removal splits the chain, ignoring edge direction.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client.

    Returns
    -------
    set
        The cut points (articulation points) of the undirected graph.

    Notes
    -----
    Reads edges both ways: a firm that is the only link between two groups cuts them apart
    whichever way the goods flow.

    References
    ----------
    .. [1] J. Hopcroft and R. Tarjan, "Algorithm 447: efficient algorithms for graph
       manipulation", Communications of the ACM 16(6), 372-378 (1973).

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> sorted(articulation_points(g))
    ['cell', 'smelter']
    """
    return set(nx.articulation_points(graph.to_undirected(as_view=True)))


def purchase_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most concentrated input stage: the largest, over the
    stages it buys from, of the Herfindahl-Hirschman index of its suppliers' shares of that stage.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attribute ``stage``; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]; 10,000 for a stage bought from one supplier (or from one
        supplier with everything), 0 for a firm that buys from no staged supplier.

    Notes
    -----
    Reads incoming edges, self-loops left out, grouped by the supplier's stage (suppliers with no
    stage in no group); shares by the rule of :mod:`chaingraph.measures.shares`.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): above 2,500 highly concentrated.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")], )
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> purchase_hhi(g)["cell"]
    5000.0
    >>> g.edges["a", "cell"]["client_share"] = 0.9
    >>> round(purchase_hhi(g)["cell"])
    8200
    """
    return _grouped_purchase_hhi(graph, {node: node for node in graph})


def region_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most regionally concentrated input stage: the largest,
    over the stages it buys from, of the Herfindahl-Hirschman index of its suppliers' shares of
    that stage summed by the suppliers' province first.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attributes ``stage`` and ``province`` (a place IRI,
        ``""`` when not known); edge quantities as :func:`chaingraph.measures.shares.group_shares`
        reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]: 10,000 when every supplier of some stage is in one province.

    Notes
    -----
    Reads incoming edges (supplier -> client) as :func:`purchase_hhi` does; a supplier whose
    province is not known counts as a province of its own, so an unknown place never adds to a
    concentration (the figure is a lower bound where places are missing). What a region's loss
    would do is ``impact --remove region:...``; this says where each purchase is exposed to one.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): the index; here over shares summed per province (chaingraph's own use).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> nx.set_node_attributes(g, {"a": "jiangxi", "b": "jiangxi", "cell": ""}, "province")
    >>> region_hhi(g)["cell"], purchase_hhi(g)["cell"]
    (10000.0, 5000.0)
    """
    return _grouped_purchase_hhi(graph, {node: graph.nodes[node].get("province") or node for node in graph})


def group_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most concentrated input stage with its suppliers' shares
    summed by owner group first.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attribute ``stage``; ``graph.graph["controls"]``,
        ``(owner, owned)`` IRI pairs; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]: 10,000 when every supplier of some stage belongs to one group.

    Notes
    -----
    Reads incoming edges (supplier -> client) as :func:`purchase_hhi` does; a supplier's group is
    the organization that ultimately controls it (:func:`chaingraph.projection.groups.owners_of`,
    the rule ``--group-by owner`` merges by), itself when none does: two subsidiaries of one parent
    are one source of supply.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): the index; here over shares summed per owner group (chaingraph's own use).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")], controls=[("a", "b")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> group_hhi(g)["cell"]
    10000.0
    """
    nodes = list(graph)
    owner = owners_of(nodes, graph.graph.get("controls", []))
    return _grouped_purchase_hhi(graph, {node: nodes[owner[i]] for i, node in enumerate(nodes)})


def staged_purchases(graph: nx.DiGraph) -> Iterator[tuple[str, list[list[str]]]]:
    """Each firm and its purchases: for each input stage, the suppliers of that stage, the group
    whose shares the share rule divides (incoming edges; self-loops and unstaged suppliers in none).

    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell"), ("x", "cell")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "x": "", "cell": "cell"}, "stage")
    >>> dict(staged_purchases(g))["cell"]
    [['a', 'b']]
    """
    for node in graph:
        by_stage: dict[str, list[str]] = defaultdict(list)
        for supplier in graph.predecessors(node):
            stage = graph.nodes[supplier].get("stage", "")
            if supplier != node and stage:
                by_stage[stage].append(supplier)
        yield node, list(by_stage.values())


def _grouped_purchase_hhi(graph: nx.DiGraph, group_of: dict[str, str]) -> dict[str, float]:
    """:func:`purchase_hhi` with each stage's suppliers' shares summed by ``group_of`` first."""
    found = {}
    for node, purchases in staged_purchases(graph):
        largest = 0.0
        for members in purchases:
            shares, _ = group_shares([graph.edges[s, node] for s in members], "client_share")
            summed: dict[str, float] = defaultdict(float)
            for supplier, share in zip(members, shares, strict=True):
                summed[group_of[supplier]] += share
            largest = max(largest, hhi(list(summed.values())))
        found[node] = largest
    return found


def top_customer_share(graph: nx.DiGraph) -> dict[str, float]:
    """The share of each firm's sales that its largest client takes.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> share in [0, 1]; 0 for a firm with no client.

    Notes
    -----
    Reads outgoing edges, self-loops left out; shares of sales by the rule of
    :mod:`chaingraph.measures.shares` (``supplier_share``, else values, volumes, equal shares).
    How dependent a supplier is on one buyer: what a demand shock reads.

    References
    ----------
    .. [1] C. Diem, A. Borsos, T. Reisch, J. Kertész and S. Thurner, "Quantifying firm-level
       economic systemic risk from nation-wide supply networks", Scientific Reports 12, 7719
       (2022): sales shares carry a demand shock upstream.

    Examples
    --------
    >>> g = nx.DiGraph([("cathode", "cell"), ("cathode", "car")])
    >>> top_customer_share(g)["cathode"]
    0.5
    >>> g.edges["cathode", "cell"]["supplier_share"] = 0.4446
    >>> top_customer_share(g)["cathode"]
    0.5554
    """
    found = {}
    for node in graph:
        edges = [graph.edges[node, client] for client in graph.successors(node) if client != node]
        found[node] = max(group_shares(edges, "supplier_share")[0], default=0.0)
    return found


def single_sourced(graph: nx.DiGraph) -> list[dict]:
    """For each client, the stages it buys from exactly one supplier (a single point of failure).

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attributes ``stage`` and ``stage_label``.

    Returns
    -------
    list of dict
        One record per (client, stage) with one supplier: ``client``, ``stage``,
        ``stage_label``, ``supplier``.

    Notes
    -----
    Reads incoming edges: the suppliers of each client, grouped by the supplier's chain stage.
    Suppliers with no stage are grouped under ``""``.

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> nx.set_node_attributes(g, {"mine": "ore", "smelter": "metal", "foil": "", "cell": "cell"}, "stage")
    >>> [(f["client"], f["stage"]) for f in single_sourced(g) if f["client"] == "cell"]
    [('cell', ''), ('cell', 'metal')]
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


def cluster_local_sourcing(graph: nx.DiGraph | Projection, chain: str) -> dict:
    """Share of supply relations into a chain's regional firms that come from inside the region.

    A client counts when it belongs to ``chain`` and lies in the chain's region; a supplier is
    local when it lies in the region too. Suppliers with no known location are counted apart.
    ``by_amount`` measures the same by value per currency and by volume per unit, over the located
    relations that state one (``relations`` of ``known``). Reads a NetworkX graph or the
    projection's columns alike.
    """
    table = as_projection(graph)
    region = table.meta["chains"][chain].get("region")
    chains, places = table.columns["chains"], table.columns["places"]
    local = known = unknown = 0
    amounts: dict[tuple[str, str], list[float]] = {}  # (value|volume, unit) -> [local, total, relations]
    quantities = table.quantities
    for edge, (supplier, client) in enumerate(zip(table.suppliers.tolist(), table.clients.tolist(), strict=True)):
        if chain not in chains[client] or region not in places[client]:
            continue
        if not places[supplier]:
            unknown += 1
            continue
        known += 1
        inside = region in places[supplier]
        local += inside
        for amount, numbers, units in (
            ("value", quantities.value, quantities.value_unit),
            ("volume", quantities.volume, quantities.volume_unit),
        ):
            number = float(numbers[edge])
            if not math.isnan(number):
                found = amounts.setdefault((amount, quantities.units[units[edge]]), [0.0, 0.0, 0])
                found[0] += number if inside else 0.0
                found[1] += number
                found[2] += 1
    return {
        "chain": chain,
        "region": region,
        "local": local,
        "known": known,
        "unknown": unknown,
        "share": local / known if known else None,
        # The same over the located relations that state a value (a volume), per currency (unit):
        # the local-sourcing claims' own unit where the data has it.
        "by_amount": [
            {
                "basis": basis,
                "unit": unit,
                "local": found[0],
                "total": found[1],
                "relations": found[2],
                "share": found[0] / found[1] if found[1] else None,
            }
            for (basis, unit), found in sorted(amounts.items())
        ],
    }


def stage_coverage(graph: nx.DiGraph | Projection, chain: str) -> list[dict]:
    """For each stage of a chain, the members located in the chain's region (upstream first)."""
    table = as_projection(graph)
    info = table.meta["chains"][chain]
    region = info.get("region")
    covered: dict[str, list[str]] = defaultdict(list)
    stages, places = table.columns["stage"], table.columns["places"]
    for i, node in enumerate(table.nodes):
        if stages[i] in info["stages"] and region in places[i]:
            covered[stages[i]].append(node)
    rows = []
    for stage, stage_info in stages_in_order(info):
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


def as_projection(graph: nx.DiGraph | Projection) -> Projection:
    """The columns of a graph: a projection as it is, a NetworkX graph converted."""
    return graph if isinstance(graph, Projection) else Projection.from_networkx(graph)


#: The reference function of each measure of :data:`MEASURES` (the registry,
#: :mod:`chaingraph.measures.registry`), by key; the cut points are computed by
#: :func:`articulation_points` and read as a boolean per node.
REFERENCE: dict[str, Callable[..., dict]] = {
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
    "hhi": purchase_hhi,
    "region_hhi": region_hhi,
    "group_hhi": group_hhi,
    "top_customer_share": top_customer_share,
}


def node_measures(
    graph: nx.DiGraph,
    *,
    exact: bool = False,
    samples: int = DEFAULT_SAMPLES,
    threshold: int = SAMPLING_THRESHOLD,
    seed: int = SEED,
    progress: Callable[[str], None] | None = None,
) -> MeasureRun:
    """Every measure of :data:`MEASURES` for every node.

    Above ``threshold`` nodes the sampled measures use ``samples`` seeded sources unless ``exact``.
    ``progress`` is called with each measure's key before it is computed.
    """
    k = sample_size(graph.number_of_nodes(), exact=exact, samples=samples, threshold=threshold)
    values: dict[str, dict] = {}
    sampled: dict[str, int] = {}
    for key, info in MEASURES.items():
        if progress:
            progress(key)
        if key == "articulation_point":
            points = articulation_points(graph)
            values[key] = {node: node in points for node in graph}
        elif info.sampled:
            values[key] = REFERENCE[key](graph, k=k, seed=seed)
            if k is not None:
                sampled[key] = k
        elif key in ("upstream_reach", "downstream_reach"):
            values[key] = REFERENCE[key](graph, exact=exact or None)
        else:
            values[key] = REFERENCE[key](graph)
    estimated = [key for key in ("upstream_reach", "downstream_reach") if reach_is_estimated(graph, exact or None)]
    return MeasureRun(values, sampled, estimated)
