"""Disruption scenarios (``impact --remove KIND:NAME``): a firm, a region, a stage or a group drops
out, and the cascade of :mod:`chaingraph.measures.cascade` says who runs out of an input, tier
after tier.

>>> from chaingraph.store import open_store
>>> result = scenario(open_store(), ["stage:separators"])
>>> sorted(d["label"] for d in result.disrupted if d["tier"] == 1)
['CATL']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx
import numpy as np

from ..engines import LOCAL, SPARK, Compute, implementation
from ..errors import InputError, UnknownNameError
from ..measures import dispatch
from ..measures.cascade import (
    Cascade,
    Disruption,
    Shock,
    cascade,
    compiled_cascade,
    compiled_paths_cut,
    essential_to,
    paths_cut,
)
from ..measures.compiled import AnalysisGraph
from ..projection.model import Projection, stage_infos, stages_in_order
from ..projection.selection import FIRM_LEVEL_SCOPE, Scope, make_selection, scope_for, select_columns
from ..projection.source import NetworkSource, Source, network_source
from ..queries import names
from ..records import DisruptedFirm, EmptiedStage, PartialLoss, RemovedSet, ScenarioSummary

__all__ = [
    "REMOVAL_KINDS",
    "Connectivity",
    "Removal",
    "ScenarioReport",
    "ScenarioRun",
    "essential_note",
    "members_of",
    "parse_removal",
    "removed_set",
    "scenario",
    "scenario_report",
    "share_note",
    "weak_components",
]

#: What ``--remove KIND:NAME`` may name, and what each removes.
REMOVAL_KINDS = {
    "firm": "the organization itself",
    "region": "every organization located in the place, through parks and cities",
    "stage": "every organization at the chain stage",
    "owner": "the organization and everything it controls (cg:controls followed down)",
}

#: The reasons a firm is disrupted, as records say them.
REASONS = {"removed": "removed", "stage": "stage-starved", "supply": "supply-starved", "demand": "demand-lost"}


@dataclass(frozen=True)
class Removal:
    """One ``--remove``: its kind, the text given, and the IRI it resolved to."""

    kind: str
    text: str
    iri: str


@dataclass
class ScenarioReport:
    """The removed set, every disrupted firm (tier 0 and beyond) and the summary."""

    removed: list[RemovedSet]
    disrupted: list[DisruptedFirm]
    summary: ScenarioSummary
    partial: list[PartialLoss] = field(default_factory=list)
    #: Where it was computed: ``local`` (this machine) or ``spark`` (:mod:`chaingraph.engines`).
    engine: str = LOCAL
    #: What the engine left out of the summary (its value ``None``), one line each.
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "removed": self.removed,
            "disrupted": self.disrupted,
            "summary": self.summary,
            "partial": self.partial,
            "notes": self.notes,
        }


def _split_removal(text: str) -> tuple[str, str]:
    """``KIND:NAME`` as its kind and name; anything else (a bare name, a CURIE such as
    ``fj:catl``, an IRI) names a firm."""
    kind, sep, name = text.partition(":")
    if not sep or kind not in REMOVAL_KINDS:
        kind, name = "firm", text
    if not name.strip():
        raise InputError(f"--remove {text!r}: say what to remove after {kind}:")
    return kind, name


def parse_removal(source: Source, text: str) -> Removal:
    """``KIND:NAME`` with KIND one of :data:`REMOVAL_KINDS`; anything else (a bare name, a CURIE
    such as ``fj:catl``, an IRI) names a firm, found in ``source``'s graph or sheets."""
    kind, name = _split_removal(text)
    name_kind = {"firm": names.FIRM, "owner": names.FIRM, "region": names.PLACE, "stage": names.STAGE}[kind]
    return Removal(kind, text, str(network_source(source).resolve(name, name_kind)))


def members_of(table: Projection, removal: Removal) -> np.ndarray:
    """The nodes of ``table`` a removal takes out, as a boolean mask."""
    columns = table.columns
    if removal.kind == "region":
        return np.fromiter((removal.iri in places for places in columns["places"]), dtype=bool, count=len(table))
    if removal.kind == "stage":
        return np.fromiter((stage == removal.iri for stage in columns["stage"]), dtype=bool, count=len(table))
    taken = _group_of(removal.iri, table.meta) if removal.kind == "owner" else {removal.iri}
    index = table.node_index()
    mask = np.zeros(len(table), dtype=bool)
    mask[[index[node] for node in taken if node in index]] = True
    return mask


