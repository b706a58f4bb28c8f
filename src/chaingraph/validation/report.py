"""SHACL validation of the graph against chaingraph's shapes, as a report a person can act on.

Two engines give the same results: ``fast`` (:mod:`chaingraph.shacl`, each constraint one SPARQL
query in the store) and ``pyshacl``, the reference, which copies the data into rdflib first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node
from rdflib.util import guess_format

from .._runtime import resources
from .._runtime.fileio import read_input
from ..errors import InputError
from ..queries.names import shorten
from ..queries.texts import package_query
from ..sparql import check_nesting, refuse_service
from ..store import LocalDataset, Store, check_xml_depth
from .shacl import CHECKED_BY_CAST, path_as_sparql, report_graph, validate_store

__all__ = [
    "ENGINES",
    "LABEL_QUERY",
    "Finding",
    "ValidationReport",
    "ill_typed_literals",
    "load_shapes",
    "validate",
]


@dataclass(frozen=True)
class Finding:
    """One SHACL result: which resource, which property, what is wrong."""

    severity: str
    focus: str
    focus_label: str
    path: str
    message: str
    value: str


@dataclass
class ValidationReport:
    """What validation found, for people (``findings``) and for other SHACL tools (``graph``: the
    report in the SHACL vocabulary, ``sh:ValidationReport``)."""

    conforms: bool  # SHACL's sh:conforms: no results at all, of any severity
    findings: list[Finding]
    triples: int
    graph: Graph = dataclasses.field(default_factory=Graph, repr=False)
    #: Literals whose lexical form their XSD datatype does not allow, e.g. ``"abc"^^xsd:integer``.
    ill_typed: list[Literal] = dataclasses.field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def passes(self) -> bool:
        """No violations: what the exit status is about (warnings and infos alone pass)."""
        return not self.violations


def load_shapes(extra: Iterable[Path] = ()) -> Graph:
    """chaingraph's shapes, and the user's own shape files (any RDF syntax, by file ending)."""
    shapes = Graph().parse(resources.shapes_path(), format="turtle")
    for path in extra:
        rdf_format = guess_format(str(path)) or "turtle"
        try:
            data = read_input(path)  # read once: checked, then parsed
        except InputError as exc:
            raise InputError(f"--shapes {exc}") from None
        try:
            if rdf_format in ("turtle", "trig", "n3"):
                check_nesting(data.decode("utf-8", "replace"), f"--shapes {path}")
            elif rdf_format == "xml":
                check_xml_depth(path, data)
            shapes.parse(data=data, format=rdf_format, publicID=path.resolve().as_uri())
        except InputError:
            raise
        except Exception as exc:  # rdflib raises many kinds for bad syntax
            raise InputError(f"--shapes {path}: not readable RDF: {str(exc).splitlines()[0][:200]}") from None
    return shapes


ENGINES = ("fast", "pyshacl")

LABEL_QUERY = package_query("validation-label")


def validate(store: Store, engine: str = "fast", shapes: Iterable[Path] = ()) -> ValidationReport:
    """Validate everything in the embedded store (ontology included, so subclasses count) against
    chaingraph's shapes and the shape files in ``shapes``.

    >>> from chaingraph.store import open_store
    >>> validate(open_store()).conforms
    True
    """
    if engine not in ENGINES:
        raise InputError(f"--engine {engine!r}: use {', '.join(ENGINES)}")
    dataset = store.local_dataset("validate")
    shapes_graph = load_shapes(shapes)
    if not getattr(store, "allow_service", False):
        # pyshacl runs SPARQL-based constraints in rdflib, which follows SERVICE clauses too.
        for predicate in (SH.select, SH.ask, SH.construct, SH.update):
            for text in shapes_graph.objects(None, predicate):
                refuse_service(str(text), "the embedded store (a SPARQL constraint of the shapes)")
    engines = {
        "fast": lambda: _validate_fast(store, dataset, shapes_graph),
        "pyshacl": lambda: _validate_with_pyshacl(dataset, shapes_graph),
    }
    return engines[engine]()


def _validate_fast(store: Store, dataset: LocalDataset, shapes_graph: Graph) -> ValidationReport:
    """The fast engine: each constraint one SPARQL query in the store (:mod:`.shacl`)."""
    # In the store's worker: on a damaged on-disk database a query may loop; the worker says so.
    results = store.bounded(lambda: validate_store(store, shapes_graph), None)
    found = [
        (
            result.focus,
            Finding(
                severity=result.severity,
                focus=str(result.focus),
                focus_label="",
                path=_path_text(shapes_graph, result.path),
                message=result.message,
                value=str(result.value) if result.value is not None else "",
            ),
        )
        for result in results
    ]
    report = _report(store, found, len(dataset))
    report.ill_typed = ill_typed_literals(store)
    report.graph = report_graph(results, report.conforms, shapes_graph)
    return report


def _path_text(shapes: Graph, path: Node | None) -> str:
    """A result's path as people read it: a CURIE, or a SPARQL property path for a complex one."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return shorten(path)
    return path_as_sparql(shapes, path)


