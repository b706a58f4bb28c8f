"""What the library needs to know about SPARQL text without a full parser.

A small scanner that skips comments, strings and IRIs finds a query's form (SELECT, CONSTRUCT,
an update ...) and the group where parameter values are bound. Values are always written as
RDF terms in N-Triples syntax, so no value can change the shape of a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from rdflib.term import BNode, Literal, Node, URIRef

from .errors import InputError, QueryError

__all__ = [
    "MAX_NESTING",
    "QUERY_FORMS",
    "UPDATE_FORMS",
    "bind_table",
    "bind_values",
    "check_nesting",
    "counted",
    "iri_term",
    "literal_to_sparql",
    "nesting_depth",
    "query_form",
    "refuse_service",
    "sliced",
    "solution_modifiers",
    "split_prologue",
    "term_to_sparql",
    "update_keywords",
    "uses_service",
]

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<variable>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()<>,;]*)?)
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


def update_keywords(text: str) -> set[str]:
    """The update operations a SPARQL request names (``LOAD``, ``INSERT`` ...), outside strings,
    IRIs, comments, variables and prefixed names."""
    words = (match.group().upper() for match in _tokens(text) if match.lastgroup == "word")
    return {word for word in words if word in UPDATE_FORMS}


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    """The text with SPARQL's codepoint escapes (``\\u0053``) replaced by their characters, which
    the specification applies before parsing (section 19.2)."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""

    return _CODEPOINT_ESCAPE.sub(replace, text)


def uses_service(text: str) -> bool:
    """Whether a SPARQL request holds a ``SERVICE`` clause (federated query), which would make the
    engine that runs it send requests to any host the text names.

    Only keywords count, not strings, IRIs, comments or prefixed names; the text is read both as
    written and with its codepoint escapes applied, so an escaped keyword is found too.

    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * WHERE { ?s ex:SERVICE "SERVICE" } # SERVICE')
    False
    """
    return any(
        match.lastgroup == "word" and match.group().upper() == "SERVICE"
        for version in {text, _unescaped(text)}
        for match in _tokens(version)
    )


#: Deeper nesting than this is refused before parsing (as RDF/XML is): real queries and shapes nest
#: a few levels; 100,000 levels overflow the stack of a recursive parser and end the process.
MAX_NESTING = 500
_OPENING, _CLOSING = frozenset("({["), frozenset(")}]")


def nesting_depth(text: str) -> int:
    """How deeply brackets, braces and parentheses nest in SPARQL or Turtle text (strings, IRIs
    and comments skipped).

    >>> nesting_depth("SELECT * WHERE { { ?s ?p [ ?q ( 1 2 ) ] } } # {{{{")
    4
    """
    depth = deepest = 0
    for match in _tokens(text):
        token = match.group()
        if token in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSING:
            depth -= 1
    return deepest


def check_nesting(text: str, what: str) -> None:
    """An :class:`InputError` naming ``what`` when ``text`` nests deeper than :data:`MAX_NESTING`."""
    if nesting_depth(text) > MAX_NESTING:
        raise InputError(f"{what}: nested deeper than {MAX_NESTING} levels; chaingraph does not read such text")


def refuse_service(text: str, where: str = "the embedded store") -> None:
    """A :class:`QueryError` when ``text`` holds a SERVICE clause (see :func:`uses_service`)."""
    if uses_service(text):
        raise QueryError(
            f"SERVICE is not run on {where}: it would send requests to other hosts; give --allow-service to let it"
        )


# What RDF 1.1 forbids in an IRI reference (its IRIREF production).
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_term(text: str) -> URIRef:
    """The IRI a user typed, as a term; an :class:`InputError` if RDF does not allow it."""
    bad = _NOT_IN_IRIS.search(text)
    if bad:
        raise InputError(f"<{text}>: not a valid IRI ({bad.group()!r} is not allowed in one)")
    return URIRef(text)


# Language tags as BCP 47 writes them (SPARQL's LANGTAG production).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
# SPARQL's ECHAR escapes; every other control character is written as a \u escape.
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    return _ECHAR.get(character) or f"\\u{ord(character):04X}"


