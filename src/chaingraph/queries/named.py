"""Named SPARQL queries shipped with chaingraph, and running any query with bound parameters.

Each ``queries/NAME.rq`` file starts with comment lines that document it::

    # description: Suppliers of a firm, up to `hops` tiers upstream
    # param: firm (firm, required) the client: IRI, CURIE, or name
    # param: hops (integer, default 1) how many tiers upstream to follow

A parameter's type is ``firm``, ``place``, ``chain``, ``measure`` or ``resource`` (resolved from a
name to an IRI), ``integer``, ``iri`` or ``string``. Values are bound as RDF terms, never pasted
into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import BNode, Node

from .._runtime import resources
from ..errors import InputError, QueryError, UnknownNameError
from ..sparql import bind_table, bind_values, counted, iri_term, query_form, sliced
from ..store import SelectResult, Store
from . import names
from .texts import package_query

__all__ = [
    "MAX_ROWS",
    "WALK_CHUNK",
    "NamedQuery",
    "Parameter",
    "QueryResult",
    "RowWindow",
    "Walk",
    "adhoc_bindings",
    "answer_columns",
    "bind_named",
    "count",
    "count_rows",
    "get_named_query",
    "named_queries",
    "parse_params",
    "prepare",
    "query",
    "run_query",
    "walk_tiers",
]

_PARAM = re.compile(r"#\s*param:\s*(?P<name>\w+)\s*\((?P<spec>[^)]*)\)\s*(?P<help>.*)")
_DESCRIPTION = re.compile(r"#\s*description:\s*(?P<text>.*)")
#: ``# answer: ?source ?sourceSays``: the columns that answer the query (kept whole on a terminal).
_ANSWER = re.compile(r"#\s*answer:\s*(?P<columns>(\?\w+\s*)+)$")
_WALK = re.compile(
    r"#\s*walk:\s*(?P<direction>upstream|downstream) from \?(?P<start>\w+), tiers \?(?P<tiers>\w+),"
    r" found as \?(?P<found>\w+)"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    default: str | None
    help: str


@dataclass(frozen=True)
class Walk:
    """A query's ``# walk:`` line: chaingraph walks ``tiers`` steps ``direction`` from the firm
    bound to ``start``, and binds each firm found, with its nearest tier, as ``(?found ?tiers)``."""

    direction: str
    start: str
    tiers: str
    found: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    walk: Walk | None = None
    #: The columns that answer the query (a ``# answer:`` line): a terminal table wraps them onto
    #: more lines rather than cutting them.
    answer: tuple[str, ...] = ()


def _parse_header(name: str, text: str) -> NamedQuery:
    description = ""
    parameters = []
    walk = None
    answer: tuple[str, ...] = ()
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _DESCRIPTION.match(line):
            description = match["text"].strip()
        elif match := _PARAM.match(line):
            words = [w.strip() for w in match["spec"].split(",")]
            default = next((w.split(None, 1)[1] for w in words if w.startswith("default ")), None)
            parameters.append(Parameter(match["name"], words[0], "required" in words, default, match["help"].strip()))
        elif match := _WALK.match(line):
            walk = Walk(match["direction"], match["start"], match["tiers"], match["found"])
        elif match := _ANSWER.match(line.rstrip()):
            answer = tuple(column.lstrip("?") for column in match["columns"].split())
    return NamedQuery(name, description, text, tuple(parameters), walk, answer)


def answer_columns(text_or_name: str) -> tuple[str, ...]:
    """The columns that answer a named query (its ``# answer:`` line); none for a query's text."""
    name = text_or_name.strip()
    found = named_queries().get(name) if _BARE_NAME.fullmatch(name) else None
    return found.answer if found is not None else ()


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every query shipped in the package, by name (the file name without ``.rq``)."""
    found = {}
    for path in sorted(resources.queries_dir().glob("*.rq")):
        found[path.stem] = _parse_header(path.stem, path.read_text(encoding="utf-8"))
    return found


def get_named_query(name: str) -> NamedQuery:
    """The named query ``name``, or an :class:`UnknownNameError` suggesting the closest names."""
    queries = named_queries()
    if name not in queries:
        import difflib

        raise UnknownNameError("query", name, difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4))
    return queries[name]


def parse_params(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["firm=CATL", "hops=2"]`` -> ``{"firm": "CATL", "hops": "2"}``; a bad pair is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise InputError(f"--param {pair!r}: expected NAME=VALUE with a name of letters, digits and _")
        if key in params:
            # A query binds one value per parameter: taking the last silently would answer another question.
            raise InputError(f"--param {key} is given twice ({params[key]!r} and {value!r}): give it once")
        params[key] = value
    return params


def bind_named(store: Store, query: NamedQuery, params: Mapping[str, str]) -> dict[str, Node]:
    """Resolve a named query's parameters to RDF terms, checking names, types and required ones."""
    known = {p.name: p for p in query.parameters}
    for key in params:
        if key not in known:
            expected = ", ".join(known) or "none"
            raise InputError(f"--param {key}: query {query.name!r} has no such parameter (parameters: {expected})")
    bindings: dict[str, Node] = {}
    for parameter in query.parameters:
        value = params.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                raise InputError(f"query {query.name!r} needs --param {parameter.name}=... ({parameter.help})")
            continue
        bindings[parameter.name] = _term(store, parameter, value)
    return bindings


def _term(store: Store, parameter: Parameter, value: str) -> Node:
    if parameter.type in names.KINDS:
        return names.resolve(store, value, names.KINDS[parameter.type])
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", value.strip()):
            raise InputError(f"--param {parameter.name}={value!r}: expected a whole number")
        number = int(value)
        if parameter.name == "hops" and not 1 <= number <= 4:
            raise InputError(f"--param hops={number}: expected 1 to 4")
        return Literal(number, datatype=XSD.integer)
    if parameter.type == "iri":
        return iri_term(names.as_iri(value) or value)
    return Literal(value)


def adhoc_bindings(params: Mapping[str, str]) -> dict[str, Node]:
    """Bindings for a query typed by the user: IRIs and CURIEs become IRIs, whole numbers
    integers, anything else a plain string literal."""
    bindings: dict[str, Node] = {}
    for key, value in params.items():
        iri = names.as_iri(value)
        if iri is not None:
            bindings[key] = iri_term(iri)
        elif re.fullmatch(r"[+-]?[0-9]{1,18}", value):
            bindings[key] = Literal(int(value), datatype=XSD.integer)
        else:
            bindings[key] = Literal(value)
    return bindings


@dataclass
class QueryResult:
    """What a query returned: rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    form: str
    select: SelectResult | None = None
    graph: Graph | None = None

    @property
    def rows(self) -> list[dict]:
        """The rows of a SELECT (as a stats report's ``rows``); empty for the other forms.

        >>> from chaingraph.store import open_store
        >>> query(open_store(), "chains").rows[0]["chain"].startswith("https://")
        True
        """
        return list(self.select.rows) if self.select is not None and self.select.rows is not None else []


#: The most rows ``query`` answers unless told otherwise (``--max-rows``): a query that would
#: answer more (a cartesian product, say) stops there with a message instead of filling memory.
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class RowWindow:
    """Which rows of a SELECT the store sends, as one request: ``limit`` and ``offset`` page it
    inside the query, so the store sends only that page; an answer of more than ``max_rows`` rows
    is an :class:`InputError` (``None``: no bound), and a local store stops one row past the
    bound, so its worker never holds more."""

    limit: int | None = None
    offset: int = 0
    max_rows: int | None = MAX_ROWS


def run_query(
    store: Store,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = None,
    *,
    rows: RowWindow = RowWindow(),
) -> QueryResult:
    """Run a SPARQL query of any form on ``store`` (updates are refused by the store), a SELECT's
    answer cut to ``rows``; ``timeout`` bounds the embedded store's evaluation (an endpoint has its
    own HTTP timeout).

    >>> from chaingraph.store import open_store
    >>> page = run_query(open_store(), "SELECT ?firm WHERE { ?firm a cg:Company }", rows=RowWindow(limit=2))
    >>> len(page.select.rows)
    2
    """
    limit, offset, max_rows = rows.limit, rows.offset, rows.max_rows
    form = query_form(text)
    if (limit is not None or offset) and form != "SELECT":
        raise InputError("--limit and --offset page SELECT queries")
    # The query text is not sliced for the bound (that would move the positions of its syntax
    # errors, and a server that caps answers pages only queries without a LIMIT): the store reads
    # at most the bound and says whether there was more.
    bound = max_rows if max_rows is not None and (limit is None or limit > max_rows) else None

    def work() -> QueryResult:
        if form in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(form, graph=store.construct(text, bindings))
        if form == "SELECT":
            paged = sliced(bind_values(text, bindings or {}), limit, offset)
            return QueryResult(form, select=store.select(paged, max_rows=bound))
        return QueryResult(form, select=store.select(text, bindings))

    result = store.bounded(work, timeout)
    if result.select is not None and result.select.more:
        raise _too_many(max_rows)
    return result


def _too_many(max_rows: int | None) -> InputError:
    return InputError(
        f"the answer has more than {max_rows:,} rows: page it with --limit and --offset, "
        "count it with --count, or raise --max-rows"
    )


def count_rows(
    store: Store, text: str, bindings: Mapping[str, Node] | None = None, timeout: float | None = None
) -> int:
    """How many solutions a SELECT query has, counted by the store (no row is sent)."""
    if query_form(text) != "SELECT":
        raise InputError("--count counts the rows of SELECT queries")

    def work() -> int:
        rows = store.select(counted(bind_values(text, bindings or {}))).rows
        return int(str(rows[0]["rows"])) if rows else 0

    return store.bounded(work, timeout)


def prepare(
    store: Store, text_or_name: str, params: Mapping[str, str] | None = None, timeout: float | None = None
) -> tuple[str, dict[str, Node]]:
    """The text of a named query (by name) or of query text, and ``params`` bound as RDF terms
    (a named query's typed parameters resolved, names to IRIs, in ``store``). A named query with
    a ``# walk:`` line has its tiers walked here (bounded by ``timeout``), and comes back with
    what the walk found bound in its text."""
    if not callable(getattr(store, "select", None)):  # a NetworkSource: its sheets are not RDF
        raise TypeError(
            f"SPARQL reads the store, not a {type(store).__name__}: sheets joined to a store are not RDF "
            "(query source.store for the RDF alone, or import the sheets)"
        )
    params = dict(params or {})
    if _BARE_NAME.fullmatch(text_or_name.strip()):  # no SPARQL query is one word: a mistyped name
        named = get_named_query(text_or_name.strip())
        bindings = bind_named(store, named, params)
        if named.walk is None:
            return named.text, bindings
        walk = named.walk
        start, tiers = bindings.pop(walk.start), int(str(bindings.pop(walk.tiers)))
        found = store.bounded(lambda: walk_tiers(store, walk.direction, start, tiers), timeout)
        return bind_table(named.text, [walk.found, walk.tiers], found), bindings
    return text_or_name, adhoc_bindings(params)


#: How many firms one step of a walk asks about (a VALUES table of this many rows at most).
WALK_CHUNK = 500


def walk_tiers(store: Store, direction: str, start: Node, tiers: int) -> list[tuple[Node, Literal]]:
    """Each firm ``tiers`` steps or fewer ``upstream`` (its suppliers, theirs ...) or
    ``downstream`` (its clients ...) of ``start``, with its nearest tier as an ``xsd:integer``,
    nearest first; ``start`` itself is never in the answer.

    Breadth first, one query per tier (and per :data:`WALK_CHUNK` firms of the tier before): a
    firm's nearest tier is its distance, so a firm met again further out is not walked again.
    A supply edge is ``cg:supplierOf`` from the supplier or ``cg:clientOf`` from the client.

    >>> from chaingraph.store import open_store
    >>> from chaingraph.vocab import FJ
    >>> found = dict(walk_tiers(open_store(), "upstream", FJ.catl, 2))
    >>> int(found[FJ.skeqi])
    1
    """
    step = package_query(f"walk-{direction}")
    seen, frontier, found = {start}, [start], []
    for tier in range(1, tiers + 1):
        reached = []
        for first in range(0, len(frontier), WALK_CHUNK):
            chunk = frontier[first : first + WALK_CHUNK]
            for row in store.select(bind_table(step, ["from"], [(firm,) for firm in chunk])).rows or []:
                firm = row["next"]
                if firm not in seen:
                    if isinstance(firm, BNode):
                        raise QueryError(
                            f"a firm {tier} tier(s) {direction} is a blank node, which a query cannot "
                            "name: give firms IRIs (chaingraph import mints them)"
                        )
                    seen.add(firm)
                    reached.append(firm)
        found += [(firm, Literal(tier, datatype=XSD.integer)) for firm in reached]
        frontier = reached
        if not frontier:
            break
    return found


_BARE_NAME = re.compile(r"[\w-]+")


def query(
    store: Store,
    text_or_name: str,
    params: Mapping[str, str] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    timeout: float | None = None,
) -> QueryResult:
    """Run a named query (by name) or a query text, binding ``params`` as RDF terms; ``limit`` and
    ``offset`` page a SELECT inside the query, ``timeout`` bounds the embedded store's evaluation.

    >>> from chaingraph.store import open_store
    >>> result = query(open_store(), "suppliers-of", {"firm": "CATL", "hops": "1"})
    >>> "https://w3id.org/chaingraph/fujian/skeqi" in {str(row["supplier"]) for row in result.select.rows}
    True
    >>> len(query(open_store(), "firms-in", {"place": "Ningde"}, limit=2).select.rows)
    2
    """
    text, bindings = prepare(store, text_or_name, params)
    return run_query(store, text, bindings, timeout, rows=RowWindow(limit, offset))


def count(
    store: Store, text_or_name: str, params: Mapping[str, str] | None = None, *, timeout: float | None = None
) -> int:
    """How many rows a named or given SELECT query has, counted by the store (no row is sent).

    >>> from chaingraph.store import open_store
    >>> store = open_store()
    >>> count(store, "firms-in", {"place": "Ningde"}) == len(query(store, "firms-in", {"place": "Ningde"}).select.rows)
    True
    """
    text, bindings = prepare(store, text_or_name, params)
    return count_rows(store, text, bindings, timeout)
