"""A SHACL Core conformance corpus (issue 26), run through both engines.

Each case is a small data graph, a shapes graph and the validation results the W3C SHACL
Recommendation prescribes for them (sections 2 and 4), written from the specification's textual
definitions, not from either engine's output: one result per (focus node, result path, value,
constraint component, severity, source shape). Every constraint component of section 4 appears at
node-shape and at property-shape level where the specification allows both; every target type and
every path form at least once; plus sh:deactivated, sh:severity, sh:message, ill-typed literals and
blank-node focus nodes.

Both engines must give exactly the expected results. Where pyshacl itself departs from the
specification the case is listed in :data:`PYSHACL_DEVIATIONS` with the reason (and in the README);
the fast engine may refuse only what the README lists (:data:`FAST_REFUSALS`).
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from chaingraph.store import EmbeddedStore
from chaingraph.validation.report import _validate_with_pyshacl, validate
from chaingraph.validation.shacl import UnsupportedShape, report_graph, validate_store

PREFIXES = """@prefix ex: <https://example.test/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
EX = "https://example.test/"
V, W, INFO = "Violation", "Warning", "Info"
BLANK = "<blank>"  # a blank node (focus, value or shape): compared as "some blank node"
COMPLEX = "<path>"  # a path that is not a single predicate (a blank node in the report)

