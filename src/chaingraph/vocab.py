"""Namespaces and the IRIs of the ontology's terms, so no other module spells an IRI."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from .settings import (  # their home is settings (no rdflib there, for the command line); kept here too
    EVIDENCE_LEVELS as EVIDENCE_LEVELS,
)
from .settings import LANGUAGES as LANGUAGES
from .settings import LEVELS as LEVELS
from .settings import VIEW_LAYOUTS as VIEW_LAYOUTS
from .settings import check_language as check_language
from .settings import check_level as check_level
from .settings import name_in as name_in
from .settings import name_of as name_of

__all__ = [
    "CG",
    "CURRENCY",
    "DCTERMS",
    "DERIVED_INTEGER_TYPES",
    "EVIDENCE_LEVELS",
    "FJ",
    "GRAPH",
    "IMPORT",
    "INFERENCE_KINDS",
    "KIND_BY_CLASS",
    "LANGUAGES",
    "LEVELS",
    "ORG",
    "ORGANIZATION_CLASSES",
    "PLACE_CLASSES",
    "PLACE_CLASS_BY_KIND",
    "PLACE_LEVELS",
    "PREFIXES",
    "QUDT",
    "SCHEMA",
    "SOURCE",
    "STATED",
    "UNIT",
    "VIEW_LAYOUTS",
    "WD",
    "WRITTEN_PREFIXES",
    "check_language",
    "check_level",
    "curies",
    "evidence_level",
    "expand_curie",
    "local_name",
    "name_in",
    "name_of",
    "prefix_block",
    "shorten_iri",
]

CG = Namespace("https://w3id.org/chaingraph/ontology#")
FJ = Namespace("https://w3id.org/chaingraph/fujian/")
SOURCE = Namespace("https://w3id.org/chaingraph/source/")
GRAPH = Namespace("https://w3id.org/chaingraph/graph/")
IMPORT = Namespace("https://w3id.org/chaingraph/import/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CURRENCY = Namespace("http://qudt.org/vocab/currency/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Prefixes predeclared for every query and accepted in CURIEs on the command line.
PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "fj": str(FJ),
    "src": str(SOURCE),
    "imp": str(IMPORT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "dcterms": str(DCTERMS),
    "unit": str(UNIT),
    "cur": str(CURRENCY),
    "qudt": str(QUDT),
    "wd": str(WD),
}

#: Prefixes of the Turtle and TriG chaingraph writes: the namespaces whose local names stay readable
#: (imported ids are percent-encoded, so ``imp:`` would shorten nothing a person reads).
WRITTEN_PREFIXES: dict[str, str] = {
    name: PREFIXES[name] for name in ("cg", "fj", "rdfs", "skos", "prov", "xsd", "qudt", "unit", "cur")
}


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its ``#``, ``/`` or ``:`` (for labels of unnamed things)."""
    for separator in ("#", "/", ":"):
        if separator in iri.rstrip(separator):
            return iri.rstrip(separator).rsplit(separator, 1)[1]
    return iri


#: Classes whose members are organizations (nodes of the supply network), most general last.
ORGANIZATION_CLASSES = (
    CG.Company,
    CG.IndustryAssociation,
    CG.ResearchInstitute,
    CG.GovernmentBody,
    CG.ClusterSegment,
    CG.Organization,
)
#: Classes whose members are places, most general first. Queries list them rather than follow
#: ``rdfs:subClassOf*``, so they answer the same on a server that was loaded without the ontology.
PLACE_CLASSES = (
    CG.Place,
    CG.Country,
    CG.Province,
    CG.PrefectureLevelCity,
    CG.CountyLevelCity,
    CG.County,
    CG.IndustrialPark,
)
#: The class of a place of each kind an address may name (:mod:`chaingraph.sheets.places`).
PLACE_CLASS_BY_KIND = {
    "country": CG.Country,
    "province": CG.Province,
    "prefecture": CG.PrefectureLevelCity,
    "county": CG.County,
}
#: The level each place class stands for (``--region`` and the reports read places by it).
PLACE_LEVELS: dict[str, str] = {
    str(CG.CountyLevelCity): "county",
    str(CG.County): "county",
    str(CG.PrefectureLevelCity): "prefecture",
    str(CG.Province): "province",
    str(CG.Country): "country",
    str(CG.IndustrialPark): "park",
}


def expand_curie(text: str) -> str | None:
    """``cg:Company`` -> its full IRI, for the prefixes chaingraph predeclares; else ``None``.

    >>> expand_curie("fj:catl")
    'https://w3id.org/chaingraph/fujian/catl'
    >>> expand_curie("https://example.org/x") is None
    True
    """
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


def shorten_iri(iri: str) -> str:
    """An IRI as a CURIE where a predeclared prefix fits (``cg:Place``), else as it is.

    >>> shorten_iri("https://w3id.org/chaingraph/ontology#Place"), shorten_iri("urn:x")
    ('cg:Place', 'urn:x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if all(ch.isalnum() or ch in "-_." for ch in local):
                return f"{prefix}:{local}"
    return iri


def curies(terms) -> str:
    """Terms as space-separated CURIEs for a constant ``VALUES`` list in a module's query text."""
    names = {iri: name for name, iri in PREFIXES.items()}
    written = []
    for term in terms:
        namespace = next(ns for ns in sorted(names, key=len, reverse=True) if str(term).startswith(ns))
        written.append(f"{names[namespace]}:{str(term)[len(namespace) :]}")
    return " ".join(written)


# Node kinds of the projection, from the class of the resource.
KIND_BY_CLASS: dict[str, str] = {
    str(CG.Company): "firm",
    str(CG.IndustryAssociation): "association",
    str(CG.ResearchInstitute): "institute",
    str(CG.GovernmentBody): "government",
    str(CG.Organization): "organization",
    str(CG.ClusterSegment): "segment",
    str(CG.ChainStage): "stage",
}


def prefix_block() -> str:
    """The PREFIX declarations of :data:`PREFIXES`, for servers that need them in the text."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


#: The inference kinds chaingraph's own data and shapes know, by the short name the CLI shows.
INFERENCE_KINDS: dict[str, str] = {
    str(CG.InferredFromStages): "from stages",
    str(CG.InferredFromClusterClaim): "from a cluster claim",
    str(CG.InferredInSource): "in the source table",
}


#: ``cg:Stated`` as text: compared once per qualified relation read (an rdflib namespace lookup
#: each time cost 2.5 s over 342k relations).
STATED = str(CG.Stated)


def evidence_level(evidence: str | None, inferred_from_stages: str | None = None) -> str:
    """The level (one of :data:`EVIDENCE_LEVELS`) of one qualified relation, from the lexical
    values of its ``cg:evidence`` and deprecated ``cg:inferredFromStages``."""
    if evidence == STATED:
        return "stated"
    if evidence is not None or inferred_from_stages in ("true", "1"):
        return "inferred"
    return "unspecified"


#: XML Schema's integer types derived from ``xsd:integer`` (the sized and the signed ones), by
#: local name: numbers wherever terms are ordered, and types Oxigraph stores as ``xsd:integer``.
DERIVED_INTEGER_TYPES = (
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "negativeInteger",
    "nonPositiveInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
)
