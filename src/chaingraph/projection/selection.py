"""Which part of the network to analyse, as one value (:class:`Selection`: chains, region,
evidence levels, level, grouping), and the functions that apply it to a NetworkX graph
(:func:`select`) or to the projection's columns (:func:`select_columns`), which keep the same
nodes and edges.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..errors import InputError
from ..queries import names
from ..queries.texts import package_query
from ..records import Dating
from ..vocab import EVIDENCE_LEVELS, check_level
from . import periods
from .groups import group_by_owner, stage_level
from .model import Projection, edge_evidence
from .source import Source, network_source

__all__ = [
    "FIRM_LEVEL_SCOPE",
    "Scope",
    "Selection",
    "dating_counts",
    "evidence_counts",
    "evidence_levels",
    "make_selection",
    "neighbourhood",
    "scope_for",
    "select",
    "select_columns",
]


@dataclass(frozen=True)
class Selection:
    """Which part of the network to analyse; ``None`` means no restriction."""

    chains: frozenset[str] | None = None
    region: str | None = None
    level: str = "firm"
    #: The evidence levels of the edges kept (see :data:`vocab.EVIDENCE_LEVELS`); ``None``: all.
    evidence: frozenset[str] | None = None
    #: ``owner``: each firm merged into the organization that controls it (``cg:controls``).
    group_by: str | None = None
    #: Only the edges in force on this date (a year, a month or a day: see
    #: :mod:`chaingraph.projection.periods`); ``None``: every edge, whenever.
    as_of: str | None = None
    #: With ``as_of``: ``include`` keeps the edges no period dates, ``exclude`` leaves them out.
    undated: str = "include"

    def describe(self, meta: dict) -> str:
        """The selection in words, with labels from ``meta`` (a graph's ``graph.graph``)."""
        parts = []
        if self.chains is not None:
            labels = sorted(meta["chains"].get(c, {}).get("label", c) for c in self.chains)
            parts.append("chain " + ", ".join(labels))
        if self.region is not None:
            parts.append("region " + meta["places"].get(self.region, {}).get("label", self.region))
        parts.append(f"{self.level} level")
        if self.evidence is not None:
            parts.append("edges " + " or ".join(level for level in EVIDENCE_LEVELS if level in self.evidence))
        if self.group_by is not None:
            parts.append(f"grouped by {self.group_by}")
        if self.as_of is not None:
            parts.append(f"in force on {self.as_of}" + ("" if self.undated == "include" else ", undated left out"))
        return "; ".join(parts)


@dataclass(frozen=True)
class Scope:
    """The part of the network a user asks for, in the names they give it (a command's
    ``--chain``, ``--region``, ``--level``, ``--evidence``, ``--as-of``, ``--undated`` and
    ``--group-by``): one request every verb takes, checked and resolved against a source by
    :func:`make_selection` into a :class:`Selection` (IRIs and levels). ``evidence`` is ``all``,
    one level or several (see :data:`chaingraph.vocab.EVIDENCE_LEVELS`); ``as_of`` a year, month or
    day (:mod:`chaingraph.projection.periods`); ``group_by="owner"`` merges each firm into the
    organization that controls it.

    >>> Scope(chain="ningde", evidence=["stated", "inferred"]).evidence
    ('stated', 'inferred')
    """

    chain: str | None = None
    region: str | None = None
    level: str = "firm"
    evidence: str | tuple[str, ...] = "all"
    as_of: str | None = None
    undated: str = "include"
    group_by: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.evidence, str):  # any iterable of levels, kept as a tuple (hashable)
            object.__setattr__(self, "evidence", tuple(self.evidence))


#: The fields of a :class:`Scope` a verb that works on firms reads: all but the level (a removal
#: or a ranking is of firms).
FIRM_LEVEL_SCOPE = ("chain", "region", "evidence", "as_of", "undated", "group_by")


def scope_for(scope: Scope | None, verb: str, *fields: str) -> Scope:
    """``scope`` (``None``: the whole network) for a verb that reads only ``fields`` of it: any
    other field set is an :class:`InputError` naming the verb and the option, never a request
    quietly ignored.

    >>> scope_for(Scope(chain="ningde"), "impact", "chain", "region").chain
    'ningde'
    >>> scope_for(Scope(level="stage"), "impact", "chain", "region")
    Traceback (most recent call last):
    chaingraph.errors.InputError: impact: --level 'stage' does not apply (it reads --chain, --region)
    """
    scope = scope or Scope()
    unset = Scope()
    for field in dataclasses.fields(scope):
        value = getattr(scope, field.name)
        if field.name not in fields and value != getattr(unset, field.name):
            reads = ", ".join(f"--{name.replace('_', '-')}" for name in fields)
            raise InputError(f"{verb}: --{field.name.replace('_', '-')} {value!r} does not apply (it reads {reads})")
    return scope