# name: (data, shapes, expected results as (focus, path, value, component, severity, shape))
CASES: dict[str, tuple[str, str, set[tuple]]] = {
    # --- 4.1 value type -------------------------------------------------------------------------
    "class-node-targetNode": (
        "ex:a a ex:A . ex:b a ex:B .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:class ex:A .",
        {("ex:b", None, "ex:b", "Class", V, "ex:S")},
    ),
    "class-property-subclass": (
        'ex:A2 rdfs:subClassOf ex:A . ex:a a ex:A2 . ex:x ex:p ex:a, ex:c, "lit" .',
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:class ex:A .",
        {("ex:x", "ex:p", "ex:c", "Class", V, "ex:P"), ("ex:x", "ex:p", '"lit"', "Class", V, "ex:P")},
    ),
    "datatype-property-ill-typed": (
        'ex:x ex:p "1"^^xsd:integer, "abc"^^xsd:integer, "2" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:datatype xsd:integer .",
        {
            ("ex:x", "ex:p", '"abc"^^xsd:integer', "Datatype", V, "ex:P"),
            ("ex:x", "ex:p", '"2"', "Datatype", V, "ex:P"),
        },
    ),
    "datatype-node-targetObjectsOf": (
        'ex:x ex:p "a", 1, ex:y .',
        "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:datatype xsd:string .",
        {("1", None, "1", "Datatype", V, "ex:S"), ("ex:y", None, "ex:y", "Datatype", V, "ex:S")},
    ),
    "nodeKind-node-targetSubjectsOf-blank-focus": (
        "ex:x ex:p 1 . [] ex:p 2 .",
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:nodeKind sh:IRI .",
        {(BLANK, None, BLANK, "NodeKind", V, "ex:S")},
    ),
    "nodeKind-property": (
        'ex:x ex:p ex:y, "l", [] .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:nodeKind sh:BlankNodeOrIRI .",
        {("ex:x", "ex:p", '"l"', "NodeKind", V, "ex:P")},
    ),
    # --- 4.2 cardinality ------------------------------------------------------------------------
    "minCount-targetClass": (
        "ex:a a ex:A ; ex:p 1 . ex:b a ex:A ; ex:p 1, 2 . ex:c a ex:A .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 2 .",
        {("ex:a", "ex:p", None, "MinCount", V, "ex:P"), ("ex:c", "ex:p", None, "MinCount", V, "ex:P")},
    ),
    "maxCount": (
        "ex:a a ex:A ; ex:p 1 . ex:b a ex:A ; ex:p 1, 2 .",
        "ex:S sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:maxCount 1 .",
        {("ex:b", "ex:p", None, "MaxCount", V, "ex:P")},
    ),
    "implicit-class-target": (
        "ex:a a ex:A . ex:s a ex:Sub ; ex:q 1 . ex:Sub rdfs:subClassOf ex:A .",
        "ex:A a rdfs:Class, sh:NodeShape ; sh:property ex:P . ex:P sh:path ex:q ; sh:minCount 1 .",
        {("ex:a", "ex:q", None, "MinCount", V, "ex:P")},
    ),
    # --- 4.3 value range ------------------------------------------------------------------------
    "minExclusive-maxInclusive-property": (
        'ex:x ex:p 1, 5, 10, "x" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:minExclusive 1 ; sh:maxInclusive 5 .",
        {
            ("ex:x", "ex:p", "1", "MinExclusive", V, "ex:P"),
            ("ex:x", "ex:p", '"x"', "MinExclusive", V, "ex:P"),
            ("ex:x", "ex:p", "10", "MaxInclusive", V, "ex:P"),
            ("ex:x", "ex:p", '"x"', "MaxInclusive", V, "ex:P"),
        },
    ),
    "minInclusive-maxExclusive-property-dates": (
        'ex:x ex:p "2020-01-01"^^xsd:date, "2024-06-30"^^xsd:date, "2025-01-01"^^xsd:date, 2021 .',
        'ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:minInclusive "2021-01-01"^^xsd:date ;'
        ' sh:maxExclusive "2025-01-01"^^xsd:date .',
        {
            ("ex:x", "ex:p", '"2020-01-01"^^xsd:date', "MinInclusive", V, "ex:P"),
            ("ex:x", "ex:p", "2021", "MinInclusive", V, "ex:P"),
            ("ex:x", "ex:p", '"2025-01-01"^^xsd:date', "MaxExclusive", V, "ex:P"),
            ("ex:x", "ex:p", "2021", "MaxExclusive", V, "ex:P"),
        },
    ),
    "minInclusive-maxExclusive-node-literal-targets": (
        "ex:x ex:p 3 .",
        "ex:S a sh:NodeShape ; sh:targetNode 3, 5, 7 ; sh:minInclusive 4 ; sh:maxExclusive 7 .",
        {("3", None, "3", "MinInclusive", V, "ex:S"), ("7", None, "7", "MaxExclusive", V, "ex:S")},
    ),
    "minExclusive-maxInclusive-node": (
        "ex:x ex:p 1, 2, 9 .",
        "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:minExclusive 1 ; sh:maxInclusive 2 .",
        {("1", None, "1", "MinExclusive", V, "ex:S"), ("9", None, "9", "MaxInclusive", V, "ex:S")},
    ),
    # --- 4.4 string-based -----------------------------------------------------------------------
    "minLength-maxLength-property": (
        'ex:x ex:p "ab", "abcd", ex:i, [] .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:minLength 3 ; sh:maxLength 4 .",
        {
            ("ex:x", "ex:p", '"ab"', "MinLength", V, "ex:P"),
            ("ex:x", "ex:p", BLANK, "MinLength", V, "ex:P"),
            ("ex:x", "ex:p", "ex:i", "MaxLength", V, "ex:P"),
            ("ex:x", "ex:p", BLANK, "MaxLength", V, "ex:P"),
        },
    ),
    "minLength-maxLength-node": (
        'ex:x ex:p "a", "abc", "abcdef" .',
        "ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:minLength 2 ; sh:maxLength 3 .",
        {('"a"', None, '"a"', "MinLength", V, "ex:S"), ('"abcdef"', None, '"abcdef"', "MaxLength", V, "ex:S")},
    ),
    "pattern-flags-property": (
        'ex:x ex:p "Abc", "bcd", ex:a .',
        'ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:pattern "^a" ; sh:flags "i" .',
        {("ex:x", "ex:p", '"bcd"', "Pattern", V, "ex:P"), ("ex:x", "ex:p", "ex:a", "Pattern", V, "ex:P")},
    ),
    "pattern-node": (
        "ex:abc ex:p 1 . ex:xyz ex:p 1 .",
        'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:pattern "abc$" .',
        {("ex:xyz", None, "ex:xyz", "Pattern", V, "ex:S")},
    ),
    "languageIn-property": (
        'ex:x ex:p "a"@en, "b"@en-US, "c"@fr, "d" .',
        'ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:languageIn ( "en" ) .',
        {("ex:x", "ex:p", '"c"@fr', "LanguageIn", V, "ex:P"), ("ex:x", "ex:p", '"d"', "LanguageIn", V, "ex:P")},
    ),
    "languageIn-node": (
        'ex:x ex:p "a"@zh, "b"@de .',
        'ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:languageIn ( "zh" "en" ) .',
        {('"b"@de', None, '"b"@de', "LanguageIn", V, "ex:S")},
    ),
    "uniqueLang": (
        'ex:x ex:p "a"@en, "b"@en, "c"@fr, "d", "e" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:uniqueLang true .",
        {("ex:x", "ex:p", None, "UniqueLang", V, "ex:P")},
    ),
    # --- 4.5 property pairs ---------------------------------------------------------------------
    "equals-property": (
        "ex:x ex:p 1, 2 ; ex:q 2, 3 .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:equals ex:q .",
        {("ex:x", "ex:p", "1", "Equals", V, "ex:P"), ("ex:x", "ex:p", "3", "Equals", V, "ex:P")},
    ),
    "equals-node": (
        "ex:x ex:q ex:x, ex:y .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:equals ex:q .",
        {("ex:x", None, "ex:y", "Equals", V, "ex:S")},
    ),
    "disjoint-property": (
        "ex:x ex:p 1, 2 ; ex:q 2 .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:disjoint ex:q .",
        {("ex:x", "ex:p", "2", "Disjoint", V, "ex:P")},
    ),
    "disjoint-node": (
        "ex:x ex:q ex:x, ex:y . ex:z ex:q ex:y .",
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:q ; sh:disjoint ex:q .",
        {("ex:x", None, "ex:x", "Disjoint", V, "ex:S")},
    ),
    "lessThan": (
        'ex:x ex:p 1, 5, "a" ; ex:q 3 .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:lessThan ex:q .",
        {("ex:x", "ex:p", "5", "LessThan", V, "ex:P"), ("ex:x", "ex:p", '"a"', "LessThan", V, "ex:P")},
    ),
    "lessThanOrEquals": (
        "ex:x ex:p 3, 4 ; ex:q 3 .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:lessThanOrEquals ex:q .",
        {("ex:x", "ex:p", "4", "LessThanOrEquals", V, "ex:P")},
    ),
    # --- 4.6 logical ----------------------------------------------------------------------------
    "not-node": (
        "ex:a a ex:A . ex:b a ex:B .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:not ex:N . ex:N sh:class ex:A .",
        {("ex:a", None, "ex:a", "Not", V, "ex:S")},
    ),
    "not-property": (
        'ex:x ex:p 1, "a" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:not ex:N . ex:N sh:datatype xsd:integer .",
        {("ex:x", "ex:p", "1", "Not", V, "ex:P")},
    ),
    "and-property": (
        'ex:x ex:p 1, 3, "x" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ;"
        " sh:and ( ex:N1 ex:N2 ) . ex:N1 sh:datatype xsd:integer . ex:N2 sh:minInclusive 2 .",
        {("ex:x", "ex:p", "1", "And", V, "ex:P"), ("ex:x", "ex:p", '"x"', "And", V, "ex:P")},
    ),
    "and-node": (
        "ex:a a ex:A, ex:B . ex:b a ex:A .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:and ( ex:N1 ex:N2 ) ."
        " ex:N1 sh:class ex:A . ex:N2 sh:class ex:B .",
        {("ex:b", None, "ex:b", "And", V, "ex:S")},
    ),
    "or-node-of-property-shapes": (
        "ex:a ex:p 1 . ex:b ex:q true . ex:c ex:q false .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c ; sh:or ( ex:O1 ex:O2 ) ."
        " ex:O1 sh:path ex:p ; sh:minCount 1 . ex:O2 sh:path ex:q ; sh:hasValue true .",
        {("ex:c", None, "ex:c", "Or", V, "ex:S")},
    ),
    "or-property-of-value-conditions": (
        'ex:x ex:p 1, "a", ex:b .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ;"
        " sh:or ( [ sh:datatype xsd:integer ] [ sh:nodeKind sh:IRI ] ) .",
        {("ex:x", "ex:p", '"a"', "Or", V, "ex:P")},
    ),
    "xone-property": (
        'ex:x ex:p 1, 2, "a" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ;"
        " sh:xone ( [ sh:datatype xsd:integer ] [ sh:minInclusive 2 ] ) .",
        {("ex:x", "ex:p", "2", "Xone", V, "ex:P"), ("ex:x", "ex:p", '"a"', "Xone", V, "ex:P")},
    ),
    "xone-node": (
        "ex:a a ex:A . ex:b a ex:A, ex:B . ex:c a ex:C .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c ; sh:xone ( [ sh:class ex:A ] [ sh:class ex:B ] ) .",
        {("ex:b", None, "ex:b", "Xone", V, "ex:S"), ("ex:c", None, "ex:c", "Xone", V, "ex:S")},
    ),
    # --- 4.7 shape-based ------------------------------------------------------------------------
    "node-property": (
        'ex:x ex:p ex:y, ex:z . ex:y ex:name "Y" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:node ex:Named ."
        " ex:Named a sh:NodeShape ; sh:property ex:NameP . ex:NameP sh:path ex:name ; sh:minCount 1 .",
        {("ex:x", "ex:p", "ex:z", "Node", V, "ex:P")},
    ),
    "node-node": (
        "ex:a a ex:B .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:N . ex:N a sh:NodeShape ; sh:class ex:A .",
        {("ex:a", None, "ex:a", "Node", V, "ex:S")},
    ),
    "property-severity-is-its-own": (
        "ex:x ex:q 1 .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:severity sh:Warning ; sh:property ex:P ."
        " ex:P sh:path ex:p ; sh:minCount 1 .",
        {("ex:x", "ex:p", None, "MinCount", V, "ex:P")},
    ),
    "qualified-min-max": (
        "ex:x ex:p ex:a, ex:b, ex:c . ex:a a ex:A . ex:b a ex:A . ex:c a ex:B .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P1, ex:P2 ."
        " ex:P1 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMinCount 3 ."
        " ex:P2 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMaxCount 1 .",
        {
            ("ex:x", "ex:p", None, "QualifiedMinCount", V, "ex:P1"),
            ("ex:x", "ex:p", None, "QualifiedMaxCount", V, "ex:P2"),
        },
    ),
    "qualified-disjoint": (
        "ex:x ex:p ex:ab . ex:ab a ex:A, ex:B . ex:y ex:p ex:a1, ex:b1 . ex:a1 a ex:A . ex:b1 a ex:B .",
        "ex:S sh:targetNode ex:x, ex:y ; sh:property ex:P1, ex:P2 ."
        " ex:P1 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true ."
        " ex:P2 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:B ] ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true .",
        {
            ("ex:x", "ex:p", None, "QualifiedMinCount", V, "ex:P1"),
            ("ex:x", "ex:p", None, "QualifiedMinCount", V, "ex:P2"),
        },
    ),
    # --- 4.8 other ------------------------------------------------------------------------------
    "closed-ignoredProperties": (
        "ex:x a ex:A ; ex:p 1 ; ex:q 2 .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;"
        " sh:property ex:P . ex:P sh:path ex:p .",
        {("ex:x", "ex:q", "2", "Closed", V, "ex:S")},
    ),
    "hasValue-property": (
        "ex:x ex:p 1, 2 . ex:y ex:p 3 .",
        "ex:S sh:targetNode ex:x, ex:y ; sh:property ex:P . ex:P sh:path ex:p ; sh:hasValue 3 .",
        {("ex:x", "ex:p", None, "HasValue", V, "ex:P")},
    ),
    "hasValue-node": (
        "ex:a ex:p 1 .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:hasValue ex:a .",
        {("ex:b", None, None, "HasValue", V, "ex:S")},
    ),
    "in-node": (
        "ex:a ex:p 1 .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:in ( ex:a 1 ) .",
        {("ex:b", None, "ex:b", "In", V, "ex:S")},
    ),
    "in-property": (
        'ex:x ex:p 1, "1", ex:a .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:in ( 1 ex:a ) .",
        {("ex:x", "ex:p", '"1"', "In", V, "ex:P")},
    ),
    # --- paths ----------------------------------------------------------------------------------
    "inverse-path": (
        "ex:a ex:p ex:b .",
        "ex:S sh:targetNode ex:b ; sh:property ex:P . ex:P sh:path [ sh:inversePath ex:p ] ; sh:minCount 2 .",
        {("ex:b", COMPLEX, None, "MinCount", V, "ex:P")},
    ),
    "sequence-path": (
        'ex:x ex:p ex:y . ex:y ex:q 5, "a" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ( ex:p ex:q ) ; sh:datatype xsd:integer .",
        {("ex:x", COMPLEX, '"a"', "Datatype", V, "ex:P")},
    ),
    "alternative-path": (
        "ex:x ex:p 1 ; ex:q 2 .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path [ sh:alternativePath ( ex:p ex:q ) ] ;"
        " sh:maxCount 1 .",
        {("ex:x", COMPLEX, None, "MaxCount", V, "ex:P")},
    ),
    "zeroOrMore-path": (
        'ex:x ex:p ex:y . ex:y ex:p "lit" .',
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path [ sh:zeroOrMorePath ex:p ] ; sh:nodeKind sh:IRI .",
        {("ex:x", COMPLEX, '"lit"', "NodeKind", V, "ex:P")},
    ),
    "oneOrMore-path": (
        "ex:x ex:p ex:y . ex:y ex:p ex:z . ex:y a ex:A .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path [ sh:oneOrMorePath ex:p ] ; sh:class ex:A .",
        {("ex:x", COMPLEX, "ex:z", "Class", V, "ex:P")},
    ),
    "zeroOrOne-path": (
        "ex:x ex:p ex:y . ex:y ex:p ex:z .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path [ sh:zeroOrOnePath ex:p ] ; sh:maxCount 1 .",
        {("ex:x", COMPLEX, None, "MaxCount", V, "ex:P")},
    ),
    # --- deactivation, severity, blank-node focus -------------------------------------------------
    "deactivated": (
        "ex:x ex:q 1 .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:x ; sh:deactivated true ; sh:class ex:A ."
        " ex:T a sh:NodeShape ; sh:targetNode ex:x ; sh:property ex:P1, ex:P2 ."
        " ex:P1 sh:path ex:p ; sh:minCount 1 ; sh:deactivated true . ex:P2 sh:path ex:q ; sh:maxCount 0 .",
        {("ex:x", "ex:q", None, "MaxCount", V, "ex:P2")},
    ),
    "deactivated-inner-shape-conforms": (
        "ex:a a ex:B .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:N . ex:N sh:class ex:A ; sh:deactivated true .",
        set(),
    ),
    "severities": (
        "ex:a a ex:B .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ; sh:class ex:A ."
        " ex:T a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Info ; sh:in ( ex:b ) .",
        {("ex:a", None, "ex:a", "Class", W, "ex:S"), ("ex:a", None, "ex:a", "In", INFO, "ex:T")},
    ),
    "blank-node-focus-targetClass": (
        "[] a ex:A ; ex:p 1 .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:property ex:P . ex:P sh:path ex:p ; sh:datatype xsd:string .",
        {(BLANK, "ex:p", "1", "Datatype", V, "ex:P")},
    ),
}

