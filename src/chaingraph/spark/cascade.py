"""Disruption scenarios on Apache Spark: the cascade of :mod:`chaingraph.measures.cascade`, tier
after tier, as rounds of joins over the supply edges.

The rule is that module's, read the same way (edges supplier -> client, a self-loop is not a
firm's own supply): a firm not yet disrupted is disrupted in tier ``t + 1`` when every supplier it
has is disrupted after tier ``t`` (*supply-starved*), or else every supplier of some stage is
(*stage-starved*, naming the stages essential to it). Each round joins only the edges leaving the tier just
disrupted, adds what they hit to each client's count of disrupted suppliers (per stage), and
checks the clients they reach; the counts are checkpointed, so no plan grows with the tiers.
The tests hold it to :func:`chaingraph.measures.cascade.cascade` (NetworkX) on random graphs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .measures import MAX_ROUNDS, SparkGraph, component_labels

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkCascade", "cascade", "components", "without"]


@dataclass
class SparkCascade:
    """The disrupted firms (``node``, ``tier``, ``reason`` as :class:`~chaingraph.measures.cascade.
    Disruption` says it, ``stages``: the stages lost, sorted) and, when asked, the partial losses
    (``node``, ``stage``, ``share``) of the firms not disrupted."""

    disrupted: DataFrame
    partial: DataFrame | None


def cascade(
    graph: SparkGraph,
    stage_of: DataFrame,
    removed: DataFrame,
    *,
    partial: float | None = None,
    essential_inputs: Mapping[str, Sequence[str]] | None = None,
) -> SparkCascade:
    """The cascade of removing ``removed`` (a DataFrame of ``node`` ids) from ``graph``.

    Parameters
    ----------
    graph : SparkGraph
        Supply edges ``src -> dst`` (supplier -> client, distinct pairs).
    stage_of : DataFrame
        ``node`` and ``stage`` (the stage's IRI, ``""`` or null when unstaged).
    removed : DataFrame
        The firms of tier 0, a ``node`` column.
    partial : float, optional
        With a share in (0, 1], also the firms not disrupted that lost at least that share of
        some stage's suppliers.
    essential_inputs : mapping, optional
        Stage -> the input stages essential to it (a stage not here: every input); every supplier
        of a stage not essential to a firm lost is a partial loss, not a starvation.

    Returns
    -------
    SparkCascade
    """
    from pyspark.sql import functions as F

    staged = stage_of.select(F.col("node").alias("src"), F.coalesce("stage", F.lit("")).alias("stage"))
    supply = graph.edges.filter(F.col("src") != F.col("dst")).join(staged, "src", "left")
    supply = supply.select("src", "dst", F.coalesce("stage", F.lit("")).alias("stage")).localCheckpoint()
    suppliers = supply.groupBy("dst").agg(F.count("*").alias("total")).localCheckpoint()
    # Whether each (client, stage) is essential to the client: its own stage states it, or states none.
    stated = {stage: list(inputs) for stage, inputs in (essential_inputs or {}).items()}
    client_stage = stage_of.select(F.col("node").alias("dst"), F.coalesce("stage", F.lit("")).alias("client_stage"))
    pair = F.concat_ws("\u0000", "client_stage", "stage")
    allowed = [f"{stage}\u0000{found}" for stage, inputs in stated.items() for found in inputs]
    essential = ~F.col("client_stage").isin(list(stated)) | pair.isin(allowed)
    stage_suppliers = (
        supply.filter(F.col("stage") != "")
        .groupBy("dst", "stage")
        .agg(F.count("*").alias("total"))
        .join(client_stage, "dst", "left")
        .select("dst", "stage", "total", F.coalesce(essential, F.lit(True)).alias("essential"))
        .localCheckpoint()
    )
    no_stages = F.array().cast("array<string>")
    disrupted = removed.select(
        "node", F.lit(0).alias("tier"), F.lit("removed").alias("reason"), no_stages.alias("stages")
    ).localCheckpoint()
    frontier = disrupted.select("node")
    # Disrupted suppliers of each client and stage ("" for the unstaged), summed over the tiers.
    hits = supply.limit(0).select("dst", "stage", F.lit(0).cast("long").alias("hit"))
    for tier in range(1, MAX_ROUNDS + 1):
        touched = (
            supply.join(frontier.withColumnRenamed("node", "src"), "src")
            .groupBy("dst", "stage")
            .agg(F.count("*").alias("hit"))
        )
        hits = hits.unionByName(touched).groupBy("dst", "stage").agg(F.sum("hit").alias("hit")).localCheckpoint()
        clients = (
            touched.select("dst").distinct().join(disrupted.select(F.col("node").alias("dst")), "dst", "left_anti")
        )
        counted = hits.join(clients, "dst")
        starved_of_all = (
            counted.groupBy("dst")
            .agg(F.sum("hit").alias("hit"))
            .join(suppliers, "dst")
            .filter(F.col("hit") == F.col("total"))
            .select("dst")
        )
        starved_of_stages = (
            counted.filter(F.col("stage") != "")
            .join(stage_suppliers, ["dst", "stage"])
            .filter((F.col("hit") == F.col("total")) & F.col("essential"))
            .groupBy("dst")
            .agg(F.array_sort(F.collect_list("stage")).alias("stages"))
            .join(starved_of_all, "dst", "left_anti")
        )
        found = (
            starved_of_all.select(
                F.col("dst").alias("node"), F.lit("supply").alias("reason"), no_stages.alias("stages")
            )
            .unionByName(starved_of_stages.select(F.col("dst").alias("node"), F.lit("stage").alias("reason"), "stages"))
            .select("node", F.lit(tier).alias("tier"), "reason", "stages")
            .localCheckpoint()
        )
        if found.isEmpty():
            break
        disrupted = disrupted.unionByName(found).localCheckpoint()
        frontier = found.select("node")
    else:
        raise RuntimeError(f"cascade: still spreading after {MAX_ROUNDS} tiers")
    share = F.col("hit") / F.col("total")
    listed = (F.col("hit") == F.col("total")) & ~F.col("essential")  # a non-essential stage, all lost
    if partial is not None:
        listed = listed | (share >= F.lit(partial))
    losses = (
        hits.filter((F.col("stage") != "") & (F.col("hit") > 0))
        .join(stage_suppliers, ["dst", "stage"])
        .filter(listed)
        .select(F.col("dst").alias("node"), "stage", share.alias("share"))
        .join(disrupted.select("node"), "node", "left_anti")
    )
    return SparkCascade(disrupted, losses)


def without(graph: SparkGraph, removed: DataFrame) -> SparkGraph:
    """``graph`` with the nodes ``removed`` (a ``node`` column) and their edges taken out."""
    gone = removed.select("node")
    nodes = graph.nodes.join(gone, "node", "left_anti").localCheckpoint()
    edges = (
        graph.edges.join(gone.withColumnRenamed("node", "src"), "src", "left_anti")
        .join(gone.withColumnRenamed("node", "dst"), "dst", "left_anti")
        .select("src", "dst")
        .localCheckpoint()
    )
    return SparkGraph(nodes, edges, nodes.count())


def components(graph: SparkGraph) -> int:
    """The number of weakly connected components of ``graph`` (0 for no nodes)."""
    if graph.n == 0:
        return 0
    return component_labels(graph).select("label").distinct().count()
