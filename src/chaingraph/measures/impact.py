"""What-if analysis: what breaks downstream when a firm drops out of the supply network."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .reference import downstream_reach

__all__ = ["CompiledImpacts", "Impact", "StageLoss", "impact", "impact_all"]


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

    - ``stage_losses``: direct clients that bought a stage only from ``firm`` (stage of ``firm``;
      none when ``firm`` has no stage: unstaged suppliers form no stage of their own);
    - ``stranded``: direct clients left with no supplier at all;
    - ``reach_lost``: supplier-to-client pairs (firm itself excluded) with a supply path before and
      none after, i.e. the sum over other nodes of the downstream reach each loses;
    - ``components_before/after``: weakly connected components with and without ``firm``.
    """
    data = graph.nodes[firm]
    stage = data.get("stage", "")
    # A self-loop (a firm listed as its own client) leaves no client behind when the firm goes.
    clients = [client for client in graph.successors(firm) if client != firm]
    losses = []
    stranded = []
    for client in clients:
        others = [s for s in graph.predecessors(client) if s != firm]
        if not others:
            stranded.append(client)
        # Suppliers with no stage form no stage of their own: losing one is only ever a loss of all
        # supply (stranded), never of a stage the client could otherwise still buy.
        if stage and not any(graph.nodes[s].get("stage", "") == stage for s in others):
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


# --- on the compiled graph -------------------------------------------------------------------------


class CompiledImpacts:
    """:func:`impact` on a compiled graph, for one firm or the most harmful ones.

    The same records as the NetworkX reference, computed without recomputing reach counts for the
    whole graph: only the firm's ancestors can lose reach, and an ancestor ``a`` loses exactly the
    firm's descendants it no longer reaches once the firm is gone, so
    ``reach_lost = sum over ancestors a of |B - {a}| - |reachable_without_firm(a) & (B - {a})|``
    with ``B`` the firm's descendants. Searches run in SciPy on the graph with the firm's edges
    removed, from whichever side (ancestors or descendants) is smaller.
    """

    def __init__(self, graph) -> None:
        import scipy.sparse
        from scipy.sparse.csgraph import connected_components

        self.graph = graph
        self.forward = graph.adjacency.tocsr()
        self.backward = graph.adjacency.T.tocsr()
        self.components_before = (
            connected_components(self.forward, directed=True, connection="weak")[0] if graph.n else 0
        )
        self._sparse = scipy.sparse

    def _without(self, firm: int):
        keep = (self.graph.suppliers != firm) & (self.graph.clients != firm)
        ones = np.ones(int(keep.sum()), dtype=np.int8)
        shape = (self.graph.n, self.graph.n)
        sources, targets = self.graph.suppliers[keep], self.graph.clients[keep]
        forward = self._sparse.csr_array((ones, (sources, targets)), shape=shape)
        backward = self._sparse.csr_array((ones, (targets, sources)), shape=shape)
        return forward, backward

    def _reached(self, matrix, start: int) -> np.ndarray:
        from scipy.sparse.csgraph import breadth_first_order

        return breadth_first_order(matrix, start, directed=True, return_predecessors=False)

    def reach_lost(self, firm: int) -> tuple[int, object]:
        """Supplier-to-client pairs (firm excluded) with a path before and none without ``firm``."""
        ancestors = self._reached(self.backward, firm)
        descendants = self._reached(self.forward, firm)
        ancestors, descendants = ancestors[ancestors != firm], descendants[descendants != firm]
        if not len(ancestors) or not len(descendants):
            return 0, None
        forward, backward = self._without(firm)
        in_b = np.zeros(self.graph.n, dtype=bool)
        in_b[descendants] = True
        in_a = np.zeros(self.graph.n, dtype=bool)
        in_a[ancestors] = True
        both = int((in_a & in_b).sum())  # ancestors inside a cycle with the firm: no pair with themselves
        possible = len(ancestors) * len(descendants) - both
        condensed = _connected_pairs_condensed(forward, in_a, in_b)
        if condensed is not None:
            return possible - condensed, forward
        connected = 0  # pairs (a, b), a != b, still connected without the firm
        if len(ancestors) <= len(descendants):
            for a in ancestors.tolist():
                connected += int(in_b[self._reached(forward, a)].sum()) - int(in_b[a])
        else:
            for b in descendants.tolist():
                connected += int(in_a[self._reached(backward, b)].sum()) - int(in_a[b])
        return possible - connected, forward

    def impact(self, firm: int, *, reach_lost: int | None = None, without=None) -> Impact:
        """The :class:`Impact` of removing node ``firm`` (an index)."""
        from scipy.sparse.csgraph import connected_components

        graph, columns = self.graph, self.graph.projection.columns
        if reach_lost is None:
            reach_lost, without = self.reach_lost(firm)
        if without is None:
            without = self._without(firm)[0]
        clients = [
            client
            for client in self.forward.indices[self.forward.indptr[firm] : self.forward.indptr[firm + 1]].tolist()
            if client != firm  # a self-loop leaves no client behind
        ]
        stage = columns["stage"][firm]
        losses, stranded = [], []
        for client in clients:
            suppliers = self.backward.indices[self.backward.indptr[client] : self.backward.indptr[client + 1]]
            others = [s for s in suppliers.tolist() if s != firm]
            if not others:
                stranded.append(graph.nodes[client])
            if stage and not any(columns["stage"][s] == stage for s in others):  # as in impact()
                losses.append(
                    StageLoss(graph.nodes[client], columns["label"][client], stage, columns["stage_label"][firm])
                )
        # Without the firm: the same graph less one node, so its components are those of the
        # edge-less firm's graph minus the firm's own singleton.
        after = connected_components(without, directed=True, connection="weak")[0] - 1 if graph.n > 1 else 0
        return Impact(
            firm=graph.nodes[firm],
            label=columns["label"][firm],
            label_zh=columns["label_zh"][firm],
            direct_clients=len(clients),
            downstream_reach=len(self._reached(self.forward, firm)) - 1,
            stage_losses=losses,
            stranded=stranded,
            reach_lost=reach_lost,
            components_before=int(self.components_before),
            components_after=int(after),
        )

    def most_harmful(self, top: int | None, progress: Callable[[int, int], None] | None = None) -> list[Impact]:
        """:func:`impact_all` on the compiled graph: firms with clients, most harmful first.

        Candidates are tried in order of the bound ``upstream_reach * downstream_reach`` (no firm
        can cut more pairs than pass through it); the search stops once the bound of the next
        candidate is below the ``top``-th reach lost found, so the answer equals the full ranking's.
        """
        from .compiled import downstream_reach, upstream_reach

        candidates = np.flatnonzero(np.bincount(self.graph.suppliers, minlength=self.graph.n) > 0)
        up, down = upstream_reach(self.graph, exact=True), downstream_reach(self.graph, exact=True)
        bound = up[candidates].astype(np.int64) * down[candidates]
        order = candidates[np.argsort(-bound, kind="stable")]
        bound = np.sort(bound)[::-1]
        # Kept in order as they are found (each key computed once): sorting the whole list again
        # for every candidate made a 5,000-firm ring quadratic in sorting alone.
        ranked: list[tuple[tuple, Impact]] = []
        for position, firm in enumerate(order.tolist()):
            if top and len(ranked) >= top and bound[position] < ranked[top - 1][1].reach_lost:
                break
            lost, without = self.reach_lost(firm)
            found = self.impact(firm, reach_lost=lost, without=without)
            bisect.insort(ranked, ((tuple(-x for x in found.score), found.label), found), key=lambda item: item[0])
            if progress:
                progress(position + 1, len(order))
        ordered = [found for _, found in ranked]
        return ordered[:top] if top else ordered


