"""Names of firms: one firm however its sheets and the graph spell it, two firms never merged.

The ground floor of name resolution (see docs/architecture.md): keys that two spellings of one
firm share (:func:`name_key`, :func:`compatible`), identifiers that decide (:func:`identifier_key`),
and scored candidates that only the user may merge (:func:`candidate_pairs`).
"""

from __future__ import annotations

from ._candidates import Candidate, candidate_pairs, stripped_core
from ._decisions import Decision, Decisions, read_decisions
from ._gazetteer import divisions, short_division_name
from ._identifiers import identifier_key
from ._index import NameIndex, exact_form
from ._keys import NameKey, compatible, name_key, simplified
from ._products import ProductVocabulary, StagesFromProducts, product_form, stages_from_products

__all__ = [
    "Candidate",
    "Decision",
    "Decisions",
    "NameIndex",
    "NameKey",
    "ProductVocabulary",
    "StagesFromProducts",
    "candidate_pairs",
    "compatible",
    "divisions",
    "exact_form",
    "identifier_key",
    "name_key",
    "product_form",
    "read_decisions",
    "short_division_name",
    "simplified",
    "stages_from_products",
    "stripped_core",
]
