"""The fast engine's findings as SHACL has them: one ``Result`` per focus node, value and constraint,
and the validation report graph (``sh:ValidationReport``) as pyshacl writes it, so both engines'
reports hold the same terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

__all__ = ["SEVERITIES", "Result", "report_graph", "simple_string"]


@dataclass(frozen=True)
class Result:
    """One validation result, with the fields of a ``sh:ValidationResult``."""

    focus: Node  # an IRI, blank node or (for a target of sh:targetObjectsOf) a literal
    path: Node | None  # the shape's sh:path (an IRI, or the blank node of a complex path), or None
    value: Node | None
    component: str  # local name of the constraint component, as the specification names it
    severity: str
    message: str
    shape: Node  # the shape holding the constraint (sh:sourceShape)


def simple_string(term: Node) -> Node:
    """``"x"^^xsd:string`` as ``"x"``: one RDF term, written as rdflib writes a simple literal (so
    both engines' reports hold the same term)."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def report_graph(results: Iterable[Result], conforms: bool, shapes: Graph | None = None) -> Graph:
    """The results as a SHACL validation report (``sh:ValidationReport``), as pyshacl writes one.
    A complex path (a blank node of the shapes graph) is copied into the report with its structure."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for result in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
            if isinstance(result.path, BNode) and shapes is not None:
                _copy_blank_structure(shapes, result.path, graph)
        if result.value is not None:
            graph.add((node, SH.value, simple_string(result.value)))
        severity = SH[result.severity] if result.severity in SEVERITIES else URIRef(result.severity)
        graph.add((node, SH.resultSeverity, severity))
        graph.add((node, SH.sourceConstraintComponent, SH[result.component]))
        graph.add((node, SH.sourceShape, result.shape))
        graph.add((node, SH.resultMessage, Literal(result.message)))
    return graph


def _copy_blank_structure(source: Graph, start: BNode, target: Graph) -> None:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, obj in source.predicate_objects(node):
            target.add((node, predicate, obj))
            if isinstance(obj, BNode):
                stack.append(obj)


#: The severities SHACL defines, by their local names; any other IRI is a severity too (2.1.4).
SEVERITIES = ("Violation", "Warning", "Info")