def literal_to_sparql(literal: Literal) -> str:
    r"""A literal as one double-quoted SPARQL string that no lexical form can end early.

    Written here rather than by ``Literal.n3()``, whose triple-quoted form for text with newlines
    lets a value ending in a backslash and a quote close the string and continue as query text.
    Quotes and backslashes get their ECHAR escapes and every control character a ``\u`` escape,
    so the string is always one STRING_LITERAL_QUOTE token.

    >>> print(literal_to_sparql(Literal('x\ny\\"')))
    "x\ny\\\""
    >>> print(literal_to_sparql(Literal("宁德", lang="zh")))
    "宁德"@zh
    """
    if _SURROGATE.search(str(literal)):
        raise QueryError(f"{str(literal)[:40]!r}: holds a lone surrogate, which is not a Unicode character")
    text = _NEEDS_ESCAPE.sub(_escape, str(literal))
    if literal.language:
        if not _LANGUAGE_TAG.fullmatch(literal.language):
            raise QueryError(f"{literal.language!r} is not a language tag")
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None and str(literal.datatype) != _XSD_STRING:
        return f'"{text}"^^{iri_term(str(literal.datatype)).n3()}'
    return f'"{text}"'


def term_to_sparql(term: Node) -> str:
    """An RDF term written in N-Triples syntax, safe to place in a VALUES block."""
    if isinstance(term, URIRef):
        return iri_term(str(term)).n3()
    if isinstance(term, Literal):
        return literal_to_sparql(term)
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a query parameter")
    raise QueryError(f"cannot bind {term!r} as a query parameter")


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """Bind variables by VALUES blocks placed first in the query's WHERE group.

    This is how parameters reach servers that do not support pre-bound variables: inline data
    at the start of the group is joined before anything else, like rdflib's ``initBindings``.
    The values are RDF terms in N-Triples syntax, never raw text. Each variable gets a block of
    its own (``VALUES ?a { ... } VALUES ?b { ... }``): Virtuoso cannot compile one multi-variable
    row whose variables are not projected in a query with OPTIONAL, GROUP BY or ORDER BY.
    """
    if not bindings:
        return text
    return _values_first(text, "".join(_values_block((name,), [(term,)]) for name, term in bindings.items()))


def bind_table(text: str, variables: Sequence[str], rows: Iterable[Sequence[Node]]) -> str:
    """Bind ``variables`` to a table of rows by one VALUES block placed first in the query's WHERE
    group (see :func:`bind_values`; an empty table answers nothing). The variables must be
    projected: Virtuoso cannot compile a multi-variable VALUES block whose variables are not.

    >>> from rdflib import URIRef, Literal
    >>> bind_table("SELECT ?a ?b WHERE { }", ["a", "b"], [(URIRef("x:1"), Literal("y"))])
    'SELECT ?a ?b WHERE { VALUES (?a ?b) { (<x:1> "y") }  }'
    """
    return _values_first(text, _values_block(tuple(variables), list(rows)))


def _values_block(variables: tuple[str, ...], rows: list[Sequence[Node]]) -> str:
    for name in variables:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"invalid parameter name {name!r}")
    if len(variables) == 1:
        return f" VALUES ?{variables[0]} {{ {' '.join(term_to_sparql(row[0]) for row in rows)} }}"
    names = " ".join(f"?{name}" for name in variables)
    table = " ".join("(" + " ".join(term_to_sparql(term) for term in row) + ")" for row in rows)
    return f" VALUES ({names}) {{ {table} }}"


def _values_first(text: str, block: str) -> str:
    text = _expand_construct_where(text)
    position = _where_group_start(text)
    return text[:position] + block + " " + text[position:]


def _expand_construct_where(text: str) -> str:
    """``CONSTRUCT WHERE { P }`` as ``CONSTRUCT { P } WHERE { P }``: the short form allows only
    triple patterns in its group, so a VALUES block cannot go there."""
    tokens = list(_tokens(text))
    for position, match in enumerate(tokens[:-1]):
        if match.lastgroup == "word" and match.group().upper() == "CONSTRUCT":
            after = tokens[position + 1]
            if after.lastgroup != "word" or after.group().upper() != "WHERE":
                return text
            depth, start = 0, None
            for token in tokens[position + 2 :]:
                if token.lastgroup != "brace":
                    continue
                if token.group() == "{":
                    depth += 1
                    start = token.end() if start is None else start
                else:
                    depth -= 1
                    if depth == 0 and start is not None:
                        template = text[start : token.start()]
                        return f"{text[: after.start()]}{{{template}}} {text[after.start() :]}"
            return text
    return text


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


