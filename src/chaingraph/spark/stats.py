"""``stats`` on Spark, collected as plain values: the Spark side of the seam
:func:`chaingraph.reports.stats` calls with ``engine="spark"``. Every measure the engine computes
(:mod:`.measures`) joined to the report's node columns as one DataFrame, written where the cluster
reads with ``output``, and the first rows brought back in the order the compiled path sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InputError
from .measures import node_measures
from .session import first_line

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from .measures import SparkRun
    from .network import SparkNetwork

__all__ = ["SparkStats", "run_stats"]


@dataclass
class SparkStats:
    """The rows collected (a dict of ``keys`` each) and what the run says of its measures:
    ``sampled`` (measure -> sources), ``estimated`` (measures estimated), ``left_out``
    (measure -> why it is not computed on Spark)."""

    rows: list[dict]
    sampled: dict[str, int]
    estimated: list[str]
    left_out: dict[str, str]


def run_stats(
    network: SparkNetwork,
    keys: Sequence[str],
    *,
    sort: str,
    top: int | None = None,
    output: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> SparkStats:
    """Every measure of ``network`` on Spark, the rows' ``keys`` (a measure left out is ``None``),
    sorted by ``sort`` (highest first, then label, typed nodes before untyped ends, then id): the
    first ``top``, or 10 when every row goes to ``output`` (a Parquet folder that must not exist),
    or all of them."""
    from pyspark.sql import functions as F

    run = node_measures(network.graph, progress=progress)
    frame = _rows(network, run, keys)
    if output is not None:
        if progress:
            progress(f"writing {output}")
        try:
            frame.write.mode("errorifexists").parquet(output)
        except Exception as exc:  # Spark's AnalysisException: the folder exists, say
            raise InputError(f"--output {output}: {first_line(exc)}") from None
    ordered = frame.orderBy(F.desc(sort), F.asc("label"), F.asc("_untyped"), F.asc("id"))
    limit = top if top is not None else (10 if output is not None else None)
    chosen = ordered.limit(limit) if limit is not None else ordered
    rows = [{key: row[key] for key in keys} for row in chosen.toLocalIterator()]
    return SparkStats(rows, run.sampled, run.estimated, run.left_out)


def _rows(network: SparkNetwork, run: SparkRun, keys: Sequence[str]) -> DataFrame:
    """The report's columns of every node (``None`` for a measure left out) as one DataFrame, with
    the compiled path's tie-break: typed nodes before untyped ends."""
    from pyspark.sql import functions as F

    node_columns = network.nodes.select(
        "node",
        F.col("iri").alias("id"),
        "label",
        "label_zh",
        "kind",
        "place",
        "stage",
        (~F.col("typed")).alias("_untyped"),
    )
    joined = node_columns.join(run.values, "node")
    columns = [F.col(key) if key not in run.left_out else F.lit(None).alias(key) for key in keys]
    return joined.select(*columns, "_untyped")
