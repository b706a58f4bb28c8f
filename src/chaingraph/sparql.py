"""What the library needs to know about SPARQL text without a full parser.

A small scanner that skips comments, strings and IRIs finds a query's form (SELECT, CONSTRUCT,
an update ...) and the group where parameter values are bound. Values are always written as
RDF terms in N-Triples syntax, so no value can change the shape of a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from rdflib.term import BNode, Literal, Node, URIRef

from .errors import QueryError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<brace>[{}])
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


def _tokens(text: str) -> Iterator[re.Match[str]]:
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "comment":
            yield match


def query_form(text: str) -> str:
    """The form of a SPARQL request: ``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE`` or ``UPDATE``.

    >>> query_form("PREFIX a: <x:> # SELECT\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for match in _tokens(text):
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_FORMS:
            return "UPDATE"
    raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE found")


def term_to_sparql(term: Node) -> str:
    """An RDF term written in N-Triples syntax, safe to place in a VALUES block."""
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a query parameter")
    raise QueryError(f"cannot bind {term!r} as a query parameter")


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """Bind variables by a VALUES block placed first in the query's WHERE group.

    This is how parameters reach servers that do not support pre-bound variables: inline data
    at the start of the group is joined before anything else, like rdflib's ``initBindings``.
    The values are RDF terms in N-Triples syntax, never raw text.
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"invalid parameter name {name!r}")
    row = " ".join(term_to_sparql(bindings[name]) for name in names)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + row + ") } "
    position = _where_group_start(text)
    return text[:position] + block + text[position:]


def _where_group_start(text: str) -> int:
    form = None
    seen_where = False
    depth = 0
    skip_template = False
    for match in _tokens(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            word = value.upper()
            if form is None and word in QUERY_FORMS:
                form = word
                skip_template = word == "CONSTRUCT"
            elif word == "WHERE" and depth == 0:
                seen_where = True
                skip_template = False
        elif kind == "brace":
            if value == "{":
                if depth == 0 and form and (seen_where or not skip_template):
                    return match.end()
                depth += 1
            else:
                depth -= 1
                if depth == 0 and skip_template:
                    skip_template = False
    raise QueryError("cannot bind parameters: the query has no WHERE group")