#: Cases where pyshacl (the installed version) departs from the specification, and how.
PYSHACL_DEVIATIONS: dict[str, str] = {
    "minInclusive-maxExclusive-property-dates": (
        "the integer 2021 against an xsd:date sh:minInclusive: SPARQL's >= cannot compare them, so SHACL 4.3.3 "
        "reports a violation; pyshacl 0.40 reports it for sh:maxExclusive but not for sh:minInclusive"
    ),
}

#: What the fast engine may refuse: the README's list.
FAST_REFUSALS = ("recursive shapes",)


def expand(text: str | None, graph: Graph) -> object:
    """A corpus term ("ex:a", '"x"@en', "1", ...) as the rdflib term it names."""
    if text is None or text in (BLANK, COMPLEX):
        return text
    parsed = Graph().parse(data=f"{PREFIXES} ex:s ex:p {text} .", format="turtle")
    return next(iter(parsed.objects()))


def normalise(term, graph: Graph) -> object:
    if term is None:
        return None
    if isinstance(term, BNode):
        return BLANK
    if isinstance(term, Literal):
        # compare by lexical form, datatype (xsd:string for plain) and lower-case language
        return (
            "literal",
            str(term),
            term.datatype or (None if term.language else XSD.string),
            (term.language or "").lower(),
        )
    return term


