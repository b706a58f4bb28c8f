"""Each relation's quantities on Spark: the graph's statements and each qualified sheet row's cells,
parsed on the executors by the tables reader's rule, the latest statement per pair and quantity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..errors import InputError
from ..sheets.quantities import QUANTITY_FIELDS, QUANTITY_GROUPS, row_quantities, statements_of
from .frames import statement_schema
from .naming import raise_first_error
from .shares import QUANTITY_COLUMNS, QUANTITY_SCHEMA

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["relation_quantities"]


def relation_quantities(
    spark,
    details_of: Mapping[tuple[str, str], dict],
    relations: DataFrame | None,
    firm_nodes: DataFrame,
    end_nodes: DataFrame,
    mapping: Mapping[str, str],
) -> DataFrame:
    """Each supplier-client pair's quantities (``supplier``, ``client`` IRIs and the quantity
    columns), as :func:`chaingraph.sheets.quantities.pair_quantities` joins them on this machine:
    the graph's statements and each qualified relation row's (its cells read by
    :func:`~chaingraph.sheets.quantities.row_quantities`, on the executors), each quantity from
    the statement that starts last, a tie to the larger amount, its currency or unit with it.
    ``details_of``: the graph's relations' details by (supplier, client) IRI pair, as read."""
    from pyspark.sql import functions as F

    names = [name for name, _ in QUANTITY_COLUMNS]
    schema = f"supplier string, client string, start string, {QUANTITY_SCHEMA}, error string"
    graph_rows = [
        (*pair, start, *(quantity.get(name) for name in names), None)
        for pair, details in details_of.items()
        if any(key in details for key in names)
        for start, quantity in statements_of(details)
    ]
    statements = spark.createDataFrame(graph_rows, schema)
    if relations is not None:
        cells = list(QUANTITY_FIELDS)
        any_cell = F.lit(False)
        for cell in cells:
            any_cell = any_cell | (F.col(cell) != "")
        stating = relations.filter((F.col("evidence") != "unspecified") & any_cell)

        def read_cells(batches: Iterator) -> Iterator:
            import pyarrow as pa

            for batch in batches:
                rows = []
                for row in batch.to_pylist():
                    try:
                        found = row_quantities(row["file"], row, mapping)
                    except InputError as exc:
                        rows.append({"error": str(exc)})
                        break
                    rows.append(
                        {"supplier": row["supplier"], "client": row["client"], "start": row["start"]}
                        | {name: found.get(name) for name in names}
                    )
                yield pa.RecordBatch.from_pylist(rows, schema=statement_schema())

        read = stating.select("supplier", "client", "start", "file", *cells).mapInArrow(read_cells, schema)
        read = read.localCheckpoint()
        raise_first_error(read)
        ids = firm_nodes.select("id", "iri").unionByName(end_nodes.select("id", "iri"))
        read = (
            read.join(ids.withColumnsRenamed({"id": "supplier", "iri": "supplier_iri"}), "supplier")
            .join(ids.withColumnsRenamed({"id": "client", "iri": "client_iri"}), "client")
            .select(
                F.col("supplier_iri").alias("supplier"), F.col("client_iri").alias("client"), "start", *names, "error"
            )
        )
        statements = statements.unionByName(read)
    chosen = []
    for amount, companion in QUANTITY_GROUPS:
        # a statement of another quantity has no say in this one
        order = F.when(F.col(amount).isNotNull(), F.struct("start", amount))
        chosen.append(F.max_by(F.struct(amount, *([companion] if companion else [])), order).alias(amount))
    reduced = statements.groupBy("supplier", "client").agg(*chosen)
    return reduced.select(
        "supplier",
        "client",
        F.col("value.value").alias("value"),
        F.col("value.currency").alias("currency"),
        F.col("volume.volume").alias("volume"),
        F.col("volume.volume_unit").alias("volume_unit"),
        F.col("client_share.client_share").alias("client_share"),
        F.col("supplier_share.supplier_share").alias("supplier_share"),
    )
