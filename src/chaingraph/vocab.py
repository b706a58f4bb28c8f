"""Namespaces and the IRIs of the ontology's terms, so no other module spells an IRI."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

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
    "wd": str(WD),
}

#: Prefixes of the Turtle and TriG chaingraph writes: the namespaces whose local names stay readable
#: (imported ids are percent-encoded, so ``imp:`` would shorten nothing a person reads).
WRITTEN_PREFIXES: dict[str, str] = {name: PREFIXES[name] for name in ("cg", "fj", "rdfs", "skos", "prov", "xsd")}


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
    CG.IndustrialPark,
)


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


#: The evidence levels of an edge, strongest first. A qualified relation is ``stated`` when its
#: ``cg:evidence`` is ``cg:Stated`` and ``inferred`` with any other level (every other
#: ``cg:EvidenceLevel`` is a kind of inference, or with the deprecated ``cg:inferredFromStages
#: true``); an edge with no qualified relation, or none that gives its evidence, is ``unspecified``.
EVIDENCE_LEVELS = ("stated", "inferred", "unspecified")

#: The languages names are shown in: English (``label``, ``@en``) and Chinese (``label_zh``, ``@zh-Hans``).
LANGUAGES = ("en", "zh")


def name_in(english: str, chinese: str, lang: str, default: str = "") -> str:
    """The name to show in ``lang``: the Chinese one in ``zh`` when there is one, else the
    English one, else ``default``. The one place the language choice is made."""
    if lang == "zh" and chinese:
        return chinese
    return english or default


def check_language(lang: str) -> None:
    """Refuse a language that is not one of :data:`LANGUAGES`, naming the option."""
    if lang not in LANGUAGES:
        from .errors import InputError

        raise InputError(f"--lang {lang!r}: use {' or '.join(LANGUAGES)}")


def name_of(info: Mapping, lang: str, default: str = "") -> str:
    """:func:`name_in` for a record with ``label`` and ``label_zh`` (a chain, a place, a stage)."""
    return name_in(info.get("label", "") or default, info.get("label_zh", ""), lang)


#: The levels a network is analysed at: one node per firm (organization or cluster segment), or
#: one per chain stage.
LEVELS = ("firm", "stage")


#: The layouts of a view, with what each does (``--layout``'s choices and help).
VIEW_LAYOUTS = {
    "auto": "stages when the nodes have chain stages, else physics (layered above 800 nodes)",
    "stages": "stages as columns in chain order, upstream left, one lane per chain",
    "physics": "a force-directed layout that settles in the browser",
    "hierarchical": "vis-network's levels by supply depth, left to right",
    "layered": "supply layers from upstream, computed in Python",
}


def check_level(level: str) -> None:
    """Refuse a level that is not one of :data:`LEVELS`, naming the option."""
    if level not in LEVELS:
        from .errors import InputError

        raise InputError(f"--level {level!r}: use {' or '.join(LEVELS)}")


#: The inference kinds chaingraph's own data and shapes know, by the short name the CLI shows.
INFERENCE_KINDS: dict[str, str] = {
    str(CG.InferredFromStages): "from stages",
    str(CG.InferredFromClusterClaim): "from a cluster claim",
}


def evidence_level(evidence: str | None, inferred_from_stages: str | None = None) -> str:
    """The level (one of :data:`EVIDENCE_LEVELS`) of one qualified relation, from the lexical
    values of its ``cg:evidence`` and deprecated ``cg:inferredFromStages``."""
    if evidence == str(CG.Stated):
        return "stated"
    if evidence is not None or inferred_from_stages in ("true", "1"):
        return "inferred"
    return "unspecified"