def _group_of(owner: str, meta: dict) -> set[str]:
    """``owner`` and everything it controls, ``cg:controls`` followed down (``meta["controls"]``)."""
    controlled: dict[str, list[str]] = {}
    for head, owned in meta.get("controls", []):
        controlled.setdefault(head, []).append(owned)
    taken, frontier = {owner}, [owner]
    while frontier:
        for owned in controlled.get(frontier.pop(), []):
            if owned not in taken:
                taken.add(owned)
                frontier.append(owned)
    return taken


def removed_set(
    source: Source, table: Projection, remove: Sequence[str], network: str = "the selected network"
) -> tuple[list[Removal], np.ndarray, list[RemovedSet]]:
    """The removals ``remove`` names, the union of their members in ``table`` as a mask, and a
    record per removal; a removal that takes out nothing of ``network`` is an error."""
    removals = [parse_removal(source, text) for text in remove]
    mask = np.zeros(len(table), dtype=bool)
    records: list[RemovedSet] = []
    for removal in removals:
        members = members_of(table, removal)
        if not members.any():
            raise InputError(f"--remove {removal.text!r}: no organization of {network}")
        mask |= members
        records.append({"kind": removal.kind, "name": removal.text, "id": removal.iri, "members": int(members.sum())})
    return removals, mask, records


@dataclass(frozen=True)
class ScenarioRun:
    """How a scenario runs, beside what it selects: what is removed, the partial losses listed, the
    shock, Spark's master and the local backend (see :func:`scenario`)."""

    remove: tuple[str, ...]
    shock: Shock
    master: str | None
    backend: str


def scenario(
    source: Source,
    remove: Sequence[str],
    scope: Scope | None = None,
    *,
    shock: Shock | None = None,
    compute: Compute | None = None,
) -> ScenarioReport:
    """What breaks, tier after tier, when every firm ``remove`` names drops out (their union).

    ``scope`` chooses the network first (:class:`~chaingraph.projection.selection.Scope`, as for
    ``stats``; at firm level). The cascade rule is :mod:`chaingraph.measures.cascade`'s, with the
    ``shock``'s threshold and direction (:class:`Shock`; shares follow
    :mod:`chaingraph.measures.shares`); its ``partial`` also lists the firms not disrupted that lost
    at least that share of some stage's supply (and, with demand shocks, of its sales).
    ``compute`` with ``engine="spark"`` runs the cascade on Apache Spark (master ``spark_master``,
    default ``local[*]``) over the source's sheets, as ``stats`` does, by the same rule and shares;
    the supply paths cut are then left out (``None``, said in ``notes``).
    """
    if not remove:
        raise InputError("--remove: name at least one KIND:NAME to remove")
    shock = (shock or Shock()).check()
    compute = compute or Compute()
    if compute.exact or compute.output is not None:
        raise InputError("impact --remove: --exact and --output do not apply")
    dispatch.check_backend(compute.backend)
    firms = scope_for(scope, "impact --remove", *FIRM_LEVEL_SCOPE)
    run = implementation(compute.engine, local=_local_scenario, spark=_spark_scenario)
    how = ScenarioRun(tuple(remove), shock, compute.spark_master, compute.backend)
    return run(network_source(source), firms, how)


