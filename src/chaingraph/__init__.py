"""chaingraph: a supply-chain knowledge graph of Fujian's industrial chains.

Every command of the ``chaingraph`` CLI is a thin shell over a library function::

    from chaingraph import open_store, stats, impact, query, validate, view

    store = open_store()                      # bundled Fujian graph
    report = stats(store, chain="ningde")     # chaingraph stats --chain ningde
    report.rows[0]["label"]                   # 'CATL'
    view(store, "ningde")                     # in Jupyter: the interactive view, inline
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "impact", "open_store", "query", "stats", "validate", "view"]


def __getattr__(name: str):
    # Lazy, so ``chaingraph --help`` does not import rdflib, networkx and pyshacl. No submodule
    # shares a name with these verbs: importing it would put the module where the verb should be.
    if name == "open_store":
        from .store import open_store

        return open_store
    if name in ("stats", "impact", "view"):
        from . import reports

        return getattr(reports, name)
    if name == "query":
        from .queries import query

        return query
    if name == "validate":
        from .validation import validate

        return validate
    raise AttributeError(name)
