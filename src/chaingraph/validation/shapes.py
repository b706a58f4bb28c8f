"""What the fast SHACL engine understands of a shapes graph, checked before any query runs: the
targets, constraint components and paths it evaluates, each shape refused with the feature named
when it uses one it does not (``UnsupportedShape``), and a SHACL path as a SPARQL property path.
"""

from __future__ import annotations

from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from ..errors import InputError
from ..sparql import term_to_sparql
from ..vocab import DERIVED_INTEGER_TYPES

__all__ = [
    "CHECKED_BY_CAST",
    "DATATYPES_NOT_KEPT",
    "NODE_KINDS",
    "PROPERTY_ONLY",
    "SHAPE_LISTS",
    "SHAPE_VALUED",
    "TARGETS",
    "TARGET_CLAUSES",
    "UNDERSTOOD",
    "VALUE_CONDITIONS",
    "UnsupportedShape",
    "check_shapes",
    "curie",
    "integer_of",
    "path_as_sparql",
    "referenced_shapes",
    "shape_name",
    "shapes_with_targets",
    "sparql_path",
]


def integer_of(term: Node) -> int:
    """A shape's integer parameter (``sh:minCount 1``, ``sh:maxLength 8``) as an int."""
    return int(cast(Literal, term))


class UnsupportedShape(InputError):
    """A shapes graph uses a SHACL feature this engine does not evaluate."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}; --engine pyshacl evaluates all of SHACL")


# --- what the engine reads ------------------------------------------------------------------------

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
#: Components whose values are shapes: a shape's conformance may depend on these.
SHAPE_VALUED = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
#: Only property shapes may have these (SHACL 4.2, 4.4.6, 4.5.3-4.5.4, 4.7.3).
PROPERTY_ONLY = (
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
)
#: Conditions on one value node each: a shape made only of these folds into one SPARQL expression.
VALUE_CONDITIONS = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minExclusive,
    SH.minInclusive,
    SH.maxExclusive,
    SH.maxInclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.hasValue,
    SH["or"],
)
UNDERSTOOD = frozenset(
    {
        *TARGETS,
        *SHAPE_VALUED,
        *SHAPE_LISTS,
        *PROPERTY_ONLY,
        *VALUE_CONDITIONS,
        SH.path,
        SH.flags,
        SH.equals,
        SH.disjoint,
        SH.closed,
        SH.ignoredProperties,
        SH.sparql,
        SH.message,
        SH.severity,
        SH.deactivated,
        # non-validating: SHACL 2.3
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
    }
)

#: Datatypes Oxigraph stores under another IRI when the literal is valid (``"5"^^xsd:int`` becomes
#: ``"5"^^xsd:integer``), so the datatype the data was written with cannot be read back.
DATATYPES_NOT_KEPT = frozenset(XSD[name] for name in (*DERIVED_INTEGER_TYPES, "dateTimeStamp"))
#: Datatypes whose lexical forms are checked (SHACL 4.1.2: "well-formed" for recognised types), by
#: the SPARQL cast of the same name: a cast fails on an ill-formed lexical form.
CHECKED_BY_CAST = frozenset(
    XSD[name]
    for name in ("integer", "decimal", "float", "double", "boolean", "date", "dateTime", "time", "gYear", "gYearMonth")
)

NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}

# The focus nodes of each kind of target; ?target is bound by a VALUES block.
TARGET_CLAUSES = {
    SH.targetClass: "?focus rdf:type/rdfs:subClassOf* ?target .",
    SH.targetSubjectsOf: "?focus ?target ?targetValue .",
    SH.targetObjectsOf: "?targetValue ?target ?focus .",
    SH.targetNode: "BIND(?target AS ?focus)",
}


# --- checking the shapes graph, before any data is read -----------------------------------------


def shapes_with_targets(shapes: Graph) -> list[Node]:
    found = {s for key in TARGETS for s in shapes.subjects(key, None)}
    for kind in (SH.NodeShape, SH.PropertyShape):
        found |= {s for s in shapes.subjects(RDF.type, kind) if (s, RDF.type, RDFS.Class) in shapes}
    return sorted(found, key=str)


def referenced_shapes(shapes: Graph, shape: Node) -> list[Node]:
    """The shapes whose conformance the conformance of ``shape`` depends on."""
    found = [o for key in SHAPE_VALUED for o in shapes.objects(shape, key)]
    for key in SHAPE_LISTS:
        for members in shapes.objects(shape, key):
            found.extend(Collection(shapes, members))
    return found


def check_shapes(shapes: Graph) -> list[Node]:
    """Refuse, by name, what the engine does not evaluate (see the module's list); the shapes
    that have targets, in a stable order. Decided from the shapes graph alone."""
    roots = shapes_with_targets(shapes)
    everything = {*roots}
    everything |= {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)}
    stack: list[Node] = list(everything)
    while stack:
        shape = stack.pop()
        for inner in referenced_shapes(shapes, shape):
            if inner not in everything:
                everything.add(inner)
                stack.append(inner)
    for shape in sorted(everything, key=str):
        _check_one(shapes, shape)
    _refuse_recursion(shapes, everything)
    return roots


def _check_one(shapes: Graph, shape: Node) -> None:
    for key in set(shapes.predicates(shape, None)):
        if str(key).startswith(str(SH)) and key not in UNDERSTOOD:
            raise UnsupportedShape(f"shape {shape_name(shape)}: {curie(key)} is not evaluated by the fast engine")
    is_property = shapes.value(shape, SH.path) is not None
    if not is_property:
        for key in PROPERTY_ONLY:
            if shapes.value(shape, key) is not None:
                raise UnsupportedShape(
                    f"shape {shape_name(shape)}: {curie(key)} belongs on a property shape (one with sh:path), "
                    "SHACL does not define it on a node shape"
                )
    else:
        sparql_path(shapes, shapes.value(shape, SH.path), shape)
    for datatype in shapes.objects(shape, SH.datatype):
        if datatype in DATATYPES_NOT_KEPT:
            raise UnsupportedShape(
                f"shape {shape_name(shape)}: sh:datatype {curie(datatype)}: the store keeps valid literals of this "
                "type as xsd:integer or xsd:dateTime, so the datatype they were written with cannot be checked"
            )
    for key in (SH.targetNode, SH.hasValue):
        for term in shapes.objects(shape, key):
            if isinstance(term, BNode):
                raise UnsupportedShape(f"shape {shape_name(shape)}: a blank node as {curie(key)} matches no data node")
    for members in shapes.objects(shape, SH["in"]):
        if any(isinstance(term, BNode) for term in Collection(shapes, members)):
            raise UnsupportedShape(f"shape {shape_name(shape)}: a blank node in sh:in matches no data node")
    for kind in shapes.objects(shape, SH.nodeKind):
        if kind not in NODE_KINDS:
            raise UnsupportedShape(f"shape {shape_name(shape)}: sh:nodeKind {kind} is not a SHACL node kind")
    for constraint in shapes.objects(shape, SH.sparql):
        if shapes.value(constraint, SH.select) is None:
            raise UnsupportedShape(f"shape {shape_name(shape)}: sh:sparql without sh:select")


def _refuse_recursion(shapes: Graph, everything: set[Node]) -> None:
    state: dict[Node, int] = {}  # 1 on the current path, 2 done

    def visit(shape: Node, path: list[Node]) -> None:
        state[shape] = 1
        for inner in referenced_shapes(shapes, shape):
            if state.get(inner) == 1:
                loop = [*path, shape, inner]
                cycle = " -> ".join(shape_name(s) for s in loop[loop.index(inner) :])
                raise UnsupportedShape(f"recursive shapes ({cycle}): SHACL leaves their validation undefined")
            if inner not in state:
                visit(inner, [*path, shape])
        state[shape] = 2

    for shape in sorted(everything, key=str):
        if shape not in state:
            visit(shape, [])


def sparql_path(shapes: Graph, node: Node | None, shape: Node) -> str:
    """A SHACL property path (SHACL 2.3.1) as a SPARQL property path."""
    if isinstance(node, URIRef):
        return term_to_sparql(node)
    if not isinstance(node, BNode):
        raise UnsupportedShape(f"shape {shape_name(shape)}: sh:path {node!r} is not a SHACL path")
    if (node, RDF.first, None) in shapes:
        parts = list(Collection(shapes, node))
        if len(parts) < 2:
            raise UnsupportedShape(f"shape {shape_name(shape)}: a sequence path needs at least two members")
        return "(" + "/".join(sparql_path(shapes, part, shape) for part in parts) + ")"
    for key, write in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = shapes.value(node, key)
        if inner is not None:
            return write.format(sparql_path(shapes, inner, shape))
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        parts = list(Collection(shapes, alternatives))
        if len(parts) < 2:
            raise UnsupportedShape(f"shape {shape_name(shape)}: an alternative path needs at least two members")
        return "(" + "|".join(sparql_path(shapes, part, shape) for part in parts) + ")"
    raise UnsupportedShape(f"shape {shape_name(shape)}: sh:path is a blank node that is no SHACL path")


def path_as_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL path of ``shapes`` as a SPARQL property path (IRIs in full), for messages."""
    try:
        return sparql_path(shapes, path, path)
    except UnsupportedShape:
        return str(path)


def shape_name(shape: Node) -> str:
    return str(shape) if isinstance(shape, URIRef) else "(a blank node shape)"


def curie(term: Node) -> str:
    if str(term).startswith(str(SH)):
        return "sh:" + str(term)[len(str(SH)) :]
    if str(term).startswith(str(XSD)):
        return "xsd:" + str(term)[len(str(XSD)) :]
    return str(term)
