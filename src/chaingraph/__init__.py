"""chaingraph: a supply-chain knowledge graph of Fujian's industrial chains.

Every command of the ``chaingraph`` CLI is a thin shell over a library function::

    from chaingraph import Scope, open_store, stats, impact, query, validate, view

    store = open_store()                           # bundled Fujian graph
    report = stats(store, Scope(chain="ningde"))   # chaingraph stats --chain ningde
    report.rows[0]["label"]                        # 'CATL'
    view(store, Scope(chain="ningde"))             # in Jupyter: the interactive view, inline
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: The package's verbs, each the library function behind the command of the same name, and the
#: module that holds it. Imported on first use, so ``chaingraph --help`` imports none of them.
_VERBS = {
    "open_store": "store",
    "stats": "reports",
    "impact": "reports",
    "view": "views.chain_view",
    "query": "queries.named",
    "count": "queries.named",
    "validate": "validation.report",
    "export": "interchange.export",
    "import_csv": "interchange.csv_import",
    "load_store": "projection.load",
    "serve": "store.server",
    "synth": "interchange.synth",
    "gaps": "reports.gap_analysis",
    "diff": "reports.changes",
    "resolve": "reports.resolution",
    "brief": "reports.briefing",
    # the requests the analysis verbs take: which part of the network, by the names a user gives,
    # and how a scenario's shock travels
    "Scope": "projection.selection",
    "Shock": "measures.cascade",
}

__all__ = ["__version__", *sorted(_VERBS)]


def __getattr__(name: str) -> object:
    # A verb's name never names a submodule (the subpackages are queries/, validation/, html/...):
    # importing a submodule would otherwise put the module where the verb should be.
    if name not in _VERBS:
        raise AttributeError(f"module 'chaingraph' has no attribute {name!r}")
    module = importlib.import_module(f".{_VERBS[name]}", __name__)
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_VERBS})
