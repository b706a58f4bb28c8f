"""Every name the store gives a set of firms, in chunks or in one read."""

from __future__ import annotations

from collections.abc import Sequence

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
    # A list a firm, sorted and made unique at the end: a set each took 0.2 GB at a million firms.
    found: dict[str, list[str]] = {firm: [] for firm in firms}
    query = package_query("report-firm-names")
    if len(found) >= NAMES_READ_ALL_FROM:
        for thing, name in store.select_lexical(query):
            names = found.get(thing)
            if names is not None:
                names.append(name)
    else:
        ordered = sorted(found)
        for first in range(0, len(ordered), NAMES_CHUNK):
            chunk = [(URIRef(firm),) for firm in ordered[first : first + NAMES_CHUNK]]
            for row in store.select(bind_table(query, ["thing"], chunk)).rows or []:
                found[str(row["thing"])].append(str(row["name"]))
    tables = source.tables
    if tables.relations or tables.firms:
        for firm, given in source.names("firm").items():
            names = found.get(firm)
            if names is not None:
                names.extend(name.strip() for name in given if name.strip())
        if tables.naming is not None:  # every relation end's name, the graph's firms' included
            for name, (firm, _) in tables.naming.resolved.items():
                names = found.get(firm)
                # a graph's firm given by its IRI: the IRI is no name of it (the import adds none)
                if names is not None and name.strip() and name != firm:
                    names.append(name.strip())
    for firm, names in found.items():
        if len(names) > 1:
            found[firm] = sorted(set(names), key=lambda name: (len(name), name))
    return found
