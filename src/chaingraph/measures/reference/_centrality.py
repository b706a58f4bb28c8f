"""Centrality: degrees, betweenness, closeness, harmonic centrality, PageRank and dependence (PageRank
read against the flow), each one pure function over the supply ``DiGraph`` (edges supplier -> client).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..kernels import (
    COMPILED_THRESHOLD,
    PAGERANK_MAX_ITER,
    PAGERANK_TOLERANCE,
    SEED,
    SMALL_GRAPH,
    sample_sources,
    scaled_betweenness,
)

__all__ = ["betweenness", "closeness", "dependence", "harmonic", "in_degree", "out_degree", "pagerank"]


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
