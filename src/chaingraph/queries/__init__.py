"""SPARQL as files: the named queries a user runs (``*.rq`` here, read by ``named``), the
package's own queries (``internal/*.rq``), and name resolution (``names``: an IRI, CURIE, English
or Chinese name to an IRI, with suggestions)."""

from __future__ import annotations

from .named import MAX_ROWS, NamedQuery, Parameter, QueryResult, count, named_queries, query

__all__ = ["MAX_ROWS", "NamedQuery", "Parameter", "QueryResult", "count", "named_queries", "query"]
