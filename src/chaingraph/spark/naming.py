"""The sheets' names on Spark: each partition's rows named by the tables reader's own rule
(``projection.parts.named_nodes`` over ``sheets/``), the names every firm of a sheet gives, and the
first error a partition met, raised as one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import InputError
from ..projection.model import Projection
from ..projection.parts import named_nodes
from ..projection.tables import Tables, default_chain
from ..queries.context import import_context
from ..sheets import (
    FIRM_FIELDS,
    Naming,
    created_place_names,
)
from ..store.base import Store
from ..vocab import local_name
from .frames import arrow_schema, sheets_frame

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SheetNames", "named_batch", "raise_first_error", "resolved_ends", "sheet_names"]


@dataclass
class SheetNames:
    """What the tables name of places, chains and stages (never firms: there may be millions), as
    the sheets of a :class:`~chaingraph.projection.source.NetworkSource` for name resolution:
    ``--chain`` and ``--region`` then find what the sheets add, as on one machine. The network itself
    is read by Spark: asking this object for it is refused."""

    found: dict[str, dict[str, list[str]]]
    notes: list[str]
    #: The chains the sheets create or add stages to: chain IRI -> its ``meta`` entry's part
    #: (``label``, ``id``, ``stages``), as the tables reader states them.
    chains: dict[str, dict] = field(default_factory=dict)

    def projection(self, store: Store) -> Projection:
        raise InputError("the tables are read by Spark (--engine spark), not on this machine")

    def names(self, store: Store, kind: str) -> Mapping[str, Sequence[str]]:
        return self.found.get(kind, {})


def sheet_names(spark: SparkSession, store: Store, tables: Tables) -> SheetNames:
    """The places, chains and stages the firm tables create (distinct cells, named on the driver by
    the import's rule), for name resolution before the network is read."""
    firms = sheets_frame(spark, tables.firms, FIRM_FIELDS, "firms", tables.mapping)
    naming = Naming(import_context(store), tables.base, default_chain(tables))
    found: dict[str, dict[str, list[str]]] = {"place": {}, "chain": {}, "stage": {}}
    chains: dict[str, dict] = {}
    if firms is None:
        return SheetNames(found, tables.notes)
    cells = firms.select("located_in", "chain", "stage").distinct().collect()
    for row in sorted(cells, key=lambda row: (row["chain"] or "", row["stage"] or "", row["located_in"] or "")):
        if row["located_in"]:
            iri, places = naming.place(row["located_in"])
            found["place"].update(created_place_names(places, iri, row["located_in"]))
        chain = None
        if row["chain"]:
            chain, created = naming.chain(row["chain"])
            if created:
                found["chain"][chain] = [row["chain"]]
                chains[chain] = {"id": local_name(chain), "label": row["chain"], "stages": {}}
        if row["stage"]:
            if chain is None:
                chain, created = naming.chain(naming.chain_name)
                if created:
                    found["chain"][chain] = [naming.chain_name]
                    chains[chain] = {"id": local_name(chain), "label": naming.chain_name, "stages": {}}
            iri, created = naming.stage(chain, row["stage"])
            if created:
                found["stage"][iri] = [row["stage"]]
                entry = chains.setdefault(chain, {"stages": {}})
                entry["stages"][iri] = {"label": row["stage"], "label_zh": "", "order": 0}
    return SheetNames(found, tables.notes, chains)


def resolved_ends(
    spark: SparkSession, naming: Naming, firms: DataFrame | None, firm_nodes: DataFrame, relations: DataFrame
) -> DataFrame:
    """``relations`` with each end that names a firm by another spelling rewritten to the one the
    firm is known by, so that each partition, naming its ends from the graph alone, gives the firm
    the local reader gives: a firm row's name (not its id) becomes that row's id, and the
    spellings of one new firm (``Capchem Technology``, ``Capchem Technology Co., Ltd.``) its
    first. Decided by :meth:`Naming.resolve_ends`, the local reader's rule, on the driver, with
    every distinct end and every firm row's names in view (strings only; the rows stay where they
    lie)."""
    from pyspark.sql import functions as F

    firm_ids: dict[str, str] = {}  # a firm row's IRI -> its id
    ids: set[str] = set()  # every firm row's id (an end that is one is that row's firm already)
    if firms is not None:
        named = firms.select("id", "name_en", "name_zh").join(firm_nodes.select("id", "iri"), "id")
        for row in named.toLocalIterator():
            naming.register_firm(row["id"], row.asDict(), row["iri"])
            firm_ids.setdefault(row["iri"], row["id"])
            ids.add(row["id"])
    ends = relations.select(F.col("supplier").alias("id")).union(relations.select(F.col("client").alias("id")))
    distinct = [row["id"] for row in ends.distinct().toLocalIterator() if row["id"] and row["id"] not in ids]
    renamed = []
    for name, (stating, iri, _how) in naming.resolve_ends(distinct).items():
        target = firm_ids.get(iri, stating)
        if target != name:
            renamed.append((name, target))
    if not renamed:
        return relations
    table = F.broadcast(spark.createDataFrame(renamed, "name string, target string"))
    for column in ("supplier", "client"):
        relations = (
            relations.join(table.withColumnRenamed("name", column), column, "left")
            .withColumn(column, F.coalesce("target", column))
            .drop("target")
        )
    return relations


def named_batch(facts, naming: Naming, firms: list, ends: list):
    """One Arrow batch of :data:`NODE_SCHEMA` rows for a batch of firm rows or relation ends; an
    error becomes the ``error`` cell of one row (the driver raises it), never a task failure."""
    import pyarrow as pa

    try:
        found = named_nodes(facts, naming, firms, ends)
        error = None
    except InputError as exc:
        found, error = {}, str(exc)
    rows = [
        {
            "id": identifier,
            "iri": iri,
            "typed": typed,
            "label": columns["label"],
            "label_zh": columns["label_zh"],
            "kind": columns["kind"],
            "place": columns["place_label"],
            "places": list(columns["places"]),
            "chains": list(columns["chains"]),
            "stage": columns["stage_label"],
            "stage_iri": columns["stage"],
            "error": None,
        }
        for identifier, (iri, typed, columns) in found.items()
    ]
    if error is not None:
        rows.append({"id": "", "iri": "", "typed": False, "places": [], "chains": [], "error": error})
    return pa.RecordBatch.from_pylist(rows, schema=arrow_schema())


def raise_first_error(frame: DataFrame) -> None:
    from pyspark.sql import functions as F

    found = frame.filter(F.col("error").isNotNull()).select("error").limit(1).collect()
    if found:
        raise InputError(found[0]["error"])
