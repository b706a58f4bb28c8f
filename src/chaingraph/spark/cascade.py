"""Disruption scenarios on Apache Spark: the cascade of :mod:`chaingraph.measures.cascade`, tier
after tier, as rounds of joins over the supply edges.

The rule is that module's, read the same way (edges supplier -> client, a self-loop is not a
firm's own supply): a firm not yet disrupted is disrupted in tier ``t + 1`` when every supplier it
has is disrupted after tier ``t``, or (threshold below 1) a share of its supply at least the
threshold (*supply-starved*); else when every supplier of some stage essential to it is, or that
share of the stage's (*stage-starved*, naming the stages); else, with demand shocks, when the
disrupted clients took at least the threshold of its sales (*demand*). The shares are
:mod:`chaingraph.measures.shares`' rule as windows over each group's edges (:mod:`.shares`).
Each round joins only the edges at the tier just disrupted, adds what they hit to each client's
count and shares lost (per stage) and to each supplier's sales lost, and checks the firms they
reach; the sums are checkpointed, so no plan grows with the tiers. The tests hold it to
:func:`chaingraph.measures.cascade.cascade` (NetworkX) on random graphs with random quantities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..measures.cascade import TOLERANCE, Shock
from .measures import MAX_ROUNDS, SparkGraph, component_labels
from .shares import with_quantities, with_shares

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkCascade", "cascade", "components", "without"]


@dataclass
class SparkCascade:
    """The disrupted firms (``node``, ``tier``, ``reason`` as :class:`~chaingraph.measures.cascade.
    Disruption` says it, ``stages``: the stages lost, sorted, ``share`` and ``basis``: the share
    lost and what it rests on where a share decided); when asked, the partial losses (``node``,
    ``stage``, ``share``) of the firms not disrupted; and with demand shocks and a share asked, the
    firms not disrupted that lost at least that share of their sales (``node``, ``share``)."""

    disrupted: DataFrame
    partial: DataFrame
    sales_lost: DataFrame | None = None


def cascade(
    graph: SparkGraph,
    stage_of: DataFrame,
    removed: DataFrame,
    *,
    shock: Shock | None = None,
    essential_inputs: Mapping[str, Sequence[str]] | None = None,
    quantities: DataFrame | None = None,
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
    shock : Shock, optional
        The rule (:class:`chaingraph.measures.cascade.Shock`): its ``threshold``, in (0, 1], the
        share of a stage's supply, of all supply or of sales whose loss disrupts a firm (1: every
        supplier lost); its ``direction`` (downstream, upstream, both), which way the shock
        travels; with its ``partial`` share, also the firms not disrupted that lost at least that
        share of some stage's supply (and, with demand shocks, of their sales). Default: every
        supplier lost, downstream, no partial losses.
    essential_inputs : mapping, optional
        Stage -> the input stages essential to it (a stage not here: every input); every supplier
        of a stage not essential to a firm lost is a partial loss, not a starvation.
    quantities : DataFrame, optional
        ``src``, ``dst`` and the quantity columns (:data:`.shares.QUANTITY_COLUMNS`) of the edges
        that state any; the shares follow :mod:`chaingraph.measures.shares`.

    Returns
    -------
    SparkCascade
    """
    from pyspark.sql import functions as F

    shock = (shock or Shock()).check()
    partial, threshold, direction = shock.partial, shock.threshold, shock.direction
    downstream, upstream = direction in ("downstream", "both"), direction in ("upstream", "both")
    weighted = threshold < 1
    reach = F.lit(threshold - TOLERANCE)
    staged = stage_of.select(F.col("node").alias("src"), F.coalesce("stage", F.lit("")).alias("stage"))
    real = graph.edges.filter(F.col("src") != F.col("dst")).select("src", "dst")
    supply = with_quantities(real, quantities).join(staged, "src", "left")
    supply = supply.withColumn("stage", F.coalesce("stage", F.lit("")))
    supply = with_shares(supply, ["dst"], None, "supply_share")
    supply = with_shares(supply, ["src"], "supplier_share", "sales_share")
    by_stage = with_shares(supply.filter(F.col("stage") != ""), ["dst", "stage"], "client_share", "purchase_share")
    unstaged = supply.filter(F.col("stage") == "").select(
        "*",
        F.lit(None).cast("double").alias("purchase_share"),
        F.lit(None).cast("string").alias("purchase_share_basis"),
    )
    shares = [f"{kind}_share{part}" for kind in ("supply", "purchase", "sales") for part in ("", "_basis")]
    supply = by_stage.unionByName(unstaged).select("src", "dst", "stage", *shares).localCheckpoint()
    suppliers = (
        supply.groupBy("dst")
        .agg(F.count("*").alias("total"), F.first("supply_share_basis").alias("basis"))
        .localCheckpoint()
    )
    sellers = supply.groupBy("src").agg(F.first("sales_share_basis").alias("basis")).localCheckpoint()
    # Whether each (client, stage) is essential to the client: its own stage states it, or states none.
    stated = {stage: list(inputs) for stage, inputs in (essential_inputs or {}).items()}
    client_stage = stage_of.select(F.col("node").alias("dst"), F.coalesce("stage", F.lit("")).alias("client_stage"))
    pair = F.concat_ws("\u0000", "client_stage", "stage")
    allowed = [f"{stage}\u0000{found}" for stage, inputs in stated.items() for found in inputs]
    essential = ~F.col("client_stage").isin(list(stated)) | pair.isin(allowed)
    stage_suppliers = (
        supply.filter(F.col("stage") != "")
        .groupBy("dst", "stage")
        .agg(F.count("*").alias("total"), F.first("purchase_share_basis").alias("basis"))
        .join(client_stage, "dst", "left")
        .select("dst", "stage", "total", "basis", F.coalesce(essential, F.lit(True)).alias("essential"))
        .localCheckpoint()
    )
    no_stages = F.array().cast("array<string>")
    no_share, no_basis = F.lit(None).cast("double"), F.lit(None).cast("string")
    disrupted = removed.select(
        "node", F.lit(0).alias("tier"), F.lit("removed").alias("reason"), no_stages.alias("stages"),
        no_share.alias("share"), no_basis.alias("basis"),
    ).localCheckpoint()  # fmt: skip
    frontier = disrupted.select("node")
    # Disrupted suppliers of each client and stage ("" for the unstaged), summed over the tiers:
    # how many, their share of the stage's purchases and of all the client's purchases.
    hits = supply.limit(0).select(
        "dst", "stage", F.lit(0).cast("long").alias("hit"), no_share.alias("lost"), no_share.alias("lost_supply")
    )
    # The share of each supplier's sales that disrupted clients took, summed over the tiers.
    sales = supply.limit(0).select("src", no_share.alias("lost"))
    for tier in range(1, MAX_ROUNDS + 1):
        found = None
        # Counted whichever way the shock travels: the partial losses read them at the end.
        touched = (
            supply.join(frontier.withColumnRenamed("node", "src"), "src")
            .groupBy("dst", "stage")
            .agg(
                F.count("*").alias("hit"),
                F.sum("purchase_share").alias("lost"),
                F.sum("supply_share").alias("lost_supply"),
            )
        )
        hits = (
            hits.unionByName(touched)
            .groupBy("dst", "stage")
            .agg(F.sum("hit").alias("hit"), F.sum("lost").alias("lost"), F.sum("lost_supply").alias("lost_supply"))
            .localCheckpoint()
        )
        if downstream:
            clients = (
                touched.select("dst").distinct().join(disrupted.select(F.col("node").alias("dst")), "dst", "left_anti")
            )
            counted = hits.join(clients, "dst")
            per_client = (
                counted.groupBy("dst")
                .agg(F.sum("hit").alias("hit"), F.sum("lost_supply").alias("lost_supply"))
                .join(suppliers, "dst")
            )
            every = F.col("hit") == F.col("total")
            by_supply = every | (F.lit(weighted) & (F.col("lost_supply") >= reach))
            starved_of_supply = per_client.filter(by_supply).select(
                F.col("dst").alias("node"),
                F.lit("supply").alias("reason"),
                no_stages.alias("stages"),
                F.when(every, no_share).otherwise(F.col("lost_supply")).alias("share"),
                F.when(every, no_basis).otherwise(F.col("basis")).alias("basis"),
            )
            starved = every | (F.lit(weighted) & (F.col("lost") >= reach))
            starved_of_stages = (
                counted.filter(F.col("stage") != "")
                .join(stage_suppliers, ["dst", "stage"])
                .filter(starved & F.col("essential"))
                .groupBy("dst")
                .agg(
                    F.array_sort(F.collect_list("stage")).alias("stages"),
                    F.max(every.cast("int")).alias("any_whole"),
                    F.max("lost").alias("largest"),
                    F.max_by("basis", F.struct("lost", "basis")).alias("largest_basis"),
                )
                .join(starved_of_supply.select(F.col("node").alias("dst")), "dst", "left_anti")
                .select(
                    F.col("dst").alias("node"),
                    F.lit("stage").alias("reason"),
                    "stages",
                    # a stage lost whole names no share (every supplier gone), as on this machine
                    F.when(F.col("any_whole") == 1, no_share).otherwise(F.col("largest")).alias("share"),
                    F.when(F.col("any_whole") == 1, no_basis).otherwise(F.col("largest_basis")).alias("basis"),
                )
            )
            found = starved_of_supply.unionByName(starved_of_stages)
        if upstream:
            lost_sales = (
                supply.join(frontier.withColumnRenamed("node", "dst"), "dst")
                .groupBy("src")
                .agg(F.sum("sales_share").alias("lost"))
            )
            sales = sales.unionByName(lost_sales).groupBy("src").agg(F.sum("lost").alias("lost")).localCheckpoint()
            sellers_hit = lost_sales.select("src").join(
                disrupted.select(F.col("node").alias("src")), "src", "left_anti"
            )
            demand = (
                sales.join(sellers_hit, "src")
                .join(sellers, "src")
                .filter((F.col("lost") > 0) & (F.col("lost") >= reach))
                .select(
                    F.col("src").alias("node"), F.lit("demand").alias("reason"), no_stages.alias("stages"),
                    F.col("lost").alias("share"), "basis",
                )
            )  # fmt: skip
            if found is not None:  # starved of supply first, as on this machine
                demand = demand.join(found.select("node"), "node", "left_anti")
                found = found.unionByName(demand)
            else:
                found = demand
        assert found is not None
        found = found.select("node", F.lit(tier).alias("tier"), "reason", "stages", "share", "basis").localCheckpoint()
        if found.isEmpty():
            break
        disrupted = disrupted.unionByName(found).localCheckpoint()
        frontier = found.select("node")
    else:
        raise RuntimeError(f"cascade: still spreading after {MAX_ROUNDS} tiers")
    every = F.col("hit") == F.col("total")
    listed = every & ~F.col("essential")  # a non-essential stage, all lost
    if partial is not None:
        listed = listed | ((F.col("lost") > 0) & (F.col("lost") >= F.lit(partial - TOLERANCE)))
    losses = (
        hits.filter((F.col("stage") != "") & (F.col("hit") > 0))
        .join(stage_suppliers, ["dst", "stage"])
        .filter(listed)
        .select(F.col("dst").alias("node"), "stage", F.col("lost").alias("share"))
        .join(disrupted.select("node"), "node", "left_anti")
    )
    sales_lost = None
    if upstream and partial is not None:
        sales_lost = (
            sales.filter((F.col("lost") > 0) & (F.col("lost") >= F.lit(partial - TOLERANCE)))
            .select(F.col("src").alias("node"), F.col("lost").alias("share"))
            .join(disrupted.select("node"), "node", "left_anti")
        )
    return SparkCascade(disrupted, losses, sales_lost)


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