def expected_results(case: str) -> set[tuple]:
    _, _, expected = CASES[case]
    graph = Graph()
    out = set()
    for focus, path, value, component, severity, shape in expected:
        out.add(
            (
                normalise(expand(focus, graph), graph) if focus != BLANK else BLANK,
                path if path in (None, COMPLEX) else URIRef(EX + path[3:]),
                normalise(expand(value, graph), graph) if value not in (None, BLANK) else value,
                SH[component + "ConstraintComponent"],
                SH[severity],
                shape if shape == BLANK else URIRef(EX + shape[3:]),
            )
        )
    return out


def results_of(report: Graph) -> set[tuple]:
    """The report's results (those of its sh:result, not the nested sh:detail ones)."""
    found = set()
    for result in report.objects(None, SH.result):
        path = report.value(result, SH.resultPath)
        found.add(
            (
                normalise(report.value(result, SH.focusNode), report),
                None if path is None else (COMPLEX if isinstance(path, BNode) else path),
                normalise(report.value(result, SH.value), report),
                report.value(result, SH.sourceConstraintComponent),
                report.value(result, SH.resultSeverity),
                BLANK
                if isinstance(report.value(result, SH.sourceShape), BNode)
                else report.value(result, SH.sourceShape),
            )
        )
    return found