def _local_scenario(source: NetworkSource, scope: Scope, how: ScenarioRun) -> ScenarioReport:
    """The scenario on this machine (see :func:`scenario`): the compiled cascade, or the reference's
    at the sizes and with the ``backend`` the dispatcher says."""
    remove, shock, master, backend = how.remove, how.shock, how.master, how.backend
    partial = shock.partial
    if master is not None:
        raise InputError("--spark-master goes with --engine spark")
    threshold, direction = shock.threshold, shock.direction
    selection = make_selection(source, scope)
    table = select_columns(source.projection(), selection)
    removals, removed_mask, removed_records = removed_set(source, table, remove)
    if dispatch.uses_compiled(len(table), backend):
        graph = AnalysisGraph(table)
        found = compiled_cascade(graph, removed_mask, partial=partial, threshold=threshold, direction=direction)
        cut = compiled_paths_cut(graph, removed_mask)
        before, after = weak_components(graph), weak_components(graph, ~removed_mask)
    else:
        digraph = table.to_networkx()
        gone = {table.nodes[i] for i in np.flatnonzero(removed_mask).tolist()}
        found = cascade(digraph, gone, partial=partial, threshold=threshold, direction=direction)
        cut = paths_cut(digraph, gone)
        rest = digraph.subgraph([n for n in digraph if n not in gone])
        before = nx.number_weakly_connected_components(digraph) if len(digraph) else 0
        after = nx.number_weakly_connected_components(rest) if len(rest) else 0
    places = [r.iri for r in removals if r.kind == "region"]
    return scenario_report(table, found, removed_records, places, Connectivity(cut, before, after), shock)


#: What the Spark engine leaves out of a scenario's summary, and why.
SUMMARY_NOT_ON_SPARK = {
    "paths_cut": "supplier-to-client paths cut need every firm's reach before and after, exactly; "
    "--engine local counts them"
}


def _spark_scenario(source: NetworkSource, scope: Scope, how: ScenarioRun) -> ScenarioReport:
    """The scenario on Spark (:func:`chaingraph.spark.scenario.run_scenario`), its records built
    as the compiled cascade's are; ``how.backend`` is this machine's and goes unused."""
    remove, shock, master = how.remove, how.shock, how.master
    from ..spark.network import read_network, spark_source
    from ..spark.scenario import SparkRemoval, run_scenario
    from ..spark.session import spark_session

    tables = source.tables
    spark = spark_session(master)
    on_spark = spark_source(spark, source.store, tables)
    network = read_network(spark, on_spark, tables, make_selection(on_spark, scope))
    removals = []
    for text in remove:
        removal = _spark_removal(spark, on_spark, tables, network.nodes, text)
        group = frozenset(_group_of(removal.iri, network.meta)) if removal.kind == "owner" else frozenset()
        removals.append(SparkRemoval(removal.kind, removal.text, removal.iri, group))
    found = run_scenario(network, removals, shock=shock)
    meta = network.meta
    stage_labels = stage_infos(meta)
    rows = [
        _disrupted_record(meta, stage_labels, iri, names, Disruption(tier, reason, tuple(stages), share, basis))
        for iri, names, tier, reason, stages, share, basis in found.disrupted
    ]
    emptied = _stages_emptied(meta, found.members, found.surviving)
    summary = _summary(rows, found.outside, emptied, Connectivity(None, found.before, found.after), shock)
    partial_records = [
        _partial_record(meta, stage_labels, iri, names, own_stage, stages)
        for iri, (names, own_stage, stages) in found.partial.items()
    ]
    for record in partial_records:
        record["sales_lost"] = found.sales_lost.get(record["id"])
    partial_records.sort(key=lambda record: (record["label"], record["id"]))
    notes = [f"not computed on Spark: {key.replace('_', ' ')} ({why})" for key, why in SUMMARY_NOT_ON_SPARK.items()]
    notes.append(essential_note(meta, set(found.members)))
    if not shock.plain:
        notes.append(share_note(rows, shock))
    return ScenarioReport(found.removed, rows, summary, partial_records, engine=SPARK, notes=notes)


def essential_note(meta: dict, stages: set[str]) -> str:
    """The stage rule the cascade applied to the network's ``stages``: which state their essential
    inputs (``cg:essentialFor``), or that none does and every input is essential."""
    stating = sorted(stage for stage in stages if stage in meta.get("essential_inputs", {}))
    if not stating:
        return "stage rule: no stage states its essential inputs (cg:essentialFor), so every input stage is essential"
    labels = stage_infos(meta)
    named = ", ".join(_stage_label(labels, stage) for stage in stating)
    return (
        f"stage rule: {named} state their essential inputs (cg:essentialFor) and are starved only of those; "
        "at the other stages every input is essential"
    )


