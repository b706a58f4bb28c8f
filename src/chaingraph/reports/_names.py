"""Every name the store gives a set of firms, in chunks or in one read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc
from rdflib import URIRef

from ..projection.source import NetworkSource, Source, network_source
from ..queries.texts import package_query
from ..store.embedded import EmbeddedStore

__all__ = ["NAMES_CHUNK", "NAMES_READ_ALL_FROM", "firm_names", "read_names_ahead"]

#: Every name of every thing in the graph (a VALUES table binds ?thing to ask about a few).
_NAMES_QUERY = package_query("report-firm-names")

#: How many firms one query for names asks about (a VALUES table of this many rows at most).
NAMES_CHUNK = 500
#: From this many firms on, every label of the store is read in one query and kept for the firms
#: asked about: a million firms are 2,000 queries of 500 otherwise, each a worker on a disk store.
NAMES_READ_ALL_FROM = 20_000


def firm_names(source: Source, firms: Sequence[str]) -> dict[str, list[str]]:
    """Every name each of ``firms`` (IRIs) is known by: its labels and alternative labels in the
    graph, in every language, and the names the sheets gave it (a spelling merged into it
    included), each once, shortest first: what a reader checks a merge by.

    >>> from chaingraph.store import open_store
    >>> names = firm_names(open_store(), ["https://w3id.org/chaingraph/fujian/catl"])
    >>> "宁德时代" in names["https://w3id.org/chaingraph/fujian/catl"]
    True
    """
    from ..sparql import bind_table

    source = network_source(source)
    store = source.store
    wanted = set(firms)
    # The names of each source by firm, then a list a firm in one pass (sorted and made unique
    # there): a set each took 0.2 GB at a million firms, a list filled source by source 0.1 s more
    # at 100k.
    from_graph: dict[str, list[str]] = {}
    query = _NAMES_QUERY
    if len(wanted) >= NAMES_READ_ALL_FROM or source.asked_ahead(query):
        things, names = source.answer(query).columns
        asked = pc.is_in(things, value_set=pa.array(list(wanted), pa.string()))
        for thing, name in zip(things.filter(asked).to_pylist(), names.filter(asked).to_pylist(), strict=True):
            from_graph.setdefault(thing, []).append(name)
    else:
        ordered = sorted(wanted)
        for first in range(0, len(ordered), NAMES_CHUNK):
            chunk = [(URIRef(firm),) for firm in ordered[first : first + NAMES_CHUNK]]
            for row in store.select(bind_table(query, ["thing"], chunk)).rows or []:
                from_graph.setdefault(str(row["thing"]), []).append(str(row["name"]))
    tables = source.tables
    from_sheets: Mapping[str, Sequence[str]] = {}
    spelled: dict[str, list[str]] = {}
    if tables.relations or tables.firms:
        from_sheets = source.names("firm")
        if tables.naming is not None:  # every relation end's name, the graph's firms' included
            for name, (firm, _) in tables.naming.resolved.items():
                # a graph's firm given by its IRI: the IRI is no name of it (the import adds none)
                if firm in wanted and name.strip() and name != firm:
                    spelled.setdefault(firm, []).append(name.strip())
    found: dict[str, list[str]] = {}
    nothing: tuple[str, ...] = ()
    if not from_sheets and not spelled:  # the graph's names alone: each firm's list as it is
        for firm in firms:
            names = from_graph.get(firm) or []
            found[firm] = _shortest_first(names) if len(names) > 1 else names
        return found
    for firm in firms:
        names = [
            *from_graph.get(firm, nothing),
            *filter(None, map(str.strip, from_sheets.get(firm, nothing))),
            *spelled.get(firm, nothing),
        ]
        found[firm] = _shortest_first(names) if len(names) > 1 else names
    return found


def read_names_ahead(source: NetworkSource) -> None:
    """Start reading every name the graph gives, for :func:`firm_names` on ``source`` to take: the
    store writes them on a free core while the measures run (half a second of a 100k-firm
    ``stats``, issue 47). Only worth it when the names of most firms will be asked for, and only
    done for a store in this process's memory: an on-disk store answers in a forked worker, and a
    worker still being forked from a second thread when the command ends on an error aborted the
    process (RocksDB's threads, torn down under it); a server is asked when the names are needed.

    >>> from chaingraph.projection.source import NetworkSource
    >>> from chaingraph.store import open_store
    >>> source = NetworkSource(open_store())
    >>> read_names_ahead(source)
    >>> "宁德时代" in firm_names(source, ["https://w3id.org/chaingraph/fujian/catl"])["https://w3id.org/chaingraph/fujian/catl"]
    True
    """
    if isinstance(source.store, EmbeddedStore) and source.store.in_memory:
        source.ask_ahead(_NAMES_QUERY)


def _shortest_first(names: list[str]) -> list[str]:
    """``names`` once each, by length, then text (two names, a firm's usual: compared directly)."""
    if len(names) == 2:
        first, second = names
        if first == second:
            return [first]
        return [first, second] if (len(first), first) < (len(second), second) else [second, first]
    return sorted(sorted(set(names)), key=len)  # two sorts in C, the second stable
