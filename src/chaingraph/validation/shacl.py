"""SHACL validation as SPARQL queries run where the data already is (the fast engine).

Each constraint of a shapes graph becomes one query over the whole store that returns every focus
node (and value) violating it, instead of pyshacl's walk over each focus node in Python: at 100k
firms the data never leaves Oxigraph. Shapes reach the queries only as RDF terms written by
:func:`chaingraph.sparql.term_to_sparql`, never as text.

What it evaluates is SHACL Core (W3C SHACL, sections 2 and 4) with the specification's semantics,
at node-shape and property-shape level alike:

- targets: ``sh:targetNode``, ``sh:targetClass`` (with subclasses), implicit class targets,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- paths: a predicate, ``sh:inversePath``, sequences, ``sh:alternativePath``, ``sh:zeroOrMorePath``,
  ``sh:oneOrMorePath``, ``sh:zeroOrOnePath`` (as SPARQL property paths);
- every constraint component of section 4: value type (``sh:class``, ``sh:datatype``,
  ``sh:nodeKind``), cardinality, value range, string-based (``sh:minLength``, ``sh:maxLength``,
  ``sh:pattern`` with ``sh:flags``, ``sh:languageIn``, ``sh:uniqueLang``), property pairs
  (``sh:equals``, ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``), logical (``sh:not``,
  ``sh:and``, ``sh:or``, ``sh:xone``), shape-based (``sh:node``, ``sh:property``,
  ``sh:qualifiedValueShape`` with its counts and ``sh:qualifiedValueShapesDisjoint``) and the
  others (``sh:closed`` with ``sh:ignoredProperties``, ``sh:hasValue``, ``sh:in``);
- ``sh:deactivated``, ``sh:severity`` (each shape its own; Violation by default), ``sh:message``;
- SPARQL-based constraints (``sh:sparql`` with ``sh:select`` and ``sh:prefixes``).

A shape that another shape's conformance depends on (``sh:node``, the logical components, the
qualified value shapes) is evaluated over the value nodes in question by the same queries, and the
nodes that fail it are combined in Python; a shape made only of value conditions is folded into
one SPARQL expression instead.

Refused by name, before any data is read (:class:`UnsupportedShape`): any other ``sh:`` feature of
a shape (SHACL-AF rules, SPARQL targets ...), recursive shapes (the specification leaves their
meaning undefined), ``sh:datatype`` for the types the store does not keep as written (Oxigraph stores
a valid ``"5"^^xsd:int`` as ``"5"^^xsd:integer``: :data:`DATATYPES_NOT_KEPT`), blank nodes as
``sh:targetNode``, ``sh:in`` or ``sh:hasValue`` values, and constraints the specification does not
allow where they stand (``sh:minCount`` on a node shape, say).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ..sparql import term_to_sparql
from ..store import Store
from .results import SEVERITIES, Result, report_graph
from .shapes import (
    CHECKED_BY_CAST,
    DATATYPES_NOT_KEPT,
    NODE_KINDS,
    TARGET_CLAUSES,
    VALUE_CONDITIONS,
    UnsupportedShape,
    check_shapes,
    integer_of,
    path_as_sparql,
    shape_name,
    sparql_path,
)

__all__ = [
    "CHECKED_BY_CAST",
    "DATATYPES_NOT_KEPT",
    "Result",
    "UnsupportedShape",
    "check_shapes",
    "path_as_sparql",
    "report_graph",
    "validate_store",
]


# --- validation ----------------------------------------------------------------------------------


def validate_store(store: Store, shapes: Graph) -> list[Result]:
    """Every result of validating ``store`` against ``shapes``, in no particular order.

    A constraint with no ``sh:message`` gets one naming its component and path.
    """
    try:
        roots = check_shapes(shapes)
        engine = _Engine(store, shapes)
        results: list[Result] = []
        for shape in roots:
            focus = _focus_clause(shapes, shape)
            results.extend(engine.evaluate(shape, focus))
    except RecursionError:
        raise UnsupportedShape("shapes or paths nested too deeply to evaluate") from None
    return [result if result.message else _with_default_message(shapes, result) for result in results]


def _focus_clause(shapes: Graph, shape: Node) -> str:
    """A group pattern binding ``?focus`` to each target of ``shape`` (its terms in VALUES)."""
    clauses = []
    for key, clause in TARGET_CLAUSES.items():
        targets = sorted(shapes.objects(shape, key), key=str)
        if targets:
            clauses.append(f"{{ {_values('target', targets)} {clause} }}")
    if (shape, RDF.type, RDFS.Class) in shapes:
        clauses.append(f"{{ {_values('target', [shape])} {TARGET_CLAUSES[SH.targetClass]} }}")
    return "{ SELECT DISTINCT ?focus WHERE { " + " UNION ".join(clauses) + " } }"


def _values(name: str, terms: Iterable[Node]) -> str:
    """A VALUES block binding ``?name`` to RDF terms (N-Triples syntax, never raw text)."""
    return f"VALUES ?{name} {{ {' '.join(term_to_sparql(term) for term in terms)} }}"


class _Engine:
    """Evaluates shapes over focus nodes given as a SPARQL pattern binding ``?focus``."""

    def __init__(self, store: Store, shapes: Graph) -> None:
        self.store = store
        self.shapes = shapes
        self.classes: dict[Node, list[Node]] = {}
        self.fresh = itertools.count()

    # -- helpers ----------------------------------------------------------------------------------

    def _instances_of(self, klass: Node) -> list[Node]:
        """The class and every class below it in the data, so an instance test is one lookup of
        ``rdf:type`` in a list rather than a path search per node (SHACL instance: 3.2)."""
        if klass not in self.classes:
            rows = self.store.select("SELECT DISTINCT ?class WHERE { ?class rdfs:subClassOf* ?of }", {"of": klass})
            self.classes[klass] = sorted({row["class"] for row in rows.rows} | {klass}, key=str)
        return self.classes[klass]

    def _rows(self, query: str) -> list[dict[str, Node]]:
        return self.store.select(query).rows

    def _value_pattern(self, shape: Node) -> str:
        path = self.shapes.value(shape, SH.path)
        if path is None:
            return "BIND(?focus AS ?value)"
        return f"?focus {sparql_path(self.shapes, path, shape)} ?value ."

    def _pairs(self, focus: str, shape: Node) -> list[tuple[Node, Node]]:
        """Every (focus node, value node) of ``shape`` over the focus nodes of ``focus``."""
        rows = self._rows(f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {self._value_pattern(shape)} }}")
        return [(row["focus"], row["value"]) for row in rows]

    def _value_nodes(self, focus: str, shape: Node) -> str:
        """A pattern binding ``?focus`` to each value node of ``shape`` (the focus nodes of the shapes
        its value nodes must conform to)."""
        if self.shapes.value(shape, SH.path) is None:
            return focus
        # The inner query projects ?value alone, so ?focus is free to be bound again (SPARQL 18.2.1).
        inner = f"SELECT DISTINCT ?value WHERE {{ {focus} {self._value_pattern(shape)} }}"
        return f"{{ SELECT (?value AS ?focus) WHERE {{ {{ {inner} }} }} }}"

    def failing(self, shape: Node, focus: str) -> set[Node]:
        """The focus nodes of ``focus`` that do not conform to ``shape`` (any result, any severity)."""
        if self.shapes.value(shape, SH.deactivated) == Literal(True):
            return set()
        condition = self.condition(shape)
        if condition is not None:
            rows = self._rows(
                f"SELECT DISTINCT ?focus WHERE {{ {focus} BIND(?focus AS ?value) FILTER(!({condition})) }}"
            )
            return {row["focus"] for row in rows}
        return {result.focus for result in self.evaluate(shape, focus)}

    def condition(self, shape: Node) -> str | None:
        """A SPARQL expression true exactly when ``?value`` conforms to ``shape``, when the shape is
        a node shape made of value conditions only; ``None`` otherwise."""
        shapes = self.shapes
        if shapes.value(shape, SH.deactivated) == Literal(True):
            return None
        if shapes.value(shape, SH.path) is not None:
            return self._presence_condition(shape)
        keys = {key for key in shapes.predicates(shape, None) if str(key).startswith(str(SH))}
        keys -= {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
        keys -= {SH.flags} if SH.pattern in keys else set()
        if not keys <= set(VALUE_CONDITIONS):
            return None
        tests = [test for _, test in self.value_tests(shape)]
        for members in shapes.objects(shape, SH["or"]):
            parts = [self.condition(member) for member in Collection(shapes, members)]
            if any(part is None for part in parts):
                return None
            tests.append(" || ".join(f"({part})" for part in parts) or "false")
        return " && ".join(f"COALESCE({test}, false)" for test in tests) or "true"

    def _presence_condition(self, shape: Node) -> str | None:
        """For a property shape made only of ``sh:minCount`` 0 or 1 and ``sh:hasValue``: the
        condition on ``?value`` (its focus node) as EXISTS tests; ``None`` for any other."""
        shapes = self.shapes
        keys = {key for key in shapes.predicates(shape, None) if str(key).startswith(str(SH))}
        keys -= {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
        lows = [integer_of(low) for low in shapes.objects(shape, SH.minCount)]
        if not keys <= {SH.minCount, SH.hasValue} or any(low > 1 for low in lows):
            return None
        path = sparql_path(shapes, shapes.value(shape, SH.path), shape)
        tests = [f"EXISTS {{ ?value {path} ?present{next(self.fresh)} }}" for low in lows if low == 1]
        tests += [f"EXISTS {{ ?value {path} {term_to_sparql(x)} }}" for x in shapes.objects(shape, SH.hasValue)]
        return " && ".join(tests) or "true"

    def value_tests(self, shape: Node) -> list[tuple[str, str]]:
        """(component, SPARQL condition true when ``?value`` satisfies it) for each value condition
        of ``shape``: one entry per value of a component, as each is a constraint of its own."""
        shapes, v = self.shapes, "?value"
        tests: list[tuple[str, str]] = []
        for klass in sorted(shapes.objects(shape, SH["class"]), key=str):
            listed = ", ".join(term_to_sparql(c) for c in self._instances_of(klass))
            variable = f"?type{next(self.fresh)}"
            tests.append(
                ("ClassConstraintComponent", f"EXISTS {{ {v} rdf:type {variable} . FILTER({variable} IN ({listed})) }}")
            )
        for datatype in sorted(shapes.objects(shape, SH.datatype), key=str):
            check = f"isLiteral({v}) && DATATYPE({v}) = {term_to_sparql(datatype)}"
            if datatype in CHECKED_BY_CAST:
                check += f" && isLiteral({term_to_sparql(datatype)}(STR({v})))"
            elif datatype == RDF.langString:
                check += f' && LANG({v}) != ""'
            tests.append(("DatatypeConstraintComponent", check))
        for kind in shapes.objects(shape, SH.nodeKind):
            tests.append(("NodeKindConstraintComponent", NODE_KINDS[cast(URIRef, kind)].format(v=v)))
        for key, operator, component in (
            (SH.minExclusive, ">", "MinExclusiveConstraintComponent"),
            (SH.minInclusive, ">=", "MinInclusiveConstraintComponent"),
            (SH.maxExclusive, "<", "MaxExclusiveConstraintComponent"),
            (SH.maxInclusive, "<=", "MaxInclusiveConstraintComponent"),
        ):
            for bound in shapes.objects(shape, key):
                # A value that cannot be compared (another type, a blank node) is a violation: the
                # comparison's error is false through COALESCE.
                tests.append((component, f"isLiteral({v}) && {v} {operator} {term_to_sparql(bound)}"))
        for key, operator, component in (
            (SH.minLength, ">=", "MinLengthConstraintComponent"),
            (SH.maxLength, "<=", "MaxLengthConstraintComponent"),
        ):
            for length in shapes.objects(shape, key):
                tests.append((component, f"!isBlank({v}) && STRLEN(STR({v})) {operator} {integer_of(length)}"))
        for pattern in shapes.objects(shape, SH.pattern):
            flags = shapes.value(shape, SH.flags)
            arguments = term_to_sparql(Literal(str(pattern)))
            if flags is not None:
                arguments += ", " + term_to_sparql(Literal(str(flags)))
            tests.append(("PatternConstraintComponent", f"!isBlank({v}) && REGEX(STR({v}), {arguments})"))
        for languages in shapes.objects(shape, SH.languageIn):
            tags = [str(tag) for tag in Collection(shapes, languages)]
            matches = " || ".join(f"LANGMATCHES(LANG({v}), {term_to_sparql(Literal(tag))})" for tag in tags)
            tests.append(("LanguageInConstraintComponent", f"isLiteral({v}) && ({matches or 'false'})"))
        for members in shapes.objects(shape, SH["in"]):
            terms = [term_to_sparql(term) for term in Collection(shapes, members)]
            tests.append(("InConstraintComponent", " || ".join(f"sameTerm({v}, {t})" for t in terms) or "false"))
        if shapes.value(shape, SH.path) is None:
            for expected in shapes.objects(shape, SH.hasValue):
                tests.append(("HasValueConstraintComponent", f"sameTerm({v}, {term_to_sparql(expected)})"))
        return tests

    # -- one shape over focus nodes ---------------------------------------------------------------

    def evaluate(self, shape: Node, focus: str, times: Mapping[Node, int] | None = None) -> Iterator[Result]:
        """The results of validating the focus nodes of ``focus`` against ``shape``; a focus node
        validated several times (``times``: a value node of several focus nodes of a property
        shape with ``sh:property``) gives its results that many times (SHACL 4.7.2: each value
        node of each focus node is validated)."""
        if self.shapes.value(shape, SH.deactivated) == Literal(True):
            return
        for found in self._own_results(shape, focus):
            for _ in range(times.get(found.focus, 1) if times else 1):
                yield found
        path = self.shapes.value(shape, SH.path)
        nested = sorted(self.shapes.objects(shape, SH.property), key=str)
        inner_times: dict[Node, int] | None = None
        if nested and path is not None:
            inner_times = {}
            for node, value in self._pairs(focus, shape):
                inner_times[value] = inner_times.get(value, 0) + (times.get(node, 1) if times else 1)
        elif nested:
            inner_times = dict(times) if times else None
        for prop in nested:
            yield from self.evaluate(prop, self._value_nodes(focus, shape), inner_times)

    def _own_results(self, shape: Node, focus: str) -> Iterator[Result]:
        """The results of ``shape``'s own constraints (not those of its ``sh:property`` shapes)."""
        shapes = self.shapes
        severity = _severity(shapes, shape)
        message = _message(shapes, shape)
        path = shapes.value(shape, SH.path)
        values = self._value_pattern(shape)

        def result(focus_node: Node, value: Node | None, component: str, result_path: Node | None = path) -> Result:
            return Result(focus_node, result_path, value, component, severity, message, shape)

        for component, test in self.value_tests(shape):
            query = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} FILTER(!COALESCE({test}, false)) }}"
            for row in self._rows(query):
                # hasValue on a node shape reports no value (SHACL 4.8.3)
                value = None if component == "HasValueConstraintComponent" else row["value"]
                yield result(row["focus"], value, component)
        if path is not None:
            yield from self._property_constraints(shape, focus, result)
        yield from self._pair_constraints(shape, focus, result)
        yield from self._shape_constraints(shape, focus, result)
        for closed in shapes.objects(shape, SH.closed):
            if closed == Literal(True):
                yield from self._closed(shape, focus, result)
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            yield from self._sparql(shape, constraint, focus, severity)

    def _property_constraints(self, shape: Node, focus: str, result: Callable[..., Result]) -> Iterator[Result]:
        shapes = self.shapes
        values = self._value_pattern(shape)
        for low in shapes.objects(shape, SH.minCount):
            if integer_of(low) == 1:
                query = f"SELECT DISTINCT ?focus WHERE {{ {focus} MINUS {{ {values} }} }}"
            elif integer_of(low) > 1:
                query = (
                    f"SELECT ?focus WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {integer_of(low)})"
                )
            else:
                continue
            for row in self._rows(query):
                yield result(row["focus"], None, "MinCountConstraintComponent")
        for high in shapes.objects(shape, SH.maxCount):
            query = (
                f"SELECT ?focus WHERE {{ {focus} {values} }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {integer_of(high)})"
            )
            for row in self._rows(query):
                yield result(row["focus"], None, "MaxCountConstraintComponent")
        for expected in shapes.objects(shape, SH.hasValue):
            same = f"FILTER(sameTerm(?value, {term_to_sparql(expected)}))"
            query = f"SELECT DISTINCT ?focus WHERE {{ {focus} MINUS {{ {values} {same} }} }}"
            for row in self._rows(query):
                yield result(row["focus"], None, "HasValueConstraintComponent")
        if shapes.value(shape, SH.uniqueLang) == Literal(True):
            query = (
                f"SELECT DISTINCT ?focus ?language WHERE {{ {focus} {values} "
                f"?focus {sparql_path(shapes, shapes.value(shape, SH.path), shape)} ?other . "
                'FILTER(!sameTerm(?value, ?other) && LANG(?value) != "" && LCASE(LANG(?value)) = LCASE(LANG(?other))) '
                "BIND(LCASE(LANG(?value)) AS ?language) }"
            )
            for row in self._rows(query):
                yield result(row["focus"], None, "UniqueLangConstraintComponent")
        for key, operator, component in (
            (SH.lessThan, "<", "LessThanConstraintComponent"),
            (SH.lessThanOrEquals, "<=", "LessThanOrEqualsConstraintComponent"),
        ):
            for other in shapes.objects(shape, key):
                # One result per pair of values that fails (SHACL 4.5.3-4), not per value.
                query = (
                    f"SELECT DISTINCT ?focus ?value ?other WHERE {{ {focus} {values} "
                    f"?focus {term_to_sparql(other)} ?other . FILTER(!COALESCE(?value {operator} ?other, false)) }}"
                )
                for row in self._rows(query):
                    yield result(row["focus"], row["value"], component)
        yield from self._qualified(shape, focus, result)

    def _pair_constraints(self, shape: Node, focus: str, result: Callable[..., Result]) -> Iterator[Result]:
        values = self._value_pattern(shape)
        for other in self.shapes.objects(shape, SH.equals):
            predicate = term_to_sparql(other)
            missing = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} "
                f"FILTER NOT EXISTS {{ ?focus {predicate} ?value }} }}"
            )
            extra = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {predicate} ?value . "
                f"FILTER NOT EXISTS {{ {values.replace('?value', '?same')} FILTER(sameTerm(?same, ?value)) }} }}"
            )
            for query in (missing, extra):
                for row in self._rows(query):
                    yield result(row["focus"], row["value"], "EqualsConstraintComponent")
        for other in self.shapes.objects(shape, SH.disjoint):
            query = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} "
                f"?focus {term_to_sparql(other)} ?value2 FILTER(sameTerm(?value, ?value2)) }}"
            )
            for row in self._rows(query):
                yield result(row["focus"], row["value"], "DisjointConstraintComponent")

    def _shape_constraints(self, shape: Node, focus: str, result: Callable[..., Result]) -> Iterator[Result]:
        """sh:node, sh:not, sh:and, sh:or, sh:xone: one result per value node that fails."""
        shapes = self.shapes
        checks: list[tuple[str, list[Node], Callable[[list[bool]], bool]]] = []
        for inner in shapes.objects(shape, SH.node):
            checks.append(("NodeConstraintComponent", [inner], lambda fails: fails[0]))
        for inner in shapes.objects(shape, SH["not"]):
            checks.append(("NotConstraintComponent", [inner], lambda fails: not fails[0]))
        for key, component, broken in (
            (SH["and"], "AndConstraintComponent", any),
            (SH["or"], "OrConstraintComponent", all),
            (SH.xone, "XoneConstraintComponent", lambda fails: sum(not f for f in fails) != 1),
        ):
            for members in shapes.objects(shape, key):
                checks.append((component, list(Collection(shapes, members)), broken))
        if not checks:
            return
        values = self._value_pattern(shape)
        remaining = []
        for component, inner_shapes, broken in checks:
            conditions = [self.condition(inner) for inner in inner_shapes]
            if any(condition is None for condition in conditions):
                remaining.append((component, inner_shapes, broken))
                continue
            # Every inner shape is a condition on the value: one query, no value nodes in Python.
            failed = _COMBINED[component]([f"({c})" for c in conditions if c is not None])
            query = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {values} FILTER({failed}) }}"
            for row in self._rows(query):
                yield result(row["focus"], row["value"], component)
        if not remaining:
            return
        candidates = self._value_nodes(focus, shape)
        pairs = self._pairs(focus, shape)
        for component, inner_shapes, broken in remaining:
            failing = [self.failing(inner, candidates) for inner in inner_shapes]
            for focus_node, value in pairs:
                if broken([value in fails for fails in failing]):
                    yield result(focus_node, value, component)

    def _qualified(self, shape: Node, focus: str, result: Callable[..., Result]) -> Iterator[Result]:
        shapes = self.shapes
        qualified = shapes.value(shape, SH.qualifiedValueShape)
        if qualified is None:
            return
        low = shapes.value(shape, SH.qualifiedMinCount)
        high = shapes.value(shape, SH.qualifiedMaxCount)
        if low is None and high is None:
            return
        siblings = self._qualified_siblings(shape)
        condition = self.condition(qualified)
        if condition is not None and not siblings:
            # One grouped query counts the conforming values of each focus node.
            for bound, test, component in (
                (low, "<", "QualifiedMinCountConstraintComponent"),
                (high, ">", "QualifiedMaxCountConstraintComponent"),
            ):
                if bound is None:
                    continue
                counted = f"OPTIONAL {{ {self._value_pattern(shape)} FILTER({condition}) }}"
                query = (
                    f"SELECT ?focus WHERE {{ {focus} {counted} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) {test} {integer_of(bound)})"
                )
                for row in self._rows(query):
                    yield result(row["focus"], None, component)
            return
        candidates = self._value_nodes(focus, shape)
        failing = self.failing(qualified, candidates)
        sibling_failing = [self.failing(sibling, candidates) for sibling in sorted(siblings, key=str)]
        counts: dict[Node, int] = defaultdict(int)
        for focus_node, value in self._pairs(focus, shape):
            conforms = value not in failing and all(value in fails for fails in sibling_failing)
            counts[focus_node] += conforms
        focus_nodes = [row["focus"] for row in self._rows(f"SELECT DISTINCT ?focus WHERE {{ {focus} }}")]
        for focus_node in focus_nodes:
            if low is not None and counts[focus_node] < integer_of(low):
                yield result(focus_node, None, "QualifiedMinCountConstraintComponent")
            if high is not None and counts[focus_node] > integer_of(high):
                yield result(focus_node, None, "QualifiedMaxCountConstraintComponent")

    def _qualified_siblings(self, shape: Node) -> set[Node]:
        """SHACL 4.7.3: with sh:qualifiedValueShapesDisjoint, the qualified value shapes of the other
        property shapes of every shape that has this one as an sh:property."""
        shapes = self.shapes
        siblings: set[Node] = set()
        if shapes.value(shape, SH.qualifiedValueShapesDisjoint) != Literal(True):
            return siblings
        for parent in shapes.subjects(SH.property, shape):
            for other in shapes.objects(parent, SH.property):
                sibling = shapes.value(other, SH.qualifiedValueShape)
                if other != shape and sibling is not None:
                    siblings.add(sibling)
        return siblings

    def _closed(self, shape: Node, focus: str, result: Callable[..., Result]) -> Iterator[Result]:
        shapes = self.shapes
        allowed = {
            path
            for prop in shapes.objects(shape, SH.property)
            if isinstance(path := shapes.value(prop, SH.path), URIRef)
        }
        for ignored in shapes.objects(shape, SH.ignoredProperties):
            allowed |= {cast(URIRef, member) for member in Collection(shapes, ignored)}
        listed = ", ".join(term_to_sparql(term) for term in sorted(allowed, key=str))
        condition = f"FILTER(?predicate NOT IN ({listed}))" if listed else ""
        query = (
            f"SELECT DISTINCT ?focus ?predicate ?object WHERE {{ {focus} {self._value_pattern(shape)} "
            f"?value ?predicate ?object {condition} }}"
        )
        for row in self._rows(query):
            yield result(row["focus"], row["object"], "ClosedConstraintComponent", row["predicate"])

    def _sparql(self, shape: Node, constraint: Node, focus: str, severity: str) -> Iterator[Result]:
        """A SPARQL-based constraint (SHACL 5), run once with ``$this`` bound to each focus node."""
        shapes = self.shapes
        select = shapes.value(constraint, SH.select)
        message = str(shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or "")
        prefixes = "".join(
            f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>\n"
            for owner in shapes.objects(constraint, SH.prefixes)
            for declaration in shapes.objects(owner, SH.declare)
        )
        for row in self._rows(f"SELECT DISTINCT ?focus WHERE {{ {focus} }}"):
            node = row["focus"]
            for found in self.store.select(prefixes + str(select), {"this": node}).rows:
                value = found.get("value")
                text = message.replace("{?value}", str(value) if value is not None else "")
                text = re.sub(r"\{\$this\}|\{\?this\}", str(node), text)
                yield Result(node, found.get("path"), value, "SPARQLConstraintComponent", severity, text, shape)


