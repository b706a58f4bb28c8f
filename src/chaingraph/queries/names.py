"""Resolve what a user types (an IRI, a CURIE, an English or Chinese name) to the IRI it means.

Matching is case-insensitive over ``rdfs:label``, ``skos:prefLabel`` and ``skos:altLabel`` in any
language, and over the IRI's local name. No match, or several, is an error with suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote

from rdflib import Literal, URIRef

from ..errors import UnknownNameError
from ..sparql import iri_term
from ..store import Store
from ..vocab import ORGANIZATION_CLASSES, PLACE_CLASSES, curies, expand_curie, local_name, shorten_iri
from .texts import package_query

__all__ = [
    "CHAIN",
    "FIRM",
    "KINDS",
    "MEASURE",
    "PLACE",
    "RESOURCE",
    "STAGE",
    "NameKind",
    "StatedNames",
    "as_iri",
    "expand_curie",
    "resolve",
    "resolve_chains",
    "shorten",
]

_CANDIDATES = "names-candidates"

_EXACT = "names-exact"

_IS_A = "names-is-a"


@dataclass(frozen=True)
class NameKind:
    """A kind of name the command line accepts, and the classes its things belong to."""

    noun: str
    classes: str

    def query(self, name: str) -> str:
        """The package query ``name`` with this kind's classes in its slot."""
        return package_query(name, classes=self.classes)


class StatedNames(Protocol):
    """Names stated beside the store's RDF (the sheets a command joins to it: see
    :class:`chaingraph.projection.source.NetworkSource`), found by the same rule as the graph's."""

    def names(self, kind: str) -> Mapping[str, Sequence[str]]:
        """The things of ``kind`` (``firm``, ``place``, ``chain``, ``stage``) stated, each with its names."""
        ...


FIRM = NameKind("firm", curies(ORGANIZATION_CLASSES))
PLACE = NameKind("place", curies(PLACE_CLASSES))
CHAIN = NameKind("chain", "cg:IndustrialChain")
STAGE = NameKind("stage", "cg:ChainStage")


def as_iri(text: str) -> str | None:
    """The IRI ``text`` spells directly (``<...>``, ``http(s)://...``, ``urn:...`` or a CURIE)."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://", "urn:", "file:")):
        return text
    return expand_curie(text)


def resolve(store: Store, text: str, kind: NameKind, sheets: StatedNames | None = None) -> URIRef:
    """The one resource of ``kind`` that ``text`` names; raises :class:`UnknownNameError` otherwise.

    With ``sheets`` (what a command joins to the store), what they name is found too, by the same
    rule: the things a sheet states are found as if it had been imported.
    """
    stated = _stated(sheets, kind)
    iri = as_iri(text)
    if iri is not None:
        if iri in stated or store.ask(kind.query(_IS_A), {"thing": iri_term(iri)}):
            return URIRef(iri)
        raise UnknownNameError(kind.noun, text, _suggest(store, text, kind, sheets))
    # The needle is a plain literal, so LCASE needs no STR(): Virtuoso's STR() of a bound
    # non-ASCII literal loses its characters.
    found = [row["thing"] for row in store.select(kind.query(_EXACT), {"needle": Literal(text)}).rows]
    needle = text.lower()
    found += [URIRef(thing) for thing, names in stated.items() if any(name.lower() == needle for name in names)]
    found = list(dict.fromkeys(URIRef(str(thing)) for thing in found))
    if not found:
        candidates = _candidates(store, kind, sheets)
        # A sheet's id is percent-encoded into its IRI ("Panel One" -> ...Panel%20One): the id as
        # the user wrote it names the firm too.
        local = [c for c, names in candidates.items() if unquote(local_name(c)).lower() == text.lower()]
        found = [URIRef(c) for c in local]
    if len(found) == 1:
        return URIRef(str(found[0]))
    if len(found) > 1:
        raise UnknownNameError(kind.noun, text, sorted(str(f) for f in found), ambiguous=True)
    raise UnknownNameError(kind.noun, text, _suggest(store, text, kind, sheets))


def _candidates(store: Store, kind: NameKind, sheets: StatedNames | None) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for row in store.select(kind.query(_CANDIDATES)).rows:
        names.setdefault(str(row["thing"]), []).append(str(row["name"]))
    for thing, stated in _stated(sheets, kind).items():
        names.setdefault(thing, []).extend(stated)
    return names


def _stated(sheets: StatedNames | None, kind: NameKind) -> Mapping[str, Sequence[str]]:
    """What ``sheets`` name of ``kind`` (nothing without sheets)."""
    return sheets.names(kind.noun) if sheets is not None else {}


def _suggest(store: Store, text: str, kind: NameKind, sheets: StatedNames | None, limit: int = 3) -> list[str]:
    by_name: dict[str, str] = {}
    for thing, names in _candidates(store, kind, sheets).items():
        for name in [*names, local_name(thing)]:
            by_name.setdefault(name.lower(), name)
    close = difflib.get_close_matches(text.lower(), list(by_name), n=limit, cutoff=0.5)
    if not close:
        close = [key for key in by_name if text.lower() in key][:limit]
    return [by_name[key] for key in close]


_CHAINS_IN_PLACE = package_query("names-chains-in-place")


def resolve_chains(store: Store, text: str, sheets: StatedNames | None = None) -> list[URIRef]:
    """The chains ``text`` names: one chain (id, label or IRI), or every chain of a region.

    ``ningde`` names the chains whose region lies in Ningde, ``fujian`` every chain of the province.
    """
    try:
        return [resolve(store, text, CHAIN, sheets)]
    except UnknownNameError as chain_error:
        try:
            place = resolve(store, text, PLACE, sheets)
        except UnknownNameError as place_error:
            if chain_error.suggestions and not place_error.suggestions:
                raise chain_error from None
            suggestions = list(dict.fromkeys(chain_error.suggestions + place_error.suggestions))[:4]
            # Nothing close: say which chains there are (and that a region names all of its own).
            known = sorted(local_name(chain) for chain in _candidates(store, CHAIN, sheets))
            known = [*known[:8], "or a region such as fujian"] if known else []
            raise UnknownNameError("chain or region", text, suggestions, known=known) from None
    chains = [row["chain"] for row in store.select(_CHAINS_IN_PLACE, {"place": place}).rows]
    if not chains:
        raise UnknownNameError("chain", text, [], ambiguous=False)
    return sorted(URIRef(str(chain)) for chain in chains)


MEASURE = NameKind("measure", "cg:Measure")
RESOURCE = NameKind("subject", f"{FIRM.classes} {PLACE.classes} cg:IndustrialChain cg:ProductOrService")

#: The name kinds a named query's parameter can take, by the type word in its header.
KINDS: dict[str, NameKind] = {
    "firm": FIRM,
    "place": PLACE,
    "chain": CHAIN,
    "measure": MEASURE,
    "resource": RESOURCE,
}


def shorten(term: object) -> str:
    """An IRI as a CURIE where a predeclared prefix fits (:func:`chaingraph.vocab.shorten_iri`);
    other terms as their text."""
    return shorten_iri(str(term)) if isinstance(term, URIRef) else str(term)
