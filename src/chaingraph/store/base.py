"""What every store answers: the :class:`Store` protocol, its results, and RDF term conversion.

A leaf of the store layer: the embedded, on-disk and endpoint stores import it, and so may any
module downstream that only needs the types (the projection, the queries), without importing a
store itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import QueryError

__all__ = ["STORE_MANIFEST", "Row", "SavedProjection", "SelectResult", "Store", "from_ox"]

Row = dict[str, Node]

#: The file that makes a folder an on-disk store (written by ``chaingraph load``).
STORE_MANIFEST = "chaingraph-store.json"


@dataclass
class SelectResult:
    """The answer to a SELECT or ASK query: the variables in order and one dict per row."""

    variables: list[str]
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None


class Store(Protocol):
    """What the rest of chaingraph reads from: the embedded store or a SPARQL endpoint.

    ``local`` says what a store can do beyond reading: a local store (Oxigraph in this process,
    in memory or on disk) evaluates queries here, so they can be stopped at a time limit, and it
    can be validated, dumped whole and updated in a copy; a remote endpoint answers over HTTP
    under its own limits and is updated in place.
    """

    description: str
    local: bool

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None, *, max_rows: int | None = None
    ) -> SelectResult:
        """Rows of a SELECT, or an ASK's boolean; with ``max_rows``, at most that many rows are
        read (a local store stops evaluating there)."""
        ...

    def select_lexical(self, query: str, bindings: Mapping[str, Node] | None = None) -> Iterable[tuple]: ...

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool: ...


# --- term conversion --------------------------------------------------------------------------


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """An Oxigraph term as the rdflib term the rest of the library uses."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


@dataclass(frozen=True)
class SavedProjection:
    """Where a store's saved projection lies, and the format it was written in; read by the
    projection layer (:func:`chaingraph.projection_file.read_saved_projection`)."""

    folder: Path
    format: int
