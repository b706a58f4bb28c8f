"""Every name the store gives a set of firms, in chunks or in one read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import URIRef

from ..projection.source import Source, network_source
from ..queries.texts import package_query

__all__ = ["NAMES_CHUNK", "NAMES_READ_ALL_FROM", "firm_names"]

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
    query = package_query("report-firm-names")
    if len(wanted) >= NAMES_READ_ALL_FROM:
        for thing, name in store.select_lexical(query):
            if thing in wanted:
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
    for firm in firms:
        names = [
            *from_graph.get(firm, nothing),
            *filter(None, map(str.strip, from_sheets.get(firm, nothing))),
            *spelled.get(firm, nothing),
        ]
        found[firm] = _shortest_first(names) if len(names) > 1 else names
    return found


def _shortest_first(names: list[str]) -> list[str]:
    """``names`` once each, by length, then text (two names, a firm's usual: compared directly)."""
    if len(names) == 2:
        first, second = names
        if first == second:
            return [first]
        return [first, second] if (len(first), first) < (len(second), second) else [second, first]
    return sorted(sorted(set(names)), key=len)  # two sorts in C, the second stable