def _spark_removal(spark, source: NetworkSource, tables, nodes, text: str) -> Removal:
    """``parse_removal`` on Spark: a firm (or owner) may also be one the firm tables name, searched
    where they lie; a name that both the graph and the tables give to different firms is ambiguous."""
    from ..spark.network import sheet_firms

    kind, name = _split_removal(text)
    if kind not in ("firm", "owner"):
        return parse_removal(source, text)
    error: UnknownNameError | None = None
    try:
        found = [parse_removal(source, text).iri]
    except UnknownNameError as exc:
        found, error = [], exc
    found = list(dict.fromkeys(found + sheet_firms(spark, source.store, tables, name, nodes)))
    if len(found) == 1:
        return Removal(kind, text, found[0])
    if found:
        raise UnknownNameError(names.FIRM.noun, name, sorted(found), ambiguous=True)
    assert error is not None
    raise error


def weak_components(graph: AnalysisGraph, kept: np.ndarray | None = None) -> int:
    """Weakly connected components of the compiled graph, or of the part ``kept`` (a mask) holds."""
    from scipy.sparse.csgraph import connected_components

    keep = np.arange(graph.n) if kept is None else np.flatnonzero(kept)
    if not len(keep):
        return 0
    matrix = graph.adjacency if kept is None else graph.adjacency[keep][:, keep]
    return int(connected_components(matrix, directed=True, connection="weak")[0])


class Connectivity(NamedTuple):
    """What a removal does to the network's connections: the supplier-to-client paths it cuts
    (``None`` where the engine does not count them) and the weakly connected components before and
    after it."""

    paths_cut: int | None
    components_before: int
    components_after: int


def scenario_report(
    table: Projection,
    found: Cascade,
    removed: list[RemovedSet],
    places: list[str],
    connectivity: Connectivity,
    shock: Shock,
) -> ScenarioReport:
    """The records of a cascade ``found`` on ``table``: each disrupted firm, the summary (with the
    firms disrupted outside the removed ``places``, the stages emptied and the ``connectivity``)
    and the partial losses."""
    columns = table.columns
    index = {node: i for i, node in enumerate(table.nodes)}
    stage_labels = stage_infos(table.meta)
    disrupted = []
    for node, why in sorted(found.disrupted.items(), key=lambda item: (item[1].tier, columns["label"][index[item[0]]])):
        i = index[node]
        disrupted.append(
            _disrupted_record(
                table.meta,
                stage_labels,
                node,
                (columns["label"][i], columns["label_zh"][i], columns["place_label"][i], columns["chains"][i]),
                why,
            )
        )
    outside = None
    if places:
        outside = sum(
            1
            for node, why in found.disrupted.items()
            if why.tier >= 1 and not any(p in columns["places"][index[node]] for p in places)
        )
    members: dict[str, int] = {}
    surviving: dict[str, int] = {}
    for node, stage in zip(table.nodes, columns["stage"], strict=True):
        if stage:
            members[stage] = members.get(stage, 0) + 1
            if node not in found.disrupted:
                surviving[stage] = surviving.get(stage, 0) + 1
    summary = _summary(disrupted, outside, _stages_emptied(table.meta, members, surviving), connectivity, shock)
    partial = [
        _partial_record(
            table.meta,
            stage_labels,
            node,
            (columns["label"][index[node]], columns["label_zh"][index[node]]),
            columns["stage"][index[node]],
            shares,
        )
        for node, shares in found.partial.items()
    ]
    listed = {record["id"]: record for record in partial}
    for node, share in found.sales_lost.items():
        if node not in listed:
            i = index[node]
            listed[node] = _partial_record(
                table.meta, stage_labels, node, (columns["label"][i], columns["label_zh"][i]), columns["stage"][i], {}
            )
            partial.append(listed[node])
        listed[node]["sales_lost"] = share
    partial.sort(key=lambda record: (record["label"], record["id"]))
    notes = [essential_note(table.meta, set(members))]
    if not shock.plain:
        notes.append(share_note(disrupted, shock))
    return ScenarioReport(removed, disrupted, summary, partial, notes=notes)


#: How a basis of shares reads in a note (see :mod:`chaingraph.measures.shares`).
BASIS_WORDS = {
    "stated": "shares the data states",
    "value": "values in one currency",
    "volume": "volumes in one unit",
    "equal": "equal shares over the firms the network knows (no share, value or volume stated)",
}