def _connected_pairs_condensed(forward, in_a: np.ndarray, in_b: np.ndarray) -> int | None:
    """Pairs (a, b), a in ``in_a``, b in ``in_b``, a != b, with a path a -> b in ``forward``,
    counted on the graph's condensation (its strongly connected components) when that is a forest:
    ``None`` when it is not, and the caller searches from every node instead.

    Inside a component every node reaches every other. Between components, when each has at most
    one successor (or at most one predecessor), the components below one (above one) form a single
    chain, so the weights along it are summed for all components at once by pointer doubling, in
    O(k log k) array operations. This is what makes a ring or a long cycle, where removing a firm
    leaves one path of thousands of components, linear per firm instead of quadratic.
    """
    from scipy.sparse.csgraph import connected_components

    k, label = connected_components(forward, directed=True, connection="strong")
    weight_a = np.bincount(label, weights=in_a, minlength=k).astype(np.int64)
    weight_b = np.bincount(label, weights=in_b, minlength=k).astype(np.int64)
    both = np.bincount(label, weights=in_a & in_b, minlength=k).astype(np.int64)
    within = int((weight_a * weight_b - both).sum())
    sources, targets = forward.nonzero()
    sources, targets = label[sources], label[targets]
    between = sources != targets
    if not between.any():
        return within
    codes = np.unique(sources[between].astype(np.int64) * k + targets[between])  # one int per edge: fast unique
    edges = np.stack([codes // k, codes % k], axis=1)
    out_degree = np.bincount(edges[:, 0], minlength=k)
    in_degree = np.bincount(edges[:, 1], minlength=k)
    link = np.full(k, -1, dtype=np.int64)
    if out_degree.max() <= 1:  # one successor each: the components below one are a chain
        link[edges[:, 0]] = edges[:, 1]
        return within + int((weight_a * _sum_along_links(link, weight_b)).sum())
    if in_degree.max() <= 1:  # one predecessor each: the components above one are a chain
        link[edges[:, 1]] = edges[:, 0]
        return within + int((weight_b * _sum_along_links(link, weight_a)).sum())
    return None


def _sum_along_links(link: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """For each node x, the sum of ``weight`` over link[x], link[link[x]], ... (x itself excluded),
    where ``link`` is -1 at the end of a chain; by pointer doubling."""
    total = np.where(link >= 0, weight[np.maximum(link, 0)], 0)
    jump = link.copy()
    while (jump >= 0).any():
        ahead = np.maximum(jump, 0)
        total = total + np.where(jump >= 0, total[ahead], 0)
        jump = np.where(jump >= 0, jump[ahead], -1)
    return total
