"""Disruption scenarios: a set of firms drops out, and the loss travels downstream, tier after tier.

The cascade rule (the README states the same): tier 0 is the removed set. A firm not yet
disrupted is disrupted in tier ``t + 1`` when, after tier ``t``,

(a) for some stage ``s`` essential to it, it had at least one supplier of stage ``s`` and every
    supplier of stage ``s`` is disrupted (*stage-starved*, naming ``s``), or
(b) it had suppliers and every one of them is disrupted (*supply-starved*).

Which stages are essential to a firm is its own stage's statement (``cg:essentialFor``, read into
the graph's ``essential_inputs``: stage -> its essential input stages): a firm whose stage states
essential inputs can be starved of those alone; one whose stage states none, or that has no
stage, of every stage. Every supplier of a non-essential stage lost is a *partial* loss of share
1, listed whether or not a share was asked for. Suppliers with no stage never form a stage of
their own: they count only in (b). A firm listed as its own supplier (a self-loop) is not its own
supply. The rounds repeat until nothing changes. Edges are read supplier -> client, the way goods
flow.

Two implementations, tested equal: :func:`cascade` on a ``networkx.DiGraph`` (the reference,
written from the rule), and :func:`compiled_cascade` on a compiled graph's arrays (one pass over
the edges per tier).

The summary measures beside the tiers:

- *supply paths cut*: ordered pairs ``(a, b)`` of firms outside the removed set, ``a != b``, with
  a supply path ``a -> b`` before and none once the removed set is gone (for one firm: ``impact``'s
  reach lost);
- weakly connected components before and after the removed set is gone;
- *partial* losses (``share``): firms not disrupted that lost at least ``share`` of the suppliers of
  some stage, and every supplier of a stage not essential to them.

References
----------
The rule is chaingraph's own; it is the essential-input propagation of firm-level production
network models, where a firm stops when it loses every supplier of an input it cannot replace, and
a non-essential input lost reduces production rather than stopping it [2]_:

.. [1] H. Inoue and Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
   Nature Sustainability 2, 841-847 (2019).
.. [2] C. Diem, A. Borsos, T. Reisch, J. Kertész and S. Thurner, "Quantifying firm-level economic
   systemic risk from nation-wide supply networks", Scientific Reports 12, 7719 (2022).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .._runtime.arrays import sorted_unique
from ..errors import InputError
from .compiled import downstream_reach, purchase_shares, sales_shares, stage_groups, supply_shares
from .shares import BASES, group_shares

__all__ = [
    "DIRECTIONS",
    "TOLERANCE",
    "Cascade",
    "Disruption",
    "Shock",
    "cascade",
    "check_shock",
    "compiled_cascade",
    "compiled_paths_cut",
    "essential_to",
    "paths_cut",
]


@dataclass(frozen=True)
class Disruption:
    """Why a firm is disrupted: ``removed`` (tier 0), ``stage`` (stage-starved: ``stages`` lists
    the stage IRIs starved), ``supply`` (its supply starved) or ``demand`` (its sales lost, a
    demand shock). ``share`` is the share lost where a threshold below 1 or a demand shock decided
    (the largest of the stages named), ``None`` where every supplier was lost; ``basis`` what
    those shares rest on (:data:`chaingraph.measures.shares.BASES`)."""

    tier: int
    reason: str
    stages: tuple[str, ...] = ()
    share: float | None = None
    #: Where ``share`` came from: the basis of the shares lost (:data:`.shares.BASES`).
    basis: str | None = None


@dataclass
class Cascade:
    """The disrupted firms by IRI, each with its :class:`Disruption`; and the partial losses."""

    disrupted: dict[str, Disruption]
    #: Firms not disrupted that lost at least the asked share of some stage's supply:
    #: IRI -> {stage IRI: share lost}.
    partial: dict[str, dict[str, float]] = field(default_factory=dict)
    #: With demand shocks, the firms not disrupted that lost at least the asked share of their
    #: sales: IRI -> share lost.
    sales_lost: dict[str, float] = field(default_factory=dict)

    def tiers(self) -> dict[int, set[str]]:
        """The disrupted firms of each tier."""
        found: dict[int, set[str]] = defaultdict(set)
        for node, why in self.disrupted.items():
            found[why.tier].add(node)
        return dict(found)


#: Which way a shock travels: ``downstream`` (the removed stop supplying: a supply shock),
#: ``upstream`` (they stop buying: a demand shock) or ``both``.
DIRECTIONS = ("downstream", "upstream", "both")
#: Shares are sums of floats: a share within this of the threshold reaches it.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Shock:
    """How a scenario's shock travels: the share whose loss disrupts a firm (``threshold``, in
    (0, 1]: 1, every supplier lost), the way it goes (``direction``: ``downstream``, a supply shock;
    ``upstream``, the removed stop buying, a demand shock; or ``both``), and the loss from which a
    firm not disrupted is listed as partly hit (``partial``, a share in (0, 1]; ``None``: none)."""

    threshold: float = 1.0
    direction: str = "downstream"
    partial: float | None = None

    @property
    def plain(self) -> bool:
        """Whether the rule is the plain one (every supplier lost, downstream), where no share
        decides and no note says which did (``partial`` lists losses; it is no rule)."""
        return (self.threshold, self.direction) == (1.0, "downstream")

    def check(self) -> Shock:
        """This shock, or a one-line error for a share outside (0, 1] or an unknown direction."""
        if self.partial is not None and not 0 < self.partial <= 1:
            raise InputError(f"--partial {self.partial}: a share between 0 (excluded) and 1")
        check_shock(self.threshold, self.direction)
        return self


def check_shock(threshold: float, direction: str) -> None:
    """A one-line error for a threshold outside (0, 1] or an unknown direction (the cascade's own
    check of its rule, for every path)."""
    if not 0 < threshold <= 1:
        raise InputError(f"--threshold {threshold}: a share between 0 (excluded) and 1")
    if direction not in DIRECTIONS:
        raise InputError(f"--direction {direction!r}: use {', '.join(DIRECTIONS)}")


def cascade(
    graph: nx.DiGraph,
    removed: Iterable[str],
    *,
    partial: float | None = None,
    threshold: float = 1.0,
    direction: str = "downstream",
) -> Cascade:
    """The cascade of removing ``removed`` from ``graph`` (the reference, from the rule above).

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attribute ``stage`` (an IRI, ``""`` when unstaged);
        edge attributes as :func:`chaingraph.measures.shares.group_shares` reads them (optional);
        ``graph.graph["essential_inputs"]`` (optional): stage -> the input stages essential to it.
    removed : iterable of str
        The firms of tier 0 (nodes of ``graph``).
    partial : float, optional
        With a share in (0, 1], also list the firms not disrupted that lost at least that share
        of some stage's supply (and, with demand shocks, of their sales).
    threshold : float
        In (0, 1]: the share of a stage's supply, of all supply or (demand shocks) of sales whose
        loss disrupts a firm. 1 (the default) is the rule without shares: every supplier lost.
    direction : {"downstream", "upstream", "both"}
        Which way the shock travels (:data:`DIRECTIONS`).

    Returns
    -------
    Cascade

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell")])
    >>> nx.set_node_attributes(g, {"mine": "ore", "smelter": "metal", "foil": "", "cell": "cell"}, "stage")
    >>> sorted((n, d.tier, d.reason) for n, d in cascade(g, ["mine"]).disrupted.items())
    [('cell', 2, 'stage'), ('mine', 0, 'removed'), ('smelter', 1, 'supply')]
    >>> g.graph["essential_inputs"] = {"cell": ["ore"]}  # metal is not essential to a cell maker
    >>> found = cascade(g, ["mine"])
    >>> sorted(found.disrupted), found.partial
    (['mine', 'smelter'], {'cell': {'metal': 1.0}})

    A demand shock: the cell maker stops buying; the smelter sold it 60% of its output.

    >>> g.edges["smelter", "cell"]["supplier_share"] = 0.6
    >>> found = cascade(g, ["cell"], direction="upstream", threshold=0.5)
    >>> sorted((n, d.reason, d.share) for n, d in found.disrupted.items())
    [('cell', 'removed', None), ('foil', 'demand', 1.0), ('mine', 'demand', 1.0), ('smelter', 'demand', 0.6)]
    """
    check_shock(threshold, direction)
    disrupted = {node: Disruption(0, "removed") for node in removed}
    stage_of = {node: graph.nodes[node].get("stage", "") or "" for node in graph}
    stated = graph.graph.get("essential_inputs", {})
    weighted = threshold < 1
    supply_shares, purchase_shares, sales_shares = _reference_shares(graph, stage_of)

    def essential(node: str, stage: str) -> bool:
        return essential_to(stated, stage_of[node], stage)

    def lost(group: _Group) -> float:
        return sum(share for member, share in group.shares.items() if member in disrupted)

    downstream, upstream = direction in ("downstream", "both"), direction in ("upstream", "both")
    tier = 0
    while True:
        found = {}
        for node in graph:
            if node in disrupted:
                continue
            suppliers = supply_shares[node]
            if downstream and suppliers.shares:
                if all(s in disrupted for s in suppliers.shares):
                    found[node] = Disruption(tier + 1, "supply")
                    continue
                if weighted and (share := lost(suppliers)) >= threshold - TOLERANCE:
                    found[node] = Disruption(tier + 1, "supply", share=share, basis=suppliers.basis)
                    continue
                starved: dict[str, tuple[float, str] | None] = {}
                for st, members in purchase_shares[node].items():
                    if not essential(node, st):
                        continue
                    if all(m in disrupted for m in members.shares):
                        starved[st] = None
                    elif weighted and (share := lost(members)) >= threshold - TOLERANCE:
                        starved[st] = (share, members.basis)
                if starved:
                    named = tuple(sorted(starved))
                    weights = [found_share for found_share in starved.values() if found_share is not None]
                    largest = max(weights) if len(weights) == len(starved) else (None, None)
                    found[node] = Disruption(tier + 1, "stage", named, *largest)
                    continue
            clients = sales_shares[node]
            if upstream and clients.shares:
                share = lost(clients)
                if share > 0 and share >= threshold - TOLERANCE:
                    found[node] = Disruption(tier + 1, "demand", share=share, basis=clients.basis)
        if not found:
            break
        disrupted.update(found)
        tier += 1
    partial_losses: dict[str, dict[str, float]] = {}
    sales_lost: dict[str, float] = {}
    for node in graph:
        if node in disrupted:
            continue
        losses = {}
        for st, members in purchase_shares[node].items():
            share = lost(members)
            everyone = all(m in disrupted for m in members.shares)
            # Every supplier of a stage not essential to it lost: listed unasked, whatever the
            # shares say they delivered (a stated 0% too); otherwise a loss of the asked share.
            asked = partial is not None and share > 0 and share >= partial - TOLERANCE
            if asked or (everyone and not essential(node, st)):
                losses[st] = share
        if losses:
            partial_losses[node] = dict(sorted(losses.items()))
        if upstream and partial is not None and sales_shares[node].shares:
            share = lost(sales_shares[node])
            if share > 0 and share >= partial - TOLERANCE:
                sales_lost[node] = share
    return Cascade(disrupted, partial_losses, sales_lost)


@dataclass(frozen=True)
class _Group:
    """A group's shares by the firm at the other end, and their basis (see :mod:`.shares`)."""

    shares: dict[str, float]
    basis: str