def share_note(disrupted: list[DisruptedFirm], shock: Shock) -> str:
    """One line on the shock's rule and on what the shares of the firms it disrupted rest on."""
    rule = {
        "downstream": "the removed stop supplying",
        "upstream": "the removed stop buying: a firm is disrupted by the share of its sales lost",
        "both": "the removed stop supplying and buying",
    }[shock.direction]
    counts: dict[str, int] = {}
    for record in disrupted:
        if record["basis"] is not None:
            counts[record["basis"]] = counts.get(record["basis"], 0) + 1
    bases = "; ".join(f"{count} by {BASIS_WORDS[basis]}" for basis, count in sorted(counts.items()))
    return f"shock: {rule}, threshold {shock.threshold:g}" + (f"; shares lost: {bases}" if bases else "")


def _partial_record(
    meta: dict, stage_labels: dict, node: str, names: tuple[str, str], own_stage: str, shares: Mapping[str, float]
) -> PartialLoss:
    """A firm's partial loss: the share of each stage's suppliers it lost, and which of those
    stages are not essential to it (its stage states essential inputs without them)."""
    stated = meta.get("essential_inputs", {})
    return {
        "id": node,
        "label": names[0],
        "label_zh": names[1],
        "stages": {_stage_label(stage_labels, stage): share for stage, share in shares.items()},
        "not_essential": [
            _stage_label(stage_labels, stage) for stage in shares if not essential_to(stated, own_stage, stage)
        ],
        "sales_lost": None,  # with demand shocks, the share of its sales lost
    }


def _stage_label(stage_labels: Mapping[str, Mapping], stage: str) -> str:
    """A stage's English label from :func:`stage_infos`, else its IRI."""
    return stage_labels.get(stage, {}).get("label", stage)


def _disrupted_record(meta: dict, stage_labels: dict, node: str, names: tuple, why: Disruption) -> DisruptedFirm:
    """One disrupted firm as a record: ``names`` are its label, Chinese label, place label and
    chain IRIs; ``why`` its tier, reason, stages lost and the share lost and its basis where a
    share decided."""
    label, label_zh, place, chains = names
    return {
        "id": node,
        "label": label,
        "label_zh": label_zh,
        "tier": why.tier,
        "reason": REASONS[why.reason],
        "stages_lost": [_stage_label(stage_labels, s) for s in why.stages],
        "stage_ids_lost": list(why.stages),
        "share_lost": why.share,
        "basis": why.basis,
        "place": place,
        "chains": [meta["chains"].get(c, {}).get("id", c) for c in chains],
    }


def _summary(
    disrupted: list[DisruptedFirm],
    outside: int | None,
    emptied: list[EmptiedStage],
    connectivity: Connectivity,
    shock: Shock,
) -> ScenarioSummary:
    """The scenario's summary from its disrupted records (tier 0 included)."""
    tiers: dict[int, int] = {}
    for record in disrupted:
        tiers[record["tier"]] = tiers.get(record["tier"], 0) + 1
    return ScenarioSummary(
        removed=tiers.get(0, 0),
        disrupted_beyond_removed=sum(count for tier, count in tiers.items() if tier >= 1),
        firms_per_tier=[tiers[t] for t in sorted(tiers)],
        outside_removed_places=outside,
        stages_emptied=emptied,
        paths_cut=connectivity.paths_cut,
        components_before=connectivity.components_before,
        components_after=connectivity.components_after,
        direction=shock.direction,
        threshold=shock.threshold,
    )


def _stages_emptied(meta: dict, members: dict[str, int], surviving: dict[str, int]) -> list[EmptiedStage]:
    """The stages of each chain that had a member in the network (``members`` by stage IRI) and
    have none left undisrupted (``surviving``)."""
    emptied = []
    for chain_iri, chain in sorted(meta["chains"].items(), key=lambda item: item[1].get("id", item[0])):
        for stage, info in stages_in_order(chain):
            if members.get(stage) and not surviving.get(stage):
                emptied.append(EmptiedStage(chain=chain.get("id", chain_iri), stage=stage, label=info["label"]))
    return emptied