def split_prologue(text: str) -> tuple[str, str]:
    """A query as its prologue (``BASE`` and ``PREFIX`` declarations) and the query itself.

    The query part can then stand as a subquery, which a prologue cannot.

    >>> split_prologue("PREFIX a: <x:> SELECT * WHERE { ?s ?p ?o }")
    ('PREFIX a: <x:> ', 'SELECT * WHERE { ?s ?p ?o }')
    """
    for match in _tokens(text):
        if match.lastgroup == "word" and match.group().upper() in QUERY_FORMS:
            return text[: match.start()], text[match.start() :]
    raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE found")


def counted(text: str, name: str = "rows") -> str:
    """A SELECT query that counts the solutions of ``text`` into ``?name`` (one row)."""
    prologue, body = split_prologue(text)
    return f"{prologue}SELECT (COUNT(*) AS ?{name}) WHERE {{ {{ {body}\n}} }}"


def sliced(text: str, limit: int | None, offset: int = 0) -> str:
    """``text`` answering only solutions ``offset`` to ``offset + limit``, sliced by the server.

    A query without its own LIMIT or OFFSET gets them after its ORDER BY, so its order holds; one
    that slices already is sliced again as a subquery.
    """
    modifiers = (f" LIMIT {int(limit)}" if limit is not None else "") + (f" OFFSET {int(offset)}" if offset else "")
    if not modifiers:
        return text
    _, already = solution_modifiers(text)
    if not already and not _has_trailing_values(text):
        return text.rstrip() + "\n" + modifiers.strip()
    prologue, body = split_prologue(text)
    return f"{prologue}SELECT * WHERE {{ {{ {body}\n}} }}{modifiers}"


def _has_trailing_values(text: str) -> bool:
    depth = 0
    for match in _tokens(text):
        if match.lastgroup == "brace":
            depth += 1 if match.group() == "{" else -1
        elif depth == 0 and match.lastgroup == "word" and match.group().upper() == "VALUES":
            return True
    return False


def _is_variable(token: str) -> bool:
    return token[:1] in ("?", "$") and len(token) > 1


def solution_modifiers(text: str) -> tuple[list[tuple[str, bool]] | None, bool]:
    """The query's own ordering and whether it slices its answer.

    Returns ``(order, sliced)``: ``order`` is ``[]`` without ``ORDER BY``, a list of
    ``(variable, descending)`` when the query orders by plain variables only, ``None`` when it
    orders by expressions; ``sliced`` is true when the query has a top-level LIMIT or OFFSET.
    Only the outermost query counts: subqueries inside braces are skipped.
    """
    depth = 0
    words: list[str] = []
    for match in _tokens(text):
        kind, value = match.lastgroup, match.group()
        if kind == "brace":
            depth += 1 if value == "{" else -1
        elif depth == 0:
            words.append(value)
    upper = [w.upper() for w in words]
    sliced = "LIMIT" in upper or "OFFSET" in upper
    if "ORDER" not in upper:
        return [], sliced
    start = upper.index("ORDER") + 2  # past ORDER BY
    order: list[tuple[str, bool]] = []
    position = start
    while position < len(words) and upper[position] not in ("LIMIT", "OFFSET", "VALUES"):
        word = upper[position]
        if word in ("ASC", "DESC"):
            # ASC(?x) / DESC(?x): the scanner sees ASC, (, ?x, )
            parts = words[position + 1 : position + 4]
            if len(parts) == 3 and parts[0] == "(" and _is_variable(parts[1]) and parts[2] == ")":
                order.append((parts[1][1:], word == "DESC"))
                position += 4
                continue
            return None, sliced
        if _is_variable(words[position]):
            order.append((words[position][1:], False))
            position += 1
            continue
        return None, sliced
    return order, sliced