def _reference_shares(graph: nx.DiGraph, stage_of: Mapping[str, str]) -> tuple[dict, dict, dict]:
    """Per firm, by :func:`group_shares`: its suppliers' shares of all its supply; per input stage,
    their shares of that stage's; its clients' shares of its sales (self-loops left out)."""

    def group(ends: list[str], edges: list[dict], key: str | None) -> _Group:
        shares, basis = group_shares(edges, key)
        return _Group(dict(zip(ends, shares, strict=True)), basis)

    supply: dict[str, _Group] = {}
    purchases: dict[str, dict[str, _Group]] = {}
    sales: dict[str, _Group] = {}
    for node in graph:
        suppliers = [s for s in graph.predecessors(node) if s != node]
        supply[node] = group(suppliers, [graph.edges[s, node] for s in suppliers], None)
        by_stage: dict[str, list[str]] = defaultdict(list)
        for s in suppliers:
            if stage_of[s]:
                by_stage[stage_of[s]].append(s)
        purchases[node] = {
            st: group(members, [graph.edges[s, node] for s in members], "client_share")
            for st, members in by_stage.items()
        }
        clients = [c for c in graph.successors(node) if c != node]
        sales[node] = group(clients, [graph.edges[node, c] for c in clients], "supplier_share")
    return supply, purchases, sales