def case_store(case: str) -> tuple[EmbeddedStore, Graph]:
    data, shapes, _ = CASES[case]
    store = EmbeddedStore()
    import pyoxigraph as ox

    store.oxigraph.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "data"))
    return store, Graph().parse(data=PREFIXES + shapes, format="turtle")


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_engine_gives_the_results_the_specification_prescribes(case):
    store, shapes = case_store(case)
    results = validate_store(store, shapes)
    assert results_of(report_graph(results, not results, shapes)) == expected_results(case)


@pytest.mark.parametrize("case", sorted(CASES))
def test_pyshacl_through_chaingraph_gives_the_results_the_specification_prescribes(case):
    store, shapes = case_store(case)
    report = _validate_with_pyshacl(store, shapes)
    found = results_of(report.graph)
    if case in PYSHACL_DEVIATIONS:
        assert found != expected_results(case), f"pyshacl now follows the specification on {case}: drop the deviation"
        return
    assert found == expected_results(case)
    assert report.conforms == (not expected_results(case))


def test_the_corpus_covers_every_core_component_at_both_levels():
    """Every constraint component of SHACL section 4 is in some case's expected results, at node
    level (no path) and at property level, where the specification allows both."""
    property_only = {
        "MinCount",
        "MaxCount",
        "UniqueLang",
        "LessThan",
        "LessThanOrEquals",
        "QualifiedMinCount",
        "QualifiedMaxCount",
    }
    components = {
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinExclusive",
        "MinInclusive",
        "MaxExclusive",
        "MaxInclusive",
        "MinLength",
        "MaxLength",
        "Pattern",
        "LanguageIn",
        "UniqueLang",
        "Equals",
        "Disjoint",
        "LessThan",
        "LessThanOrEquals",
        "Not",
        "And",
        "Or",
        "Xone",
        "Node",
        "QualifiedMinCount",
        "QualifiedMaxCount",
        "Closed",
        "HasValue",
        "In",
    }
    seen = set()
    for _, shapes_text, expected in CASES.values():
        shapes = Graph().parse(data=PREFIXES + shapes_text, format="turtle")
        for *_, component, _, shape in expected:
            node_level = shapes.value(URIRef(EX + shape[3:]), SH.path) is None
            seen.add((component, node_level))
    # sh:closed is about the properties of a node: a node-level case is enough
    missing = [f"{c} at property level" for c in components - {"Closed"} if (c, False) not in seen]
    missing += [f"{c} at node level" for c in components - property_only if (c, True) not in seen]
    assert not missing


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_shape_messages_reach_the_report(engine, tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:B .", encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES + 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:A ; sh:message "must be an A"@en .',
        encoding="utf-8",
    )
    from chaingraph.store import open_store

    report = validate(open_store([data], bundled=False), engine=engine, shapes=[shapes])
    assert [finding.message for finding in report.findings] == ["must be an A"]


