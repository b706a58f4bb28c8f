"""Validation of the graph against the ontology's SHACL shapes: ``report`` is the verb and its
result, ``shacl`` the fast SHACL Core engine on the store (pyshacl is the other engine)."""

from __future__ import annotations

from .report import ENGINES, Finding, ValidationReport, validate

__all__ = ["ENGINES", "Finding", "ValidationReport", "validate"]
