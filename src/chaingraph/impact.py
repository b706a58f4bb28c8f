"""What-if analysis: what breaks downstream when a firm drops out of the supply network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

from .analysis import downstream_reach


@dataclass
class StageLoss:
    """A client left with no supplier of a stage once the firm is gone."""

    client: str
    client_label: str
    stage: str
    stage_label: str


@dataclass
class Impact:
    """The consequences of removing ``firm`` from the network."""

    firm: str
    label: str
    label_zh: str
    direct_clients: int
    downstream_reach: int
    stage_losses: list[StageLoss] = field(default_factory=list)
    stranded: list[str] = field(default_factory=list)
    reach_lost: int = 0
    components_before: int = 0
    components_after: int = 0

    @property
    def score(self) -> tuple[int, int, int]:
        """Order of harm: supply paths cut, then stages lost, then firms that can be reached no more."""
        return (self.reach_lost, len(self.stage_losses), self.downstream_reach)


def impact(graph: nx.DiGraph, firm: str, *, reach_before: dict[str, int] | None = None) -> Impact:
    """Remove ``firm`` and report, reading edges supplier -> client:

    - ``stage_losses``: direct clients that bought a stage only from ``firm`` (stage of ``firm``);
    - ``stranded``: direct clients left with no supplier at all;
    - ``reach_lost``: supplier-to-client pairs (firm itself excluded) with a supply path before and
      none after, i.e. the sum over other nodes of the downstream reach each loses;
    - ``components_before/after``: weakly connected components with and without ``firm``.
    """
    data = graph.nodes[firm]
    stage = data.get("stage", "")
    clients = list(graph.successors(firm))
    losses = []
    stranded = []
    for client in clients:
        others = [s for s in graph.predecessors(client) if s != firm]
        if not others:
            stranded.append(client)
        if not any(graph.nodes[s].get("stage", "") == stage for s in others):
            client_label = graph.nodes[client].get("label", client)
            losses.append(StageLoss(client, client_label, stage, data.get("stage_label", "")))
    before = reach_before if reach_before is not None else downstream_reach(graph)
    remaining = graph.subgraph([n for n in graph if n != firm])
    after = downstream_reach(remaining)
    firm_ancestors = nx.ancestors(graph, firm)
    # Pairs (a, firm) vanish by definition; count only pairs between other nodes.
    lost = sum(before[n] - (1 if n in firm_ancestors else 0) - after[n] for n in remaining)
    return Impact(
        firm=firm,
        label=data.get("label", firm),
        label_zh=data.get("label_zh", ""),
        direct_clients=len(clients),
        downstream_reach=before[firm],
        stage_losses=losses,
        stranded=stranded,
        reach_lost=lost,
        components_before=nx.number_weakly_connected_components(graph) if len(graph) else 0,
        components_after=nx.number_weakly_connected_components(remaining) if len(remaining) else 0,
    )


def impact_all(
    graph: nx.DiGraph, *, top: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[Impact]:
    """:func:`impact` of every node with at least one client, most harmful first."""
    before = downstream_reach(graph)
    candidates = [n for n in graph if graph.out_degree(n)]
    results = []
    for index, node in enumerate(candidates, 1):
        results.append(impact(graph, node, reach_before=before))
        if progress:
            progress(index, len(candidates))
    results.sort(key=lambda i: (tuple(-x for x in i.score), i.label))
    return results[:top] if top else results
