"""Centrality and supply-chain risk measures: pure functions over the supply ``DiGraph``.

Edges point supplier -> client, the way goods flow. Each function says which direction it reads
and why; each returns plain dicts or records and never prints. Large graphs: betweenness,
closeness and harmonic centrality take ``k``, a number of sampled source nodes (seeded), and are
exact when ``k`` is ``None``.

Eigenvector and Katz centrality are deliberately absent: on an acyclic supply chain the
eigenvector of the adjacency matrix is zero everywhere, which would read as "nobody matters".
PageRank's teleportation keeps it meaningful on acyclic graphs.

The functions live by family, as NetworkX's algorithms do: ``_centrality`` (degrees, betweenness,
closeness, harmonic, PageRank, dependence), ``_reach`` (reach, components, cut points),
``_purchases`` (concentration of purchases and sales, single sourcing) and ``_local`` (a regional
chain's local sourcing and stage coverage); every one is public here.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from ..kernels import DEFAULT_SAMPLES, SAMPLING_THRESHOLD, SEED, MeasureRun, MeasureSettings, measure_all
from ..registry import MEASURES
from ._centrality import betweenness, closeness, dependence, harmonic, in_degree, out_degree, pagerank
from ._local import as_projection, cluster_local_sourcing, stage_coverage
from ._purchases import (
    edge_purchase_shares,
    group_hhi,
    purchase_hhi,
    region_hhi,
    single_sourced,
    staged_purchases,
    top_customer_share,
)
from ._reach import articulation_points, component_size, downstream_reach, reach_is_estimated, upstream_reach

__all__ = [
    "MEASURES",
    "REFERENCE",
    "articulation_points",
    "as_projection",
    "betweenness",
    "closeness",
    "cluster_local_sourcing",
    "component_size",
    "dependence",
    "downstream_reach",
    "edge_purchase_shares",
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
    settings = MeasureSettings(exact, samples, threshold, seed, progress)
    functions = {**REFERENCE, "articulation_point": _cut_point_flags}
    values, sampled = measure_all(functions, graph, graph.number_of_nodes(), settings)
    estimated = [key for key in ("upstream_reach", "downstream_reach") if reach_is_estimated(graph, exact or None)]
    return MeasureRun(values, sampled, estimated)


def _cut_point_flags(graph: nx.DiGraph) -> dict[str, bool]:
    """Whether each node is a cut point (:func:`articulation_points`), as the report reads it."""
    points = articulation_points(graph)
    return {node: node in points for node in graph}
