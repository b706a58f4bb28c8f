"""A disruption scenario run on Spark and collected as plain values: the Spark side of the seam
:func:`chaingraph.reports.scenarios.scenario` calls with ``engine="spark"``. The removed set is found
where the tables lie, the cascade runs as rounds of joins (:mod:`.cascade`), and what a report
needs comes back to the driver: the disrupted firms with their names, the partial losses, each
stage's members and survivors, and the components before and after. The records and the summary
are built from these by the scenarios module, as they are from the compiled cascade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

from ..errors import InputError
from ..measures.cascade import Shock
from ..records import RemovedSet
from .cascade import cascade, components, without

if TYPE_CHECKING:
    from .network import SparkNetwork

__all__ = ["SparkRemoval", "SparkScenario", "run_scenario"]


@dataclass(frozen=True)
class SparkRemoval:
    """One ``--remove`` resolved: its kind (``firm``, ``owner``, ``region``, ``stage``), the text
    given, the IRI it names, and for an owner the IRIs of its whole group."""

    kind: str
    text: str
    iri: str
    group: frozenset[str] = frozenset()


@dataclass
class SparkScenario:
    """What a scenario on Spark found, collected: ``removed`` (``kind``, ``name``, ``id``,
    ``members`` per removal); ``disrupted`` (IRI, (label, Chinese label, place, chains), tier,
    reason, stages, share lost, basis), ordered by tier, label and IRI; ``partial`` (IRI ->
    (label, Chinese label), its stage, {stage: share lost}); ``sales_lost`` (IRI -> share);
    ``outside`` the disrupted beyond the removed places (``None`` without a region removed);
    ``members`` and ``surviving`` by stage IRI; weakly connected components ``before`` and ``after``."""

    removed: list[RemovedSet]
    disrupted: list[tuple]
    partial: dict[str, tuple[tuple[str, str], str, dict[str, float]]] = field(default_factory=dict)
    sales_lost: dict[str, float] = field(default_factory=dict)
    outside: int | None = None
    members: dict[str, int] = field(default_factory=dict)
    surviving: dict[str, int] = field(default_factory=dict)
    before: int = 0
    after: int = 0


def run_scenario(
    network: SparkNetwork,
    removals: Sequence[SparkRemoval],
    *,
    shock: Shock | None = None,
) -> SparkScenario:
    """Remove ``removals`` from ``network`` (read by :func:`.network.read_network`) and run the
    cascade under ``shock``'s rule (:func:`.cascade.cascade`).

    Raises :class:`~chaingraph.errors.InputError` for a removal that takes out nothing of the network.
    """
    from pyspark.sql import functions as F

    nodes = network.nodes
    conditions: list = []
    removed_records: list[RemovedSet] = []
    for removal in removals:
        if removal.kind == "region":
            condition = F.array_contains("places", removal.iri)
        elif removal.kind == "stage":
            condition = F.col("stage_iri") == removal.iri
        elif removal.kind == "owner":
            condition = F.col("iri").isin(sorted(removal.group))
        else:
            condition = F.col("iri") == removal.iri
        taken = nodes.filter(condition).count()
        if not taken:
            raise InputError(f"--remove {removal.text!r}: no organization of the selected network")
        conditions.append(condition)
        removed_records.append({"kind": removal.kind, "name": removal.text, "id": removal.iri, "members": taken})
    removed = nodes.filter(reduce(lambda a, b: a | b, conditions)).select("node").localCheckpoint()
    stage_of = nodes.select("node", F.col("stage_iri").alias("stage"))
    found = cascade(
        network.graph,
        stage_of,
        removed,
        shock=shock,
        essential_inputs=network.meta.get("essential_inputs"),
        quantities=network.quantities,
    )
    disrupted = found.disrupted.join(nodes, "node").localCheckpoint()
    names = ("label", "label_zh", "place", "chains")
    result = SparkScenario(
        removed_records,
        [
            (
                row["iri"],
                tuple(row[c] for c in names),
                row["tier"],
                row["reason"],
                row["stages"],
                row["share"],
                row["basis"],
            )
            for row in disrupted.orderBy("tier", "label", "iri").toLocalIterator()
        ],
    )
    places = [removal.iri for removal in removals if removal.kind == "region"]
    if places:
        inside = F.arrays_overlap("places", F.array(*(F.lit(place) for place in places)))
        result.outside = disrupted.filter((F.col("tier") >= 1) & ~inside).count()
    flagged = nodes.filter(F.col("stage_iri") != "").join(
        found.disrupted.select("node", F.lit(1).alias("gone")), "node", "left"
    )
    counts = flagged.groupBy("stage_iri").agg(
        F.count("*").alias("members"), F.count_if(F.col("gone").isNull()).alias("left")
    )
    for row in counts.collect():
        result.members[row["stage_iri"]], result.surviving[row["stage_iri"]] = row["members"], row["left"]
    result.before = components(network.graph)
    result.after = components(without(network.graph, removed))
    named = nodes.select("node", "iri", "label", "label_zh", "stage_iri")
    for row in found.partial.join(named, "node").orderBy("label", "iri", "stage").toLocalIterator():
        entry = result.partial.setdefault(row["iri"], ((row["label"], row["label_zh"]), row["stage_iri"] or "", {}))
        entry[2][row["stage"]] = row["share"]
    if found.sales_lost is not None:
        for row in found.sales_lost.join(named, "node").toLocalIterator():
            result.partial.setdefault(row["iri"], ((row["label"], row["label_zh"]), row["stage_iri"] or "", {}))
            result.sales_lost[row["iri"]] = row["share"]
    return result
