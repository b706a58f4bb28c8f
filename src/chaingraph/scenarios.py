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

import networkx as nx
import numpy as np

from .errors import InputError
from .measures import dispatch
from .measures.cascade import Cascade, cascade, compiled_cascade, compiled_paths_cut, paths_cut
from .measures.compiled import AnalysisGraph
from .projection.model import Projection
from .projection.read import project_columns
from .projection.selection import select_columns
from .queries import names
from .reports import make_selection
from .store import Store

__all__ = ["REMOVAL_KINDS", "Removal", "ScenarioReport", "members_of", "parse_removal", "scenario"]

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


def scenario(
    store: Store,
    remove: Sequence[str],
    *,
    chain: str | None = None,
    region: str | None = None,
    evidence: str | Iterable[str] = "all",
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
    selection = make_selection(store, chain=chain, region=region, evidence=evidence, group_by=group_by)
    table = select_columns(project_columns(store), selection)
    removals = [parse_removal(store, text) for text in remove]
    removed_mask = np.zeros(len(table), dtype=bool)
    removed_records = []
    for removal in removals:
        mask = members_of(table, removal)
        if not mask.any():
            raise InputError(f"--remove {removal.text!r}: no organization of the selected network")
        removed_mask |= mask
        removed_records.append(
            {"kind": removal.kind, "name": removal.text, "id": removal.iri, "members": int(mask.sum())}
        )
    if dispatch.uses_compiled(len(table), backend):
        graph = AnalysisGraph(table)
        found = compiled_cascade(graph, removed_mask, partial=partial)
        cut = compiled_paths_cut(graph, removed_mask)
        before, after = _components_compiled(graph, removed_mask)
    else:
        digraph = table.to_networkx()
        gone = [table.nodes[i] for i in np.flatnonzero(removed_mask).tolist()]
        found = cascade(digraph, gone, partial=partial)
        cut = paths_cut(digraph, gone)
        rest = digraph.subgraph([n for n in digraph if n not in set(gone)])
        before = nx.number_weakly_connected_components(digraph) if len(digraph) else 0
        after = nx.number_weakly_connected_components(rest) if len(rest) else 0
    places = [r.iri for r in removals if r.kind == "region"]
    return _report(table, found, removed_records, places, cut, before, after)


def _components_compiled(graph: AnalysisGraph, removed: np.ndarray) -> tuple[int, int]:
    from scipy.sparse.csgraph import connected_components

    if not graph.n:
        return 0, 0
    before = connected_components(graph.adjacency, directed=True, connection="weak")[0]
    keep = np.flatnonzero(~removed)
    if not len(keep):
        return int(before), 0
    after = connected_components(graph.adjacency[keep][:, keep], directed=True, connection="weak")[0]
    return int(before), int(after)


def _report(
    table: Projection, found: Cascade, removed: list[dict], places: list[str], cut: int, before: int, after: int
) -> ScenarioReport:
    columns = table.columns
    index = {node: i for i, node in enumerate(table.nodes)}
    stage_labels = {stage: info for chain in table.meta["chains"].values() for stage, info in chain["stages"].items()}
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
        for stage, info in sorted(chain["stages"].items(), key=lambda item: (item[1]["order"], item[1]["label"])):
            if members.get(stage) and not surviving.get(stage):
                emptied.append({"chain": chain.get("id", chain_iri), "stage": stage, "label": info["label"]})
    return emptied