# When each inner shape is a condition on ?value: the expression true when the value breaks the
# component (sh:node and sh:not have one inner shape; the lists, several).
_COMBINED = {
    "NodeConstraintComponent": lambda conditions: f"!{conditions[0]}",
    "NotConstraintComponent": lambda conditions: conditions[0],
    "AndConstraintComponent": lambda conditions: "!(" + " && ".join(conditions) + ")",
    "OrConstraintComponent": lambda conditions: "!(" + (" || ".join(conditions) or "false") + ")",
    "XoneConstraintComponent": lambda conditions: "(" + " + ".join(f"IF({c}, 1, 0)" for c in conditions) + ") != 1",
}


def _with_default_message(shapes: Graph, result: Result) -> Result:
    constraint = result.component.removesuffix("ConstraintComponent")
    where = f" on {path_as_sparql(shapes, result.path)}" if result.path is not None else ""
    return dataclasses.replace(
        result, message=f"breaks the {constraint} constraint{where} of {shape_name(result.shape)}"
    )


def _severity(shapes: Graph, shape: Node) -> str:
    """A shape's own severity (SHACL 2.1.4): Violation unless it says otherwise; never inherited.
    SHACL's own by their local names, any other IRI whole."""
    severity = shapes.value(shape, SH.severity)
    if severity is None:
        return "Violation"
    text = str(severity)
    return text[len(str(SH)) :] if text.startswith(str(SH)) and text[len(str(SH)) :] in SEVERITIES else text


def _message(shapes: Graph, shape: Node) -> str:
    """The shape's sh:message, English or untagged first."""
    messages = sorted(
        shapes.objects(shape, SH.message),
        key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)),
    )
    return str(messages[0]) if messages else ""