def essential_to(stated: Mapping[str, Sequence[str]], own_stage: str, stage: str) -> bool:
    """Whether input ``stage`` is essential to a firm at ``own_stage``, by the stages' statements
    (``stated``: stage -> its essential inputs): a stage that states none has every input essential.

    >>> essential_to({"cell": ["ore"]}, "cell", "metal"), essential_to({"cell": ["ore"]}, "ore", "metal")
    (False, True)
    """
    inputs = stated.get(own_stage)
    return inputs is None or stage in inputs


def paths_cut(graph: nx.DiGraph, removed: Iterable[str]) -> int:
    """Ordered pairs ``(a, b)`` outside ``removed``, ``a != b``, with a supply path before and none
    without ``removed`` (the reference: one search per firm)."""
    gone = set(removed)
    rest = graph.subgraph([n for n in graph if n not in gone])
    return sum(len(nx.descendants(graph, a) - gone) - len(nx.descendants(rest, a)) for a in rest)


# --- on the compiled graph -------------------------------------------------------------------------


def compiled_cascade(
    graph,
    removed: np.ndarray,
    *,
    partial: float | None = None,
    threshold: float = 1.0,
    direction: str = "downstream",
) -> Cascade:
    """:func:`cascade` on a compiled graph (``chaingraph.measures.compiled.AnalysisGraph``);
    ``removed`` is a boolean mask over its nodes. The sums the rule reads (per (client, stage) the
    count and the share of suppliers disrupted, per client the same over all, per supplier the share
    of its sales lost) are kept as running totals: each tier adds the edges of the firms it
    disrupted (out-edges to their clients, in-edges from their suppliers, found in index arrays
    built once per graph) and checks only the firms those edges reach, so a small removal costs
    what it touches, not a pass over every edge (``impact --all --by owner`` runs thousands)."""
    check_shock(threshold, direction)
    n = graph.n
    groups = stage_groups(graph)
    real, staged, key_of_edge = groups.real, groups.staged, groups.key
    client_of_key, stage_of_key, stage_names = groups.client_of_key, groups.stage_of_key, groups.stage_names
    suppliers, clients = graph.suppliers[real], graph.clients[real]
    stage_id = {s: i for i, s in enumerate(stage_names)}
    width = max(len(stage_names), 1)
    pairs = len(client_of_key)
    index = _edge_index(graph, suppliers, clients, staged, client_of_key)
    if "cascade_totals" not in graph.cache:  # the same for every removed set of the graph
        essential = _essential_keys(graph.projection.meta.get("essential_inputs", {}), stage_id, groups.node_stage,
                                    client_of_key, stage_of_key, width)  # fmt: skip
        graph.cache["cascade_totals"] = (
            essential,
            np.bincount(key_of_edge, minlength=pairs),
            np.bincount(clients, minlength=n),
            np.bincount(suppliers, minlength=n),
        )
    essential_key, total_by_key, total_by_client, clients_of = graph.cache["cascade_totals"]
    purchase_found, supply_found, sales_found = purchase_shares(graph), supply_shares(graph), sales_shares(graph)
    purchase, supply, sales = purchase_found.share, supply_found.share, sales_found.share
    weighted = threshold < 1
    downstream, upstream = direction in ("downstream", "both"), direction in ("upstream", "both")
    floor = threshold - TOLERANCE
    key_count, key_share = np.zeros(pairs, dtype=np.int64), np.zeros(pairs)
    client_count, client_share, sales_share = np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n)

    def add(nodes: np.ndarray) -> np.ndarray:
        """Count the edges of newly disrupted ``nodes`` into the sums; the firms they reach."""
        out = _edges_of(nodes, index.out_start, index.out_order)  # edges to their clients
        reached = clients[out]
        np.add.at(client_count, reached, 1)
        np.add.at(client_share, reached, supply[out])
        position = index.staged_position[out]
        position = position[position >= 0]
        np.add.at(key_count, key_of_edge[position], 1)
        np.add.at(key_share, key_of_edge[position], purchase[position])
        into = _edges_of(nodes, index.in_start, index.in_order)  # edges from their suppliers
        np.add.at(sales_share, suppliers[into], sales[into])
        return sorted_unique(np.concatenate([reached, suppliers[into]]))

    down = np.asarray(removed, dtype=bool).copy()
    disrupted = {graph.nodes[i]: Disruption(0, "removed") for i in np.flatnonzero(down).tolist()}
    touched = add(np.flatnonzero(down))
    tier = 0
    while True:
        firms = touched[~down[touched]]
        total = total_by_client[firms]
        every_supplier = (total > 0) & (client_count[firms] == total)
        supply_hit = every_supplier | (weighted & (total > 0) & (client_share[firms] >= floor))
        supply_hit &= downstream
        keys = _edges_of(firms, index.key_start, np.arange(pairs))  # each firm's (client, stage) pairs, in order
        every_key = key_count[keys] == total_by_key[keys]  # every pair has a supplier
        key_hit = (every_key | (weighted & (key_share[keys] >= floor))) & essential_key[keys] & downstream
        starved_keys, whole = keys[key_hit], every_key[key_hit]
        starved_firm = np.zeros(n, dtype=bool)
        starved_firm[client_of_key[starved_keys]] = True
        starved = starved_firm[firms] & ~supply_hit
        sold = sales_share[firms]
        demand_hit = upstream & (clients_of[firms] > 0) & (sold > 0) & (sold >= floor) & ~supply_hit & ~starved
        new = supply_hit | starved | demand_hit
        if not new.any():
            break
        tier += 1
        named_by_client: dict[int, list[tuple[str, tuple[float, str] | None]]] = {}
        starving = set(firms[starved].tolist())
        for key, all_lost in zip(starved_keys.tolist(), whole.tolist(), strict=True):  # each client's stages in order
            client = int(client_of_key[key])
            if client in starving:
                lost = None if all_lost else (float(key_share[key]), BASES[purchase_found.basis[key]])
                named_by_client.setdefault(client, []).append((stage_names[stage_of_key[key]], lost))
        for j in np.flatnonzero(new).tolist():
            i = int(firms[j])
            node = graph.nodes[i]
            if supply_hit[j] and every_supplier[j]:
                disrupted[node] = Disruption(tier, "supply")
            elif supply_hit[j]:
                disrupted[node] = Disruption(tier, "supply", (), float(client_share[i]), BASES[supply_found.basis[i]])
            elif starved[j]:
                named = named_by_client[i]
                weights = [lost for _, lost in named if lost is not None]
                largest = max(weights) if len(weights) == len(named) else (None, None)
                disrupted[node] = Disruption(tier, "stage", tuple(stage for stage, _ in named), *largest)
            else:
                disrupted[node] = Disruption(tier, "demand", (), float(sales_share[i]), BASES[sales_found.basis[i]])
        fresh = firms[new]
        down[fresh] = True
        touched = add(fresh)
    partial_losses: dict[str, dict[str, float]] = {}
    listed = (key_count == total_by_key) & ~essential_key
    if partial is not None:
        listed |= (key_share > 0) & (key_share >= partial - TOLERANCE)
    for key in np.flatnonzero(listed).tolist():
        client, stage = int(client_of_key[key]), int(stage_of_key[key])
        if not down[client]:
            partial_losses.setdefault(graph.nodes[client], {})[stage_names[stage]] = float(key_share[key])
    partial_losses = {node: dict(sorted(found.items())) for node, found in partial_losses.items()}
    sales_lost: dict[str, float] = {}
    if upstream and partial is not None:
        for i in np.flatnonzero(
            ~down & (clients_of > 0) & (sales_share > 0) & (sales_share >= partial - TOLERANCE)
        ).tolist():
            sales_lost[graph.nodes[i]] = float(sales_share[i])
    return Cascade(disrupted, partial_losses, sales_lost)


