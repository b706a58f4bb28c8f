"""Disruption scenarios (``impact --remove KIND:NAME``): a firm, a region, a stage or a group drops
out, and the cascade of :mod:`chaingraph.measures.cascade` says who runs out of an input, tier
after tier.

>>> from chaingraph.store import open_store
>>> result = scenario(open_store(), ["firm:Hifen"])
>>> sorted(d["label"] for d in result.disrupted if d["tier"] == 1)
['CATL']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from .errors import InputError
from .measures import dispatch
from .measures.cascade import Cascade, cascade, compiled_cascade, compiled_paths_cut, paths_cut
from .measures.compiled import AnalysisGraph
from .projection.model import Projection, stage_infos, stages_in_order
from .projection.read import project_columns
from .projection.selection import make_selection, select_columns
from .queries import names
from .store import Store

__all__ = [
    "RANK_KINDS",
    "REMOVAL_KINDS",
    "Removal",
    "ScenarioReport",
    "members_of",
    "parse_removal",
    "rank_removals",
    "removed_set",
    "scenario",
]

#: What ``--remove KIND:NAME`` may name, and what each removes.
REMOVAL_KINDS = {
    "firm": "the organization itself",
    "region": "every organization located in the place, through parks and cities",
    "stage": "every organization at the chain stage",
    "owner": "the organization and everything it controls (cg:controls followed down)",
}

#: The reasons a firm is disrupted, as records say them.
REASONS = {"removed": "removed", "stage": "stage-starved", "supply": "supply-starved"}


@dataclass(frozen=True)
class Removal:
    """One ``--remove``: its kind, the text given, and the IRI it resolved to."""

    kind: str
    text: str
    iri: str


@dataclass
class ScenarioReport:
    """The removed set, every disrupted firm (tier 0 and beyond) and the summary."""

    removed: list[dict]
    disrupted: list[dict]
    summary: dict
    partial: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"removed": self.removed, "disrupted": self.disrupted, "summary": self.summary, "partial": self.partial}


def parse_removal(store: Store, text: str) -> Removal:
    """``KIND:NAME`` with KIND one of :data:`REMOVAL_KINDS`; anything else (a bare name, a CURIE
    such as ``fj:catl``, an IRI) names a firm."""
    kind, sep, name = text.partition(":")
    if not sep or kind not in REMOVAL_KINDS:
        kind, name = "firm", text
    if not name.strip():
        raise InputError(f"--remove {text!r}: say what to remove after {kind}:")
    name_kind = {"firm": names.FIRM, "owner": names.FIRM, "region": names.PLACE, "stage": names.STAGE}[kind]
    return Removal(kind, text, str(names.resolve(store, name, name_kind)))


def members_of(table: Projection, removal: Removal) -> np.ndarray:
    """The nodes of ``table`` a removal takes out, as a boolean mask."""
    columns = table.columns
    if removal.kind == "region":
        return np.fromiter((removal.iri in places for places in columns["places"]), dtype=bool, count=len(table))
    if removal.kind == "stage":
        return np.fromiter((stage == removal.iri for stage in columns["stage"]), dtype=bool, count=len(table))
    taken = {removal.iri}
    if removal.kind == "owner":
        controlled: dict[str, list[str]] = {}
        for owner, owned in table.meta.get("controls", []):
            controlled.setdefault(owner, []).append(owned)
        frontier = [removal.iri]
        while frontier:
            for owned in controlled.get(frontier.pop(), []):
                if owned not in taken:
                    taken.add(owned)
                    frontier.append(owned)
    return np.fromiter((node in taken for node in table.nodes), dtype=bool, count=len(table))


def removed_set(
    store: Store, table: Projection, remove: Sequence[str], network: str = "the selected network"
) -> tuple[list[Removal], np.ndarray, list[dict]]:
    """The removals ``remove`` names, the union of their members in ``table`` as a mask, and a
    record per removal; a removal that takes out nothing of ``network`` is an error."""
    removals = [parse_removal(store, text) for text in remove]
    mask = np.zeros(len(table), dtype=bool)
    records = []
    for removal in removals:
        members = members_of(table, removal)
        if not members.any():
            raise InputError(f"--remove {removal.text!r}: no organization of {network}")
        mask |= members
        records.append({"kind": removal.kind, "name": removal.text, "id": removal.iri, "members": int(members.sum())})
    return removals, mask, records


def scenario(
    store: Store,
    remove: Sequence[str],
    *,
    chain: str | None = None,
    region: str | None = None,
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
    group_by: str | None = None,
    partial: float | None = None,
    backend: str = "auto",
) -> ScenarioReport:
    """What breaks, tier after tier, when every firm ``remove`` names drops out (their union).

    ``chain``, ``region``, ``evidence`` and ``group_by`` choose the network first, as for
    ``stats``; ``partial`` (a share in (0, 1]) also lists the firms not disrupted that lost at
    least that share of some stage's suppliers. The cascade rule is
    :mod:`chaingraph.measures.cascade`'s.
    """
    if not remove:
        raise InputError("--remove: name at least one KIND:NAME to remove")
    if partial is not None and not 0 < partial <= 1:
        raise InputError(f"--partial {partial}: a share between 0 (excluded) and 1")
    dispatch.check_backend(backend)
    selection = make_selection(
        store, chain=chain, region=region, evidence=evidence, group_by=group_by, as_of=as_of, undated=undated
    )
    table = select_columns(project_columns(store), selection)
    removals, removed_mask, removed_records = removed_set(store, table, remove)
    if dispatch.uses_compiled(len(table), backend):
        graph = AnalysisGraph(table)
        found = compiled_cascade(graph, removed_mask, partial=partial)
        cut = compiled_paths_cut(graph, removed_mask)
        before, after = _weak_components(graph), _weak_components(graph, ~removed_mask)
    else:
        digraph = table.to_networkx()
        gone = {table.nodes[i] for i in np.flatnonzero(removed_mask).tolist()}
        found = cascade(digraph, gone, partial=partial)
        cut = paths_cut(digraph, gone)
        rest = digraph.subgraph([n for n in digraph if n not in gone])
        before = nx.number_weakly_connected_components(digraph) if len(digraph) else 0
        after = nx.number_weakly_connected_components(rest) if len(rest) else 0
    places = [r.iri for r in removals if r.kind == "region"]
    return _report(table, found, removed_records, places, cut, before, after)


def _weak_components(graph: AnalysisGraph, kept: np.ndarray | None = None) -> int:
    """Weakly connected components of the compiled graph, or of the part ``kept`` (a mask) holds."""
    from scipy.sparse.csgraph import connected_components

    keep = np.arange(graph.n) if kept is None else np.flatnonzero(kept)
    if not len(keep):
        return 0
    matrix = graph.adjacency if kept is None else graph.adjacency[keep][:, keep]
    return int(connected_components(matrix, directed=True, connection="weak")[0])


def _report(
    table: Projection, found: Cascade, removed: list[dict], places: list[str], cut: int, before: int, after: int
) -> ScenarioReport:
    columns = table.columns
    index = {node: i for i, node in enumerate(table.nodes)}
    stage_labels = stage_infos(table.meta)
    disrupted = []
    for node, why in sorted(found.disrupted.items(), key=lambda item: (item[1].tier, columns["label"][index[item[0]]])):
        i = index[node]
        disrupted.append(
            {
                "id": node,
                "label": columns["label"][i],
                "label_zh": columns["label_zh"][i],
                "tier": why.tier,
                "reason": REASONS[why.reason],
                "stages_lost": [stage_labels.get(s, {}).get("label", s) for s in why.stages],
                "stage_ids_lost": list(why.stages),
                "place": columns["place_label"][i],
                "chains": [table.meta["chains"].get(c, {}).get("id", c) for c in columns["chains"][i]],
            }
        )
    tiers: dict[int, int] = {}
    for record in disrupted:
        tiers[record["tier"]] = tiers.get(record["tier"], 0) + 1
    beyond = [r for r in disrupted if r["tier"] >= 1]
    outside = None
    if places:
        outside = sum(1 for r in beyond if not any(p in columns["places"][index[r["id"]]] for p in places))
    summary = {
        "removed": tiers.get(0, 0),
        "disrupted_beyond_removed": len(beyond),
        "firms_per_tier": [tiers[t] for t in sorted(tiers)],
        "outside_removed_places": outside,
        "stages_emptied": _stages_emptied(table, found),
        "paths_cut": cut,
        "components_before": before,
        "components_after": after,
    }
    partial = [
        {
            "id": node,
            "label": columns["label"][index[node]],
            "label_zh": columns["label_zh"][index[node]],
            "stages": {stage_labels.get(s, {}).get("label", s): share for s, share in shares.items()},
        }
        for node, shares in sorted(found.partial.items(), key=lambda item: columns["label"][index[item[0]]])
    ]
    return ScenarioReport(removed, disrupted, summary, partial)


def _stages_emptied(table: Projection, found: Cascade) -> list[dict]:
    """The stages of each chain that had a member in the network and have none left undisrupted."""
    stage_column = table.columns["stage"]
    members: dict[str, int] = {}
    surviving: dict[str, int] = {}
    for node, stage in zip(table.nodes, stage_column, strict=True):
        if stage:
            members[stage] = members.get(stage, 0) + 1
            if node not in found.disrupted:
                surviving[stage] = surviving.get(stage, 0) + 1
    emptied = []
    for chain_iri, chain in sorted(table.meta["chains"].items(), key=lambda item: item[1].get("id", item[0])):
        for stage, info in stages_in_order(chain):
            if members.get(stage) and not surviving.get(stage):
                emptied.append({"chain": chain.get("id", chain_iri), "stage": stage, "label": info["label"]})
    return emptied


#: What ``impact --all --by`` ranks.
RANK_KINDS = ("region", "stage", "owner")


def rank_removals(
    store: Store,
    by: str,
    *,
    top: int | None = 10,
    chain: str | None = None,
    region: str | None = None,
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
    group_by: str | None = None,
) -> list[dict]:
    """The places, stages or groups of the network ranked by the harm their removal does
    (``impact --all --by``), each a record with its ``summary``, most harmful first.

    Candidates: for ``region`` every place any node lies in, at every level (county, city, park),
    except a place holding every firm of the network; for ``stage`` every stage with a member; for
    ``owner`` every organization that controls another one of the network. Harm orders by the
    firms disrupted beyond the removed set, then supply paths cut, then stages left with no
    member. The cascade runs for every candidate (one pass over the edges per tier); the paths cut,
    which need searches over the graph, are counted only for the candidates the first ``top``
    places can depend on: the first ``top`` by firms disrupted, and every candidate tied with the
    last of them.
    """
    if by not in RANK_KINDS:
        raise InputError(f"--by {by!r}: use {', '.join(RANK_KINDS)}")
    if top is not None and top < 1:
        raise InputError(f"--top {top}: must be 1 or more")
    selection = make_selection(
        store, chain=chain, region=region, evidence=evidence, group_by=group_by, as_of=as_of, undated=undated
    )
    table = select_columns(project_columns(store), selection)
    graph = AnalysisGraph(table)
    labels = _candidate_labels(table, by)
    candidates = []
    for iri, label in labels.items():
        mask = members_of(table, Removal(by, label, iri))
        if not mask.any() or (by == "region" and mask.all()):
            continue
        found = compiled_cascade(graph, mask)
        beyond = sum(1 for why in found.disrupted.values() if why.tier >= 1)
        candidates.append((iri, label, mask, found, beyond))
    candidates.sort(key=lambda c: (-c[4], c[1]))
    if top is not None and len(candidates) > top:
        boundary = candidates[top - 1][4]
        candidates = [c for i, c in enumerate(candidates) if i < top or c[4] == boundary]
    before = _weak_components(graph)
    ranked: list[dict[str, Any]] = []
    for iri, label, mask, found, _beyond in candidates:
        cut = compiled_paths_cut(graph, mask)
        after = _weak_components(graph, ~mask)
        report = _report(
            table,
            found,
            [{"kind": by, "name": label, "id": iri, "members": int(mask.sum())}],
            [iri] if by == "region" else [],
            cut,
            before,
            after,
        )
        ranked.append({"kind": by, "id": iri, "label": label, "members": int(mask.sum()), "summary": report.summary})
    ranked.sort(
        key=lambda r: (
            -r["summary"]["disrupted_beyond_removed"],
            -r["summary"]["paths_cut"],
            -len(r["summary"]["stages_emptied"]),
            r["label"],
        )
    )
    return ranked[:top] if top else ranked


def _candidate_labels(table: Projection, by: str) -> dict[str, str]:
    """IRI -> label of every candidate of ``by`` in the network."""
    if by == "region":
        places = table.meta["places"]
        found = {place for located in table.columns["places"] for place in located}
        return {place: places.get(place, {}).get("label", place) for place in sorted(found)}
    if by == "stage":
        stages = stage_infos(table.meta)
        present = {stage for stage in table.columns["stage"] if stage}
        return {stage: stages.get(stage, {}).get("label", stage) for stage in sorted(present)}
    index = {node: i for i, node in enumerate(table.nodes)}
    owners = {owner for owner, owned in table.meta.get("controls", []) if owner in index and owned in index}
    return {owner: table.columns["label"][index[owner]] for owner in sorted(owners)}