def _selected(selection: Selection, chains: list[str], places: list[str]) -> bool:
    if selection.chains is not None and not selection.chains.intersection(chains):
        return False
    return selection.region is None or selection.region in places


def select(graph: nx.DiGraph, selection: Selection) -> nx.DiGraph:
    """The part of ``graph`` a selection asks for, at firm or stage level (a new graph)."""
    check_level(selection.level)
    if selection.group_by == "owner":
        graph = group_by_owner(_controls_in_force(Projection.from_networkx(graph), selection)).to_networkx()
    kept = {n for n, data in graph.nodes(data=True) if _selected(selection, data["chains"], data["places"])}
    # Built in the full graph's node and edge order: networkx's subgraph views follow the order
    # of a set when the selection is small, and float sums (PageRank) would then differ in the
    # last digits between processes.
    chosen = nx.DiGraph()
    chosen.add_nodes_from((node, dict(data)) for node, data in graph.nodes(data=True) if node in kept)
    chosen.add_edges_from(
        (supplier, client, dict(data))
        for supplier, client, data in graph.edges(data=True)
        if supplier in kept and client in kept and _evidence_kept(selection, data) and _dated_kept(selection, data)
    )
    chosen.graph = dict(graph.graph)
    chosen.graph["selection"] = selection.describe(graph.graph)
    return stage_level(chosen) if selection.level == "stage" else chosen


def _evidence_kept(selection: Selection, data: dict) -> bool:
    return selection.evidence is None or edge_evidence(data) in selection.evidence


def _controls_in_force(projection: Projection, selection: Selection) -> Projection:
    """With ``as_of``, the projection whose control pairs are those in force on that date: a pair
    whose qualified ownerships are all dated and none in force is left out (ownership follows the
    rule supply follows; a pair with no dated ownership stays)."""
    if selection.as_of is None or not projection.meta.get("control_periods"):
        return projection
    on = periods.window(selection.as_of)
    bounds: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for owner, owned, start, end in projection.meta["control_periods"]:
        bounds[(owner, owned)].append([start, end])
    kept = [
        pair
        for pair in projection.meta.get("controls", [])
        if (found := bounds.get((pair[0], pair[1]))) is None
        or periods.edge_state({"intervals": found}, on) != periods.NOT_IN_FORCE
    ]
    return dataclasses.replace(projection, meta=dict(projection.meta, controls=kept))


def _dated_kept(selection: Selection, data: dict) -> bool:
    if selection.as_of is None:
        return True
    state = periods.edge_state(data, periods.window(selection.as_of))
    return state == periods.IN_FORCE or (state == periods.UNDATED and selection.undated == "include")


def dating_counts(projection: Projection, selection: Selection) -> Dating | None:
    """With ``selection.as_of``: how many of the (selected) projection's edges are in force on that
    date and how many no period dates (``None`` without ``as_of``)."""
    if selection.as_of is None:
        return None
    states = periods.edge_states(projection, periods.window(selection.as_of))
    return {
        "as_of": selection.as_of,
        "in_force": int(np.count_nonzero(states == periods.IN_FORCE)),
        "undated": int(np.count_nonzero(states == periods.UNDATED)),
        "undated_kept": selection.undated == "include",
    }


def _dated_mask(projection: Projection, selection: Selection) -> np.ndarray:
    """True for the edges a selection's ``as_of`` keeps."""
    states = periods.edge_states(projection, periods.window(str(selection.as_of)))
    keep = states == periods.IN_FORCE
    if selection.undated == "include":
        keep |= states == periods.UNDATED
    return keep


def evidence_counts(projection: Projection) -> dict[str, int]:
    """How many of the projection's edges are at each evidence level (every level, zeros kept)."""
    counts = np.bincount(projection.evidence, minlength=len(EVIDENCE_LEVELS))
    return {level: int(count) for level, count in zip(EVIDENCE_LEVELS, counts.tolist(), strict=True)}


def _evidence_mask(projection: Projection, levels: frozenset[str]) -> np.ndarray:
    """True for the edges whose evidence level is one of ``levels``."""
    return np.isin(projection.evidence, [EVIDENCE_LEVELS.index(level) for level in levels])


