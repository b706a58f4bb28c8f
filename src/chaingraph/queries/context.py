"""The graph's places, chains, stages and organizations by name, asked of a store for the sheet
naming rule (:class:`chaingraph.sheets.ImportContext`), which never queries a store itself."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import URIRef

from ..sheets import ImportContext
from ..sparql import bind_table
from ..store.base import Store
from ..vocab import ORGANIZATION_CLASSES, PLACE_CLASSES, curies
from .texts import package_query

__all__ = ["KINDS_CHUNK", "import_context"]

#: How many things one query for classes asks about (a VALUES table of this many rows at most):
#: a sheet of 100,000 ids that are IRIs is 200 queries, not 100,000.
KINDS_CHUNK = 500

_CONTEXT_QUERY = package_query(
    "import-context", PLACE_CLASSES=curies(PLACE_CLASSES), ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES)
)
_KINDS_QUERY = package_query("import-thing-kinds")
_KINDS_COUNT_QUERY = package_query("import-thing-kinds-count")
_NOT_FIRMS_QUERY = package_query("import-not-firms", ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES))
_IDENTIFIERS_QUERY = package_query("import-identifiers", ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES))


def import_context(store: Store | None) -> ImportContext:
    """What a sheet's cells may name in ``store``'s graph (nothing without a store).

    The classes of an IRI no label names, and the graph's every thing that is no organization,
    are asked of the store when needed (:meth:`ImportContext.other_kind`; a copy sent to Spark).
    """
    if store is None:
        return ImportContext()
    rows = (
        (str(row["name"]), str(row["thing"]), str(row["kind"]), str(row["scheme"]) if "scheme" in row else None)
        for row in store.select(_CONTEXT_QUERY).rows
    )

    typed_pairs: list[int] = []  # asked once, when first needed

    def kinds_of(iris: Sequence[str]) -> dict[str, list[str]]:
        """The classes of each of ``iris`` that has any (an IRI with none is left out)."""
        found: dict[str, list[str]] = {}
        many = len(iris) > KINDS_CHUNK
        if many and not typed_pairs:
            typed_pairs.append(int(str(store.select(_KINDS_COUNT_QUERY).rows[0]["pairs"])))
        if many and typed_pairs[0] <= len(iris):
            # A small graph and a large sheet: every class the graph states, read at once.
            asked = set(iris)
            for row in store.select(_KINDS_QUERY).rows:
                thing = str(row["thing"])
                if thing in asked:
                    found.setdefault(thing, []).append(str(row["kind"]))
            return found
        for first in range(0, len(iris), KINDS_CHUNK):
            chunk = [(URIRef(iri),) for iri in iris[first : first + KINDS_CHUNK]]
            for row in store.select(bind_table(_KINDS_QUERY, ["thing"], chunk)).rows:
                found.setdefault(str(row["thing"]), []).append(str(row["kind"]))
        return found

    def not_firms() -> list[tuple[str, str]]:
        return [(str(row["thing"]), str(row["type"])) for row in store.select(_NOT_FIRMS_QUERY).rows]

    identifiers = [(str(row["thing"]), str(row["code"])) for row in store.select(_IDENTIFIERS_QUERY).rows]
    return ImportContext(rows, kinds_of=kinds_of, not_firms=not_firms, identifiers=identifiers)