def test_recursive_shapes_are_refused_before_any_data_is_read():
    shapes = Graph().parse(
        data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
        format="turtle",
    )

    class NoData(EmbeddedStore):
        def select(self, *args, **kwargs):
            raise AssertionError("the store was read before the refusal")

    with pytest.raises(UnsupportedShape, match="recursive shapes"):
        validate_store(NoData(), shapes)


@pytest.mark.parametrize(
    "shape, named",
    [
        ("ex:S sh:targetNode ex:a ; sh:rule [ a sh:TripleRule ] .", "sh:rule"),
        ("ex:S sh:targetNode ex:a ; sh:minCount 1 .", "sh:minCount"),
        ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:int ] .", "xsd:int"),
        ("ex:S sh:targetNode [] ; sh:class ex:A .", "sh:targetNode"),
        ("ex:S sh:targetNode ex:a ; sh:property [ sh:path [ ex:odd ex:p ] ] .", "sh:path"),
    ],
)
def test_what_the_fast_engine_does_not_evaluate_is_refused_by_name(shape, named):
    shapes = Graph().parse(data=PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape, match=named.replace("[", r"\[")):
        validate_store(EmbeddedStore(), shapes)


def test_warnings_alone_exit_0_and_say_so(run, tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:B .", encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ; sh:class ex:A .",
        encoding="utf-8",
    )
    for engine in ("fast", "pyshacl"):
        result = run("validate", "--no-bundled", "--data", str(data), "--shapes", str(shapes), "--engine", engine)
        assert result.exit_code == 0, (engine, result.stderr)
        assert "warnings only" in result.stderr
        as_json = run(
            "validate",
            "--no-bundled",
            "--data",
            str(data),
            "--shapes",
            str(shapes),
            "--engine",
            engine,
            "--format",
            "json",
        )
        import json

        assert json.loads(as_json.stdout)["conforms"] is False


