"""What a command reads, as one value: a store, and the sheets a command joins to its RDF.

Every verb that analyses the network (``stats``, ``impact``, ``gaps``, ``view``, ``diff``,
``resolve``, the network exports) takes a *source*: a :class:`~chaingraph.store.Store` alone, or a
:class:`NetworkSource` holding a store and sheets beside it. The sheets are never an attribute of
the store: SPARQL, which reads the store, cannot see them, and one store serves commands that join
different sheets to it.

>>> from pathlib import Path
>>> from chaingraph.store import open_store
>>> from chaingraph.projection.tables import Tables
>>> from chaingraph.queries.names import FIRM
>>> sheet = Path(getfixture("tmp_path")) / "suppliers.csv"
>>> _ = sheet.write_text("supplier,client\\nAcme Cells,CATL\\n", encoding="utf-8")
>>> source = NetworkSource(open_store(), Tables(relations=[sheet]))
>>> str(source.resolve("Acme Cells", FIRM))
'https://w3id.org/chaingraph/import/firm/Acme%20Cells'
>>> "https://w3id.org/chaingraph/import/firm/Acme%20Cells" in source.projection().nodes
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

import networkx as nx
import pyarrow as pa
from rdflib import URIRef

from ..errors import InputError
from ..queries import names
from ..queries.names import NameKind
from ..store.base import Store
from .model import Projection
from .read import project_columns
from .tables import Tables

__all__ = ["NetworkSource", "Sheets", "Source", "network_source"]


class Sheets(Protocol):
    """Sheets joined to a store's RDF: :class:`~chaingraph.projection.tables.Tables` on this machine;
    on Spark, the names its tables state (:class:`chaingraph.spark.network.SheetNames`), the network
    itself being read there."""

    #: What reading them found worth saying, one line each.
    notes: list[str]

    def projection(self, store: Store) -> Projection:
        """The network of ``store`` with the sheets joined in."""
        ...

    def names(self, store: Store, kind: str) -> Mapping[str, Sequence[str]]:
        """The things of ``kind`` (``firm``, ``place``, ``chain``, ``stage``) the sheets state, each
        with the names they give it."""
        ...


@dataclass(frozen=True)
class NetworkSource:
    """A store, and the sheets (``None``: none) the analysis joins to its RDF."""

    store: Store
    sheets: Sheets | None = None
    #: Answers asked for ahead (:meth:`ask_ahead`), by query, till :meth:`answer` takes them.
    _ahead: dict[str, Future[pa.Table]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tables(self) -> Tables:
        """The sheets as the tables reader reads them (empty when there are none, or on Spark)."""
        return self.sheets if isinstance(self.sheets, Tables) else Tables()

    @property
    def notes(self) -> list[str]:
        """What reading the sheets found worth saying, one line each."""
        return self.sheets.notes if self.sheets is not None else []

    def projection(self) -> Projection:
        """The whole network, at firm level, as columns: the store's (its saved projection when it
        has one), with the sheets joined in."""
        if self.sheets is not None:
            return self.sheets.projection(self.store)
        return project_columns(self.store)

    def network(self) -> nx.DiGraph:
        """:meth:`projection` as a ``networkx.DiGraph`` (the public model)."""
        return self.projection().to_networkx()

    def names(self, kind: str) -> Mapping[str, Sequence[str]]:
        """The things of ``kind`` the sheets state, with their names (the store's are found by SPARQL)."""
        return self.sheets.names(self.store, kind) if self.sheets is not None else {}

    def ask_ahead(self, query: str) -> None:
        """Start the answer to ``query`` (as :meth:`Store.select_columns` gives it) in the
        background, for :meth:`answer` to take later: a store writes an answer without holding
        Python's lock, so it is written on a free core while this process computes."""
        if query not in self._ahead:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chaingraph-ahead")
            self._ahead[query] = pool.submit(self.store.select_columns, query)
            pool.shutdown(wait=False)

    def asked_ahead(self, query: str) -> bool:
        """Whether the answer to ``query`` was asked for ahead and not yet taken."""
        return query in self._ahead

    def answer(self, query: str) -> pa.Table:
        """The answer to ``query`` as columns: the one asked for ahead (:meth:`ask_ahead`), or the
        store's now."""
        ahead = self._ahead.pop(query, None)
        return ahead.result() if ahead is not None else self.store.select_columns(query)

    def resolve(self, text: str, kind: NameKind) -> URIRef:
        """The one thing of ``kind`` that ``text`` names, in the store or the sheets
        (:func:`chaingraph.queries.names.resolve`)."""
        return names.resolve(self.store, text, kind, self)

    def resolve_chains(self, text: str) -> list[URIRef]:
        """The chains ``text`` names (:func:`chaingraph.queries.names.resolve_chains`)."""
        return names.resolve_chains(self.store, text, self)

    def refuse_sheets(self, what: str) -> None:
        """Refuse ``what`` (an RDF export) when sheets are joined: they are joined to the network the
        analysis reads, not to the RDF, and an answer without them would look whole."""
        if self.sheets is not None:
            raise InputError(
                f"{what} reads the RDF only, and the sheets given as tables (--relations, --firms) are not RDF: "
                "import them (chaingraph import) to query or export them"
            )


#: What a verb reads: a store alone, or a store with sheets.
Source: TypeAlias = "Store | NetworkSource"


def network_source(source: Store | NetworkSource) -> NetworkSource:
    """``source`` as a :class:`NetworkSource` (a store alone has no sheets)."""
    return source if isinstance(source, NetworkSource) else NetworkSource(source)
