"""Reach and structure: how many firms a firm supplies or is supplied by through any path, the size
of its component, and the cut points whose loss splits the network.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..kernels import (
    EXACT_REACH_LIMIT,
    exact_counts,
    sketched_counts,
)

__all__ = ["articulation_points", "component_size", "downstream_reach", "reach_is_estimated", "upstream_reach"]


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