def test_an_ill_typed_literal_is_one_warning_line_not_a_traceback(tmp_path):
    """As a real process: rdflib's log goes to the process's own stderr, which an in-process runner
    does not capture. The shape makes the literal a result value, so it is converted too."""
    from ..conftest import run_process

    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + 'ex:a ex:p "abc"^^xsd:integer .', encoding="utf-8")
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES + "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .",
        encoding="utf-8",
    )
    query = run_process("query", "SELECT ?o WHERE { ?s ?p ?o }", "--no-bundled", "--data", str(data))
    assert query.returncode == 0 and "Traceback" not in query.stderr, query.stderr
    for engine in ("fast", "pyshacl"):
        result = run_process(
            "validate", "--no-bundled", "--data", str(data), "--shapes", str(shapes), "--engine", engine
        )
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1 and '"abc"' in warnings[0] and "xsd:integer" in warnings[0], result.stderr


def _fast_results(data: str, shapes: str) -> list:
    import pyoxigraph as ox

    store = EmbeddedStore()
    store.oxigraph.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "data"))
    return validate_store(store, Graph().parse(data=PREFIXES + shapes, format="turtle"))


def test_less_than_reports_one_result_per_pair_of_values():
    # SHACL 4.5.3: a result for each pair (value of ex:p, value of ex:q) where value < other fails.
    # Values 5 and 6 against 3 and 4: all four pairs fail.
    results = _fast_results(
        "ex:x ex:p 5, 6 ; ex:q 3, 4 .",
        "ex:S sh:targetNode ex:x ; sh:property ex:P . ex:P sh:path ex:p ; sh:lessThan ex:q .",
    )
    assert len(results) == 4