def select_columns(projection: Projection, selection: Selection) -> Projection:
    """The firm-level part of a projection that a selection asks for (what :func:`select` keeps)."""
    if selection.level != "firm":
        raise InputError(f"--level {selection.level!r}: columns are firm level; use select() for stages")
    if selection.group_by == "owner":
        projection = group_by_owner(_controls_in_force(projection, selection))
    meta = dict(projection.meta, selection=selection.describe(projection.meta))
    if selection.evidence is not None:
        projection = projection.keep_edges(_evidence_mask(projection, selection.evidence))
    if selection.as_of is not None:
        projection = projection.keep_edges(_dated_mask(projection, selection))
    if selection.chains is None and selection.region is None:
        # Everything is selected: share the columns rather than copy every one of them.
        return dataclasses.replace(projection, meta=meta)
    chains, places = projection.columns["chains"], projection.columns["places"]
    keep = np.fromiter(
        (_selected(selection, chains[i], places[i]) for i in range(len(projection))),
        dtype=bool,
        count=len(projection),
    )
    return projection.restrict(keep, meta)


def neighbourhood(graph: nx.DiGraph, firm: str, hops: int) -> nx.DiGraph:
    """The part of ``graph`` within ``hops`` supply tiers of ``firm``, upstream (its suppliers,
    theirs, ...) and downstream (its clients, theirs, ...): ``view --focus FIRM --hops N``."""
    if hops < 1:
        raise InputError(f"--hops {hops}: must be 1 or more")
    if firm not in graph:
        raise InputError("--focus: the firm is not part of the selected chain or region")
    up = nx.single_source_shortest_path_length(graph.reverse(copy=False), firm, cutoff=hops)
    down = nx.single_source_shortest_path_length(graph, firm, cutoff=hops)
    kept = set(up) | set(down)
    # In the whole graph's order, as select() builds its graphs (a set's order changes per process).
    chosen = nx.DiGraph()
    chosen.add_nodes_from((node, dict(data)) for node, data in graph.nodes(data=True) if node in kept)
    chosen.add_edges_from(
        (supplier, client, dict(data))
        for supplier, client, data in graph.edges(data=True)
        if supplier in kept and client in kept
    )
    chosen.graph = dict(graph.graph)
    return chosen


ONTOLOGY_PRESENT = package_query("report-ontology-present")


def make_selection(source: Source, scope: Scope | None = None) -> Selection:
    """Check and resolve the part of the network a user asked for (:class:`Scope`: the names given
    for ``--chain``, ``--region`` ..., ``None`` the whole network) into a :class:`Selection`.

    Names are found in ``source``: a store, or a store and the sheets joined to it
    (:class:`~chaingraph.projection.source.NetworkSource`). ``group_by="owner"`` merges each firm
    into the organization that controls it (see :func:`chaingraph.projection.groups.group_by_owner`).

    The store must hold the ontology: comparator labels and users' own place classes come from it,
    and without it a server's reports would be quietly incomplete.
    """
    scope = scope or Scope()
    chain, region, level, evidence = scope.chain, scope.region, scope.level, scope.evidence
    group_by, as_of, undated = scope.group_by, scope.as_of, scope.undated
    source = network_source(source)
    if not source.store.ask(ONTOLOGY_PRESENT):
        raise InputError(
            f"{source.store.description} holds no chaingraph ontology: load a dataset export "
            "(chaingraph export --format nq), which carries it, or ontology.ttl"
        )
    check_level(level)
    # An empty name is a mistake (an unset shell variable, say), not a request for everything.
    for option, given in (("--chain", chain), ("--region", region)):
        if given is not None and not given.strip():
            raise InputError(f"{option}: empty name; leave the option out to analyse the whole graph")
    chains = frozenset(str(c) for c in source.resolve_chains(chain)) if chain is not None else None
    place = str(source.resolve(region, names.PLACE)) if region is not None else None
    if group_by not in (None, "owner"):
        raise InputError(f"--group-by {group_by!r}: use owner")
    if as_of is not None:
        as_of = periods.window(as_of).text  # a one-line error for a date that is not one
    if undated not in ("include", "exclude"):
        raise InputError(f"--undated {undated!r}: use include or exclude")
    return Selection(
        chains=chains,
        region=place,
        level=level,
        evidence=evidence_levels(evidence),
        group_by=group_by,
        as_of=as_of,
        undated=undated,
    )


def evidence_levels(evidence: str | Iterable[str]) -> frozenset[str] | None:
    """The evidence levels a user asked for (``None`` for all); an unknown level is an error."""
    asked = [evidence] if isinstance(evidence, str) else list(evidence)
    if not asked or "all" in asked:
        return None
    unknown = [level for level in asked if level not in EVIDENCE_LEVELS]
    if unknown:
        raise InputError(f"--evidence {unknown[0]!r}: use {', '.join(EVIDENCE_LEVELS)} or all")
    return frozenset(asked)