@dataclass(frozen=True)
class _EdgeIndex:
    """The real edges by supplier (``out_order``, runs starting at ``out_start[i]``) and by client
    (``in_order``, ``in_start``); each real edge's position among the staged ones (-1: unstaged);
    and the (client, stage) pairs of each client (``key_start``: the pairs are sorted by client)."""

    out_order: np.ndarray
    out_start: np.ndarray
    in_order: np.ndarray
    in_start: np.ndarray
    staged_position: np.ndarray
    key_start: np.ndarray


def _edge_index(graph, suppliers: np.ndarray, clients: np.ndarray, staged: np.ndarray, client_of_key) -> _EdgeIndex:
    """:class:`_EdgeIndex` of a compiled graph, built once and kept with it (a ranking runs a
    cascade per candidate)."""
    if "cascade_edge_index" not in graph.cache:
        n, nodes = graph.n, np.arange(graph.n + 1)
        out_order, in_order = np.argsort(suppliers, kind="stable"), np.argsort(clients, kind="stable")
        staged_position = np.full(len(suppliers), -1, dtype=np.int64)
        staged_position[np.flatnonzero(staged)] = np.arange(int(staged.sum()))
        graph.cache["cascade_edge_index"] = _EdgeIndex(
            out_order,
            np.searchsorted(suppliers[out_order], nodes),
            in_order,
            np.searchsorted(clients[in_order], nodes),
            staged_position,
            np.searchsorted(client_of_key, np.arange(n + 1)),
        )
    found: _EdgeIndex = graph.cache["cascade_edge_index"]
    return found


