"""The package's own SPARQL, one ``.rq`` file each in ``queries/internal/`` (the named queries a
user runs are the ``.rq`` files beside this module, read by :mod:`.named`).

A file may leave a slot, ``$NAME``, for a list the package owns (the organization or place
classes of :mod:`chaingraph.vocab`, a datatype list): the caller fills it with terms the package
writes itself. A user's value never fills a slot; it is bound as an RDF term
(:func:`chaingraph.sparql.bind_values`). Package queries write variables with ``?``, never ``$``.

>>> "cg:supplierOf" in package_query("projection-edges")
True
>>> "VALUES ?class { cg:IndustrialChain }" in package_query("names-is-a", classes="cg:IndustrialChain")
True
"""

from __future__ import annotations

import string
from functools import cache

from .._runtime import resources
from ..errors import QueryError

__all__ = ["package_query"]


@cache
def _template(name: str) -> string.Template:
    path = resources.queries_dir() / "internal" / f"{name}.rq"
    return string.Template(path.read_text(encoding="utf-8"))


def package_query(name: str, **slots: str) -> str:
    """The text of the package query ``name``, its ``$`` slots filled from ``slots``."""
    try:
        return _template(name).substitute(slots)
    except KeyError as missing:
        raise QueryError(f"package query {name!r}: slot {missing} not filled") from None