def ill_typed_literals(store: Store) -> list[Literal]:
    """Up to 100 literals whose lexical form their own XSD datatype does not allow
    (``"abc"^^xsd:integer``): SHACL's sh:datatype fails them, and a report says which they are."""
    types = sorted(CHECKED_BY_CAST, key=str)
    listed = ", ".join(f"<{t}>" for t in types)
    casts = " || ".join(f"(DATATYPE(?value) = <{t}> && isLiteral(<{t}>(STR(?value))))" for t in types)
    rows = store.select(package_query("validation-ill-typed", DATATYPES=listed, WELL_FORMED=f"({casts})")).rows
    literals = [cast(Literal, row["value"]) for row in rows]
    return sorted(literals, key=lambda term: (str(term.datatype), str(term)))


def _report(store: Store, found: list[tuple[Node, Finding]], triples: int) -> ValidationReport:
    """The report of the findings, each named by its focus node's label (English first)."""
    labels: dict[Node, str] = {}
    for node, _ in found:
        if node not in labels:
            # Literals have no label; blank nodes cannot be bound into a query by name.
            rows = store.select(LABEL_QUERY, {"focus": node}).rows if isinstance(node, URIRef) else []
            labels[node] = str(rows[0]["label"]) if rows else ""
    named = [dataclasses.replace(finding, focus_label=labels[node]) for node, finding in found]
    named.sort(key=lambda f: (f.severity != "Violation", f.focus_label or f.focus, f.path, f.message))
    return ValidationReport(not named, named, triples)


def _validate_with_pyshacl(dataset: LocalDataset, shapes: Graph) -> ValidationReport:
    """The reference engine: pyshacl on the dataset read into rdflib."""
    import pyshacl

    data = dataset.to_rdflib()  # its xsd:string literals simple ones, as rdflib writes them
    # allow_warnings stays off: with it, pyshacl answers conforms for a report of warnings,
    # where SHACL conforms only with no results at all (SHACL 3.6.1).
    conforms, results, _ = pyshacl.validate(data, shacl_graph=_simple_strings(shapes), inference="none", advanced=True)
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        found.append(
            (
                focus,
                Finding(
                    severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                    focus=str(focus),
                    focus_label="",
                    path=shorten(path) if path is not None else "",
                    message=str(results.value(result, SH.resultMessage) or ""),
                    value=str(results.value(result, SH.value) or ""),
                ),
            )
        )
    report = _report(dataset, found, len(dataset))
    report.conforms = bool(conforms)
    report.ill_typed = ill_typed_literals(dataset)
    report.graph = results
    return report


def _simple_strings(shapes: Graph) -> Graph:
    """``shapes`` with each ``"x"^^xsd:string`` written ``"x"``: one RDF term, which rdflib (and so
    pyshacl's ``sh:in`` and ``sh:hasValue``) would tell apart from the data's."""
    typed = [(s, p, o) for s, p, o in shapes if isinstance(o, Literal) and o.datatype == XSD.string]
    if not typed:
        return shapes
    plain = Graph()
    for prefix, namespace in shapes.namespaces():
        plain.bind(prefix, namespace)
    for s, p, o in shapes:
        plain.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return plain