def _edges_of(nodes: np.ndarray, start: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The entries of ``order`` in the runs of ``nodes`` (run ``i``: ``start[i]`` to ``start[i + 1]``), run by run."""
    begin, end = start[nodes], start[nodes + 1]
    counts = end - begin
    if not counts.sum():
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(begin - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return order[offsets + np.arange(int(counts.sum()))]


def _essential_keys(
    stated: dict[str, list[str]],
    stage_id: dict[str, int],
    node_stage: np.ndarray,
    client_of_key: np.ndarray,
    stage_of_key: np.ndarray,
    width: int,
) -> np.ndarray:
    """For each (client, supplier stage) key, whether that stage is essential to the client: its
    own stage states the stage among its essential inputs, or states none (or it has no stage)."""
    client_stage = node_stage[client_of_key]
    stating = np.zeros(width + 1, dtype=bool)  # by client stage id, -1 (unstaged) last
    allowed = []
    for stage, inputs in stated.items():
        if stage in stage_id:
            stating[stage_id[stage]] = True
            allowed += [stage_id[stage] * width + stage_id[i] for i in inputs if i in stage_id]
    pair = client_stage * width + stage_of_key
    return ~stating[client_stage] | np.isin(pair, np.asarray(allowed, dtype=np.int64))


def compiled_paths_cut(graph, removed: np.ndarray) -> int:
    """:func:`paths_cut` on a compiled graph, exact, with igraph's searches.

    Pairs outside the removed set connected before = all connected pairs, less those that start
    or end in the removed set, plus those that do both (counted twice); those connected after are
    the reach counts of the graph without the removed set.
    """
    n = graph.n
    if not n or not removed.any():
        return 0
    ig = graph.igraph
    # The whole graph's exact reach, once per graph: a ranking asks for many removed sets.
    if "exact_downstream_reach" not in graph.cache:
        graph.cache["exact_downstream_reach"] = downstream_reach(graph, exact=True)
    down = graph.cache["exact_downstream_reach"]
    gone = np.flatnonzero(removed)
    up_gone = np.asarray(ig.neighborhood_size(gone.tolist(), order=n, mode="in", mindist=1), dtype=np.int64)
    within = 0
    for start in range(0, len(gone), 256):  # bounded memory: 256 reach lists at a time
        for reached in ig.neighborhood(gone[start : start + 256].tolist(), order=n, mode="out", mindist=1):
            within += int(removed[reached].sum())
    before = int(down.sum() - down[gone].sum() - up_gone.sum() + within)
    rest = ig.induced_subgraph(np.flatnonzero(~removed).tolist())
    after = int(np.asarray(rest.neighborhood_size(order=n, mode="out", mindist=1), dtype=np.int64).sum())
    return before - after
