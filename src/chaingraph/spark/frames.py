"""Sheets as Spark DataFrames: a sheet's fields read as trimmed strings (CSV or Parquet, ``--map``
applied, empty rows skipped), several sheets as one, and the Arrow schemas the executors' batches take.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import InputError
from ..sheets import (
    REQUIRED,
    JoinedColumns,
    column_name,
)
from .session import first_line
from .shares import QUANTITY_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "NODE_COLUMNS",
    "NODE_SCHEMA",
    "arrow_schema",
    "read_sheet_frame",
    "sheets_frame",
    "statement_schema",
    "union_frames",
]


#: The columns of every node (the stats report's node columns, and what the selection filters
#: on), as Spark types; :func:`arrow_schema` gives the same as Arrow's.
NODE_COLUMNS = (
    ("id", "string"),
    ("iri", "string"),
    ("typed", "boolean"),
    ("label", "string"),
    ("label_zh", "string"),
    ("kind", "string"),
    ("place", "string"),
    ("places", "array<string>"),
    ("chains", "array<string>"),
    ("stage", "string"),
    ("stage_iri", "string"),
    ("error", "string"),
)
NODE_SCHEMA = ", ".join(f"{name} {kind}" for name, kind in NODE_COLUMNS)


def statement_schema():
    """The Arrow schema of a quantity statement: its pair, start, quantities and error."""
    import pyarrow as pa

    types = {"string": pa.string(), "double": pa.float64()}
    fields = [("supplier", "string"), ("client", "string"), ("start", "string"), *QUANTITY_COLUMNS, ("error", "string")]
    return pa.schema([(name, types[kind]) for name, kind in fields])


def arrow_schema():
    import pyarrow as pa

    types = {"string": pa.string(), "boolean": pa.bool_(), "array<string>": pa.list_(pa.string())}
    return pa.schema([(name, types[kind]) for name, kind in NODE_COLUMNS])


def sheets_frame(
    spark: SparkSession, paths: Sequence, fields: tuple[str, ...], role: str, mapping: Mapping[str, str]
) -> DataFrame | None:
    """The sheets at ``paths`` read as one DataFrame (:func:`read_sheet_frame`); ``None`` for none."""
    return union_frames([read_sheet_frame(spark, str(path), fields, role, mapping) for path in paths])


def read_sheet_frame(
    spark: SparkSession, path: str, fields: tuple[str, ...], role: str, mapping: Mapping[str, str]
) -> DataFrame:
    """A sheet as a DataFrame of its fields (strings, ``""`` for an empty cell, trimmed) and the
    ``file`` it came from; Parquet unless the name ends in ``.csv``."""
    from pyspark.sql import functions as F

    try:
        if path.lower().endswith((".csv", ".csv.gz")):
            frame = spark.read.option("header", True).option("inferSchema", False).csv(path)
        else:
            frame = spark.read.parquet(path)
        header = frame.columns
    except Exception as exc:  # Spark's AnalysisException: a path that does not exist, say
        raise InputError(f"{path}: cannot read the {role} table ({first_line(exc)})") from None
    selected = []
    for wanted in fields:
        column = column_name(mapping, wanted)
        if isinstance(column, JoinedColumns):  # several columns, joined as the other readers join them
            missing = [part for part in column.columns if part not in header]
            if missing:
                raise InputError(
                    f"{path}: --map {wanted}={missing[0]}: no such column (columns: {', '.join(header)[:200]})"
                )
            parts = [F.trim(F.coalesce(F.col(f"`{part}`").cast("string"), F.lit(""))) for part in column.columns]
            selected.append(F.concat_ws(", ", *[F.when(part != "", part) for part in parts]).alias(wanted))
        elif column in header:
            cell = F.trim(F.coalesce(F.col(f"`{column}`").cast("string"), F.lit("")))
            selected.append((F.lower(cell) if wanted == "evidence" else cell).alias(wanted))
        elif wanted in REQUIRED[role]:
            raise InputError(
                f"{path}: missing column {wanted!r} in the {role} header (columns: {', '.join(header)[:200]}); "
                f"name it with --map {wanted}=COLUMN"
            )
        elif wanted in mapping:
            raise InputError(f"{path}: --map {wanted}={column}: no such column (columns: {', '.join(header)[:200]})")
        else:
            selected.append(F.lit("").alias(wanted))
    # A row whose every field is empty is skipped, as the import skips it.
    filled = F.lit(False)
    for cell in selected:
        filled = filled | (cell != "")
    return frame.select(*selected, F.lit(path).alias("file")).filter(filled)


def union_frames(frames: Sequence[DataFrame]) -> DataFrame | None:
    if not frames:
        return None
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame
