"""SHACL validation of the graph against chaingraph's shapes, as a report a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from . import resources
from .store import EmbeddedStore


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
    conforms: bool
    findings: list[Finding]
    triples: int

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]


def load_shapes() -> Graph:
    return Graph().parse(resources.shapes_path(), format="turtle")


def validate(store: EmbeddedStore) -> ValidationReport:
    """Validate everything in the embedded store (ontology included, so subclasses count)."""
    data = store.to_rdflib()
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=load_shapes(), inference="none", advanced=True, allow_warnings=True
    )
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        label = data.value(focus, RDFS.label) if focus is not None else None
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=str(focus),
                focus_label=str(label) if label is not None else "",
                path=_short(data, path),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=str(results.value(result, SH.value) or ""),
            )
        )
    findings.sort(key=lambda f: (f.severity != "Violation", f.focus_label or f.focus, f.path, f.message))
    return ValidationReport(bool(conforms), findings, len(data))


def _short(graph: Graph, path) -> str:
    """A property path as a CURIE where a prefix is known; complex paths as their IRI text."""
    if path is None:
        return ""
    try:
        return graph.namespace_manager.normalizeUri(path)
    except Exception:  # blank-node paths (sequences, alternatives) have no CURIE
        return str(path)
