"""What every store answers: the :class:`Store` protocol, its results, and RDF term conversion.

A leaf of the store layer: the embedded, on-disk and endpoint stores import it, and so may any
module downstream that only needs the types (the projection, the queries), without importing a
store itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar, overload

import pyarrow as pa
import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import ChainGraphError, QueryError

__all__ = [
    "STORE_MANIFEST",
    "LocalDataset",
    "Row",
    "SavedProjection",
    "SelectResult",
    "Store",
    "dumped",
    "from_ox",
]

T = TypeVar("T")

Row = dict[str, Node]

#: The file that makes a folder an on-disk store (written by ``chaingraph load``).
STORE_MANIFEST = "chaingraph-store.json"


@dataclass
class SelectResult:
    """The answer to a SELECT or ASK query: the variables in order and one dict per row."""

    variables: list[str]
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    #: The answer had more rows than the ``max_rows`` asked for (an endpoint then sends none).
    more: bool = False


class Store(Protocol):
    """What the rest of chaingraph reads from: the embedded store, an on-disk store or a SPARQL
    endpoint. Callers never ask which: what differs is in these operations.
    """

    description: str

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None, *, max_rows: int | None = None
    ) -> SelectResult:
        """Rows of a SELECT, or an ASK's boolean; with ``max_rows``, at most that many rows, and
        ``more`` set when there were more (a local store stops evaluating there, an endpoint
        counts first and sends none)."""
        ...

    def bounded(self, work: Callable[[], T], seconds: float | None) -> T:
        """``work()`` (which queries this store) stopped after ``seconds``: a local store runs it
        in a worker killed at the limit; an endpoint is bounded by its own HTTP timeout."""
        ...

    def local_dataset(self, needed_for: str) -> LocalDataset:
        """The dataset itself, for what needs more than queries (``needed_for`` names it); an
        :class:`~chaingraph.errors.InputError` saying so for a store that has none here."""
        ...

    def update(self, update: str) -> bool:
        """Run a SPARQL Update: on a local store in its copy in memory, on an endpoint in place."""
        ...

    def select_lexical(self, query: str, bindings: Mapping[str, Node] | None = None) -> Iterable[tuple]: ...

    def select_columns(self, query: str, bindings: Mapping[str, Node] | None = None) -> pa.Table:
        """The answer of :meth:`select_lexical` as one Arrow string column per variable, in the
        SELECT clause's order, null where unbound (:mod:`chaingraph.store.columns`)."""
        ...

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool: ...


class LocalDataset(Store, Protocol):
    """What a store in this process offers beyond queries: the dataset itself, to validate, dump,
    update in a copy, or read quad by quad (:meth:`Store.local_dataset` gives it, or refuses)."""

    description: str
    oxigraph: ox.Store

    def dump(self, rdf_format: ox.RdfFormat = ...) -> bytes: ...

    def to_rdflib(self) -> Graph: ...

    def read_error(self, exc: BaseException) -> ChainGraphError:
        """The one-line error for a failure of Oxigraph reading this dataset (a damaged database)."""
        ...

    def __len__(self) -> int: ...


# --- term conversion --------------------------------------------------------------------------


def dumped(data: bytes | None) -> bytes:
    """What ``pyoxigraph.Store.dump`` returns without an output: the bytes (typed optional, as it
    writes to an output when given one)."""
    if data is None:
        raise QueryError("the store wrote nothing")
    return data


@overload
def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node: ...


@overload
def from_ox(term: None) -> None: ...


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Node | None:
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
    projection layer (:func:`chaingraph.projection.saved.read_saved_projection`)."""

    folder: Path
    format: int
