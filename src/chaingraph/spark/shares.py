"""The share rule of :mod:`chaingraph.measures.shares` on Spark: each supply edge's share of its
group and each group's basis, as columns computed over a window per group, the rows staying on
the cluster. The tests hold it to :func:`chaingraph.measures.shares.group_shares`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["QUANTITY_COLUMNS", "QUANTITY_SCHEMA", "with_quantities", "with_shares"]

#: A supply edge's quantities on Spark (null: not stated), named as the details form names them
#: (:func:`chaingraph.sheets.quantities.row_quantities`).
QUANTITY_COLUMNS = (
    ("value", "double"),
    ("currency", "string"),
    ("volume", "double"),
    ("volume_unit", "string"),
    ("client_share", "double"),
    ("supplier_share", "double"),
)
QUANTITY_SCHEMA = ", ".join(f"{name} {kind}" for name, kind in QUANTITY_COLUMNS)


def with_quantities(edges: DataFrame, quantities: DataFrame | None) -> DataFrame:
    """``edges`` (``src``, ``dst``, ...) with the quantity columns of ``quantities`` (``src``,
    ``dst`` and :data:`QUANTITY_COLUMNS`, a row per pair that states any), null where none."""
    from pyspark.sql import functions as F

    if quantities is None:
        return edges.select("*", *(F.lit(None).cast(kind).alias(name) for name, kind in QUANTITY_COLUMNS))
    return edges.join(quantities.select("src", "dst", *(name for name, _ in QUANTITY_COLUMNS)), ["src", "dst"], "left")


def with_shares(edges: DataFrame, group: Sequence[str], stated: str | None, name: str) -> DataFrame:
    """``edges`` (each row an edge of the group its ``group`` columns name, with the quantity
    columns) with ``name``, its share of the group, and ``name_basis``, the group's basis.

    The rule is :func:`chaingraph.measures.shares.group_shares`'s, first basis first: ``stated``
    (the column of the share the data states; the edges stating none split what is left of 1, and
    stated shares adding up to more than 1 are scaled to 1), then values in one currency, then
    volumes in one unit, each adding up to more than 0, else equal shares.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    window = Window.partitionBy(*group)
    size = F.count(F.lit(1)).over(window)
    share = F.lit(1.0) / size
    basis = F.lit("equal")
    # The later basis of the rule is written first, so the earlier one, written over it, wins.
    for amount, unit in (("volume", "volume_unit"), ("value", "currency")):
        total = F.sum(amount).over(window)
        usable = (
            (F.count(amount).over(window) == size)
            & (F.min(unit).over(window) == F.max(unit).over(window))
            & (total > 0)
        )
        share = F.when(usable, F.col(amount) / total).otherwise(share)
        basis = F.when(usable, F.lit(amount)).otherwise(basis)
    if stated is not None:
        count, total = F.count(stated).over(window), F.sum(stated).over(window)
        rest = F.when(total > 1, F.lit(0.0)).otherwise(
            F.greatest(1 - total, F.lit(0.0)) / F.greatest(size - count, F.lit(1))
        )
        scale = F.when(total > 1, total).otherwise(F.lit(1.0))
        own = F.when(F.col(stated).isNotNull(), F.col(stated) / scale).otherwise(rest)
        share = F.when(count > 0, own).otherwise(share)
        basis = F.when(count > 0, F.lit("stated")).otherwise(basis)
    return edges.withColumn(name, share).withColumn(f"{name}_basis", basis)