def test_a_severity_outside_shacls_namespace_is_kept_as_its_iri():
    # SHACL 2.1.4: any IRI may be a severity; the report carries it as given.
    shapes = "ex:S sh:targetNode ex:x ; sh:severity ex:Bad ; sh:property ex:P . ex:P sh:path ex:p ; sh:minCount 1 ."
    results = _fast_results("ex:x ex:q 1 .", shapes)
    graph = report_graph(results, not results, Graph().parse(data=PREFIXES + shapes, format="turtle"))
    assert {str(o) for o in graph.objects(None, SH.resultSeverity)} == {str(SH.Violation)}  # ex:P's own: default
    shapes = "ex:S sh:targetNode ex:x ; sh:severity ex:Bad ; sh:minCount 2 ; sh:property ex:P . ex:P sh:path ex:p ."
    results = _fast_results("ex:x ex:q 1 .", shapes.replace("sh:minCount 2 ;", "sh:class ex:Missing ;"))
    graph = report_graph(results, not results, Graph().parse(data=PREFIXES + shapes, format="turtle"))
    assert {str(o) for o in graph.objects(None, SH.resultSeverity)} == {EX + "Bad"}


@pytest.mark.parametrize(
    ("data", "shapes", "expected"),
    [
        # SHACL 4.7.2: each value node of each focus node is validated against the sh:property shape:
        # ex:v, the value of both ex:a and ex:b, is validated twice and fails twice.
        (
            "ex:a ex:p ex:v . ex:b ex:p ex:v . ex:v ex:q 1 .",
            "ex:S sh:targetNode ex:a, ex:b ; sh:property ex:P . ex:P sh:path ex:p ; sh:property ex:Q . "
            "ex:Q sh:path ex:q ; sh:minCount 2 .",
            2,
        ),
        # Two levels down: ex:w is reached through ex:v, which is reached twice.
        (
            "ex:a ex:p ex:v . ex:b ex:p ex:v . ex:v ex:q ex:w .",
            "ex:S sh:targetNode ex:a, ex:b ; sh:property ex:P . ex:P sh:path ex:p ; sh:property ex:Q . "
            "ex:Q sh:path ex:q ; sh:property ex:R . ex:R sh:path ex:r ; sh:minCount 1 .",
            2,
        ),
        # Values of one focus node each: no repetition.
        (
            "ex:a ex:p ex:v . ex:b ex:p ex:u . ex:v ex:q 1 . ex:u ex:q 1 .",
            "ex:S sh:targetNode ex:a, ex:b ; sh:property ex:P . ex:P sh:path ex:p ; sh:property ex:Q . "
            "ex:Q sh:path ex:q ; sh:minCount 2 .",
            2,
        ),
    ],
)
def test_a_value_node_shared_by_focus_nodes_is_validated_once_for_each(data, shapes, expected):
    assert len(_fast_results(data, shapes)) == expected
    store = EmbeddedStore()
    import pyoxigraph as ox

    store.oxigraph.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "data"))
    report = _validate_with_pyshacl(store, Graph().parse(data=PREFIXES + shapes, format="turtle"))
    assert len(list(report.graph.objects(None, SH.result))) == expected  # the reference engine agrees


@pytest.mark.parametrize(
    ("data", "shapes"),
    [
        ('ex:x ex:p "1", "1"^^xsd:string, 1 .', 'ex:P sh:path ex:p ; sh:in ("1") .'),
        ('ex:x ex:p "1", "1"^^xsd:string, 1 .', 'ex:P sh:path ex:p ; sh:in ("1"^^xsd:string) .'),
        ('ex:x ex:p "1"^^xsd:string, 1 .', 'ex:P sh:path ex:p ; sh:in ("1" 2) .'),
    ],
)
def test_a_simple_literal_and_its_xsd_string_form_are_one_term_for_both_engines(data, shapes):
    # RDF 1.1: "1" and "1"^^xsd:string are one term, so sh:in fails only for the integer 1.
    shapes = "ex:S sh:targetNode ex:x ; sh:property ex:P . " + shapes
    fast = _fast_results(data, shapes)
    assert [str(result.value) for result in fast] == ["1"] and fast[0].value.datatype == XSD.integer
    store = EmbeddedStore()
    import pyoxigraph as ox

    store.oxigraph.load((PREFIXES + data).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "data"))
    report = _validate_with_pyshacl(store, Graph().parse(data=PREFIXES + shapes, format="turtle"))
    values = [report.graph.value(result, SH.value) for result in report.graph.objects(None, SH.result)]
    assert values == [Literal(1)]
