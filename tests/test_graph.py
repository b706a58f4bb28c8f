"""The bundled Fujian graph: true to its sources, complete, and every fact traceable."""

from __future__ import annotations

import csv

import pytest
from rdflib import URIRef

from chaingraph.projection.read import project

from .conftest import ROOT, SHARED, fj, require

ENTITIES = {
    # local name: English label the sources use
    "catl": "CATL",
    "skeqi": "Ningde Skeqi Engineering Automation",
    "hifen": "Hifen Testing Technology",
    "good-one": "Fujian Good One Technology",
    "want-want": "Want Want Foods",
    "shuangchi": "Shuangchi Technology",
    "putian-footwear-association": "Putian Footwear Industry Association",
    "putian-footwear-research-institute": "Putian Footwear and Apparel Industry Research Institute",
    "quanzhou-industry-bureau": "Quanzhou Bureau of Industry and Information Technology",
    "fujian": "Fujian",
    "ningde": "Ningde",
    "fuding": "Fuding",
    "quanzhou": "Quanzhou",
    "jinjiang": "Jinjiang",
    "putian": "Putian",
    "xiamen": "Xiamen",
    "sanming": "Sanming",
    "jinjiang-ic-park": "Jinjiang integrated circuit industrial park",
}

LABELS = """
SELECT ?en ?zh WHERE {
  ?thing rdfs:label ?en FILTER(LANGMATCHES(LANG(?en), "en"))
  ?thing rdfs:label ?zh FILTER(LANGMATCHES(LANG(?zh), "zh-Hans"))
}"""


@pytest.mark.parametrize(("local", "english"), sorted(ENTITIES.items()))
def test_entity_has_english_and_chinese_label(store, local, english):
    rows = store.select(LABELS, {"thing": URIRef(fj(local))}).rows
    assert english in {str(r["en"]) for r in rows}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(r["zh"])) for r in rows)
    assert rows, f"{local} has no zh-Hans label"


LOCATIONS = [
    ("catl", "ningde"),
    ("skeqi", "ningde"),
    ("hifen", "ningde"),
    ("good-one", "jinjiang-ic-park"),
    ("jinjiang-ic-park", "jinjiang"),
    ("jinjiang", "quanzhou"),
    ("quanzhou", "fujian"),
    ("fuding", "ningde"),
    ("want-want", "jinjiang"),
    ("shuangchi", "putian"),
    ("putian-footwear-association", "putian"),
    ("xiamen", "fujian"),
    ("sanming", "fujian"),
    ("ningde", "fujian"),
]


@pytest.mark.parametrize(("thing", "place"), LOCATIONS)
def test_located_where_the_sources_say(store, thing, place):
    assert store.ask("ASK { ?thing cg:locatedIn ?place }", {"thing": URIRef(fj(thing)), "place": URIRef(fj(place))})


def test_located_in_is_transitive_from_park_to_province(store):
    assert store.ask("ASK { fj:good-one cg:locatedIn+ fj:fujian }")
    assert store.ask("ASK { cg:locatedIn a owl:TransitiveProperty }")


def test_place_kinds(store):
    assert store.ask(
        "ASK { fj:jinjiang a cg:CountyLevelCity . fj:quanzhou a cg:PrefectureLevelCity ."
        " fj:fujian a cg:Province . fj:jinjiang-ic-park a cg:IndustrialPark }"
    )


def test_every_direct_supply_edge_has_a_sourced_qualified_relation(store):
    unsourced = store.select("""
        SELECT ?s ?c WHERE {
          { ?s cg:supplierOf ?c } UNION { ?c cg:clientOf ?s }
          FILTER NOT EXISTS { ?r cg:supplier ?s ; cg:client ?c ; prov:wasDerivedFrom ?source }
        }""").rows
    assert unsourced == []


@pytest.mark.parametrize(
    ("supplier", "client", "passage"),
    [
        ("skeqi", "catl", "fujian-chain-collaboration#p4"),
        ("hifen", "catl", "fujian-chain-collaboration#p5"),
        ("ningde-cathode-makers", "catl", "fujian-chain-collaboration#p3"),
        ("ningde-recyclers", "catl", "fujian-chain-collaboration#p3"),
    ],
)
def test_edges_the_articles_state(store, supplier, client, passage):
    rows = store.select(
        "SELECT ?source WHERE { ?r cg:supplier ?s ; cg:client ?c ; prov:wasDerivedFrom ?source }",
        {"s": URIRef(fj(supplier)), "c": URIRef(fj(client))},
    ).rows
    assert f"https://w3id.org/chaingraph/source/{passage}" in {str(r["source"]) for r in rows}


def test_hifen_edge_is_stated_from_the_client_side_and_projects_supplier_to_client(store):
    assert store.ask("ASK { fj:catl cg:clientOf fj:hifen }")
    graph = project(store)
    assert graph.has_edge(fj("hifen"), fj("catl"))
    assert not graph.has_edge(fj("catl"), fj("hifen"))


FIGURES = [
    # subject, measure, value, unit, period (None: the paragraph dates it not), passage
    ("ningde-lithium-battery", "firm-count", 80, "NUM", None, "fujian-chain-collaboration#p3"),
    ("ningde-lithium-battery", "local-sourcing-share", 80, "PERCENT", None, "fujian-chain-collaboration#p3"),
    ("ningde-lithium-battery", "above-scale-firm-count", 70, "NUM", "2024", "fujian-industry-and-consumption#p27"),
    ("ningde-lithium-battery", "output-value", 250.8e9, "CNY", "2024", "fujian-industry-and-consumption#p27"),
    ("ningde-lithium-battery", "output-value", 147e9, "CNY", "2025-H1", "fujian-industry-and-consumption#p27"),
    ("jinjiang-integrated-circuit", "project-count", 50, "NUM", None, "fujian-chain-collaboration#p8"),
    ("jinjiang-integrated-circuit", "total-investment", 100e9, "CNY", None, "fujian-chain-collaboration#p8"),
    ("catl", "global-market-share", 37.9, "PERCENT", "2024", "fujian-industry-and-consumption#p21"),
    ("catl", "vehicles-served", 19.25e6, "NUM", "2024", "fujian-industry-and-consumption#p21"),
    ("catl", "countries-served", 66, "NUM", "2024", "fujian-industry-and-consumption#p21"),
    ("product-qilin-battery", "energy-density", 255, "W-HR-PER-KiloGM", None, "fujian-industry-and-consumption#p22"),
    ("want-want", "invention-patents", 31, "NUM", None, "fujian-industry-and-consumption#p16"),
    ("want-want", "utility-patents", 109, "NUM", None, "fujian-industry-and-consumption#p16"),
    ("want-want", "design-patents", 266, "NUM", None, "fujian-industry-and-consumption#p16"),
    ("want-want", "new-products-per-year", 50, "NUM", None, "fujian-industry-and-consumption#p16"),
    ("putian-footwear", "output-value", 100e9, "CNY", "2024", "fujian-industry-and-consumption#p11"),
    # the share sentence is in the present tense: "in 2024" dates the output figures before it
    ("putian-footwear", "share-of-provincial-shoe-output", 30, "PERCENT", None, "fujian-industry-and-consumption#p11"),
    ("putian-footwear", "share-of-national-shoe-output", 10, "PERCENT", None, "fujian-industry-and-consumption#p11"),
    ("fujian", "national-cluster-count", 4, "NUM", None, "fujian-chain-collaboration#p9"),
    ("fujian", "provincial-cluster-count", 17, "NUM", None, "fujian-chain-collaboration#p9"),
    ("fujian", "high-tech-enterprise-count", 14500, "NUM", None, "fujian-chain-collaboration#p9"),
    ("fujian", "grp-growth", 5.7, "PERCENT", "2025-H1", "fujian-industry-and-consumption#p1"),
    ("fujian", "retail-sales", 1.256e12, "CNY", "2025-H1", "fujian-industry-and-consumption#p1"),
    ("fuding-lithium-battery-base", "land-approved", 2064, "AC", None, "fujian-industry-and-consumption#p26"),
    ("fuding-lithium-battery-base", "land-acquired", 8000, "AC", None, "fujian-industry-and-consumption#p26"),
]

FIGURE = """
SELECT ?value ?unit ?period ?source WHERE {
  ?o a cg:Observation ; cg:subject ?subject ; cg:measure ?measure ; cg:value ?value ; cg:unit ?unit ;
     prov:wasDerivedFrom ?source .
  OPTIONAL { ?o cg:period ?period }
}"""


@pytest.mark.parametrize(("subject", "measure", "value", "unit", "period", "passage"), FIGURES)
def test_figure_is_an_observation_with_unit_period_and_source(store, subject, measure, value, unit, period, passage):
    rows = store.select(FIGURE, {"subject": URIRef(fj(subject)), "measure": URIRef(fj("measure-" + measure))}).rows
    matching = [r for r in rows if (str(r["period"]) if r.get("period") is not None else None) == period]
    assert matching, f"no {measure} of {subject} for {period}"
    row = matching[0]
    assert float(row["value"].toPython()) == pytest.approx(value)
    assert str(row["unit"]).endswith("/" + unit)
    assert str(row["source"]).endswith(passage)


def test_every_cited_paragraph_exists_in_its_source():
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    from chaingraph.store import open_store

    store = open_store()
    rows = store.select(
        "SELECT DISTINCT ?passage ?n ?id WHERE { ?x prov:wasDerivedFrom ?passage ."
        " ?passage cg:paragraph ?n ; dcterms:isPartOf/cg:sourceId ?id }"
    ).rows
    assert len(rows) > 30
    for row in rows:
        lines = (SHARED / "sources" / f"{row['id']}.txt").read_text(encoding="utf-8").splitlines()
        assert 1 <= int(row["n"]) <= len(lines), row


@pytest.mark.parametrize(
    ("passage", "words"),
    [
        ("fujian-chain-collaboration#p4", ["Skeqi", "production lines", "CATL"]),
        ("fujian-chain-collaboration#p5", ["Hifen", "CATL is one of their clients"]),
        ("fujian-chain-collaboration#p3", ["80 companies", "80%", "cathodes"]),
        ("fujian-industry-and-consumption#p27", ["250.8 billion", "147 billion", "27.3%", "70 above-scale"]),
        ("fujian-industry-and-consumption#p21", ["37.9%", "19.25 million", "66 countries"]),
    ],
)
def test_cited_paragraph_states_the_fact(passage, words):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    source, paragraph = passage.split("#p")
    line = (SHARED / "sources" / f"{source}.txt").read_text(encoding="utf-8").splitlines()[int(paragraph) - 1]
    for word in words:
        assert word in line


def test_public_relations_edges_carry_url_and_period(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    with open(SHARED / "sources" / "public-relations.csv", encoding="utf-8") as handle:
        listed = {(row["source_url"], row["period"]) for row in csv.DictReader(handle)}
    # A period that dates control ("majority-controlled since 2015") dates the ownership the page
    # reports, not the supply: it is on the qualified ownership, and the supply stays undated.
    control = {pair for pair in listed if "controlled" in pair[1]}
    rows = store.select(
        "SELECT ?url ?period WHERE { GRAPH <https://w3id.org/chaingraph/graph/public-relations> {"
        " ?r a cg:SupplyRelation ; prov:wasDerivedFrom ?url ; cg:period ?period } }"
    ).rows
    assert {(str(r["url"]), str(r["period"])) for r in rows} == listed - control
    stakes = store.select(
        "SELECT ?url ?stake WHERE { ?o a cg:Ownership ; prov:wasDerivedFrom ?url ; cg:stake ?stake }"
    ).rows
    for url, period in control:
        assert any(str(r["url"]) == url and period in str(r["stake"]) for r in stakes), (url, period)


def test_wikidata_links_only_for_verified_ids(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    with open(SHARED / "sources" / "identifiers.csv", encoding="utf-8") as handle:
        verified = {row["wikidata"] for row in csv.DictReader(handle) if row["wikidata"]}
    linked = {str(r["id"]).rsplit("/", 1)[1] for r in store.select("SELECT ?id WHERE { ?x owl:sameAs ?id }").rows}
    assert linked == verified


def test_each_bundled_file_is_its_own_named_graph(store):
    graphs = {str(r["g"]) for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows}
    for name in ("places", "organizations", "supply", "figures", "public-relations", "chains", "sources"):
        assert f"https://w3id.org/chaingraph/graph/{name}" in graphs


def test_ontology_aligns_with_standard_vocabularies(store):
    assert store.ask("ASK { cg:Organization rdfs:subClassOf schema:Organization , org:FormalOrganization }")
    assert store.ask(
        "ASK { cg:supplierOf owl:inverseOf cg:clientOf ; rdfs:subPropertyOf org:linkedTo ,"
        " <https://spec.industrialontologies.org/ontology/construct/suppliesToAtSomeTime> }"
    )
    assert store.ask(
        "ASK { cg:ChainStage rdfs:subClassOf skos:Concept . cg:IndustrialChain rdfs:subClassOf"
        " skos:ConceptScheme . cg:locatedIn rdfs:subPropertyOf schema:containedInPlace }"
    )
    undocumented = store.select("""
        SELECT ?term WHERE {
          GRAPH <https://w3id.org/chaingraph/graph/ontology> { ?term a ?type }
          FILTER(STRSTARTS(STR(?term), STR(cg:)))
          FILTER NOT EXISTS { ?term rdfs:label ?l ; rdfs:comment ?c FILTER(LANGMATCHES(LANG(?l), "en")) }
        }""").rows
    assert undocumented == []


def test_segments_are_not_invented_firms(store):
    assert store.ask(
        "ASK { fj:ningde-cathode-makers a cg:ClusterSegment FILTER NOT EXISTS"
        " { fj:ningde-cathode-makers a cg:Company } }"
    )


# --- the audit's rules, made checkable (issue 27) ---------------------------------------------

#: The hedge words of the articles and the comparator each one means (ontology.ttl's cg:Comparator).
HEDGES = {
    "as high as": "AtMost",
    "up to": "AtMost",
    "nearly": "JustUnder",
    "almost": "JustUnder",
    "over": "MoreThan",
    "more than": "MoreThan",
    "exceeding": "MoreThan",
    "within": "AtMost",
    "about": "Approximately",
    "approximately": "Approximately",
    "around": "Approximately",
}

CITED_FIGURES = """
SELECT ?figure ?value ?unit ?comparator ?period ?start ?end ?id ?n ?issued WHERE {
  ?figure a cg:Observation ; cg:value ?value ; cg:unit ?unit ; prov:wasDerivedFrom ?passage .
  ?passage cg:paragraph ?n ; dcterms:isPartOf ?source . ?source cg:sourceId ?id .
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?figure cg:comparator ?comparator }
  OPTIONAL { ?figure cg:period ?period }
  OPTIONAL { ?figure cg:periodStart ?start }
  OPTIONAL { ?figure cg:periodEnd ?end }
}"""


def _paragraph(source: str, number: int) -> str:
    return (SHARED / "sources" / f"{source}.txt").read_text(encoding="utf-8").splitlines()[number - 1]


def _sentences_with(paragraph: str, value: float, percent: bool = False) -> list[str]:
    """The sentences of a paragraph that write ``value`` (255, 1,000, 27.3%, 250.8 billion ...)."""
    import re

    written = {f"{value:g}", f"{value:,.0f}" if value == int(value) else f"{value:g}"}
    if percent:
        written = {f"{value:g}%"}
    for scale, word in ((1e9, "billion"), (1e6, "million"), (1e12, "trillion"), (1e8, "hundred million")):
        if value >= scale:
            written.add(f"{value / scale:g} {word}")
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", paragraph)
    return [s for s in sentences if any(re.search(rf"(?<![\d.,]){re.escape(w)}(?![\d]|,\d)", s) for w in written)]


def test_every_hedged_figure_keeps_its_comparator(store):
    """A figure whose sentence says "as high as 255" or "nearly 30%" carries the comparator that
    hedge means; one whose sentence hedges nothing carries none."""
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    import re

    checked = 0
    for row in store.select(CITED_FIGURES).rows:
        value = float(row["value"].toPython())
        percent = str(row["unit"]).endswith("PERCENT")
        for sentence in _sentences_with(_paragraph(str(row["id"]), int(row["n"])), value, percent):
            number = (f"{value:g}%" if percent else f"{value:g}") if value < 1e6 else None
            if number is None or number not in sentence.replace(",", ""):
                continue
            before = sentence.replace(",", "")[: sentence.replace(",", "").index(number)].lower()
            words = " ".join(before.split()[-3:])
            hedges = {c for h, c in HEDGES.items() if re.search(rf"\b{h}$", words)}
            given = str(row["comparator"]).rsplit("#", 1)[-1] if row.get("comparator") is not None else None
            if hedges:
                assert given in hedges, f"{row['figure']}: the sentence hedges ({words!r}), comparator {given}"
            checked += 1
            break
    assert checked > 20


def test_a_period_is_a_year_its_own_sentence_gives(store):
    """A figure's cg:period (and start and end) names a year written in the sentence that states
    its value; a period in the text's relative words has no start or end."""
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    import re

    for row in store.select(CITED_FIGURES).rows:
        if row.get("period") is None:
            assert row.get("start") is None and row.get("end") is None, row["figure"]
            continue
        years = re.findall(r"\b(?:19|20)\d\d\b", str(row["period"]))
        if not years:
            assert row.get("start") is None and row.get("end") is None, f"{row['figure']}: a relative period is undated"
            continue
        percent = str(row["unit"]).endswith("PERCENT")
        paragraph = _paragraph(str(row["id"]), int(row["n"]))
        sentences = _sentences_with(paragraph, float(row["value"].toPython()), percent)
        if not sentences:
            continue  # the value is written in words the finder does not read; the figure test checks it
        # "this year" or "last year" count as the year of a dated article (its dcterms:issued)
        issued = int(str(row["issued"])[:4]) if row.get("issued") is not None else None
        relative = {"this year": issued, "last year": issued - 1 if issued else None}
        sentences = sentences + [
            str(year) for phrase, year in relative.items() if year and any(phrase in t for t in sentences)
        ]
        assert any(year in sentence for year in years for sentence in sentences), (
            f"{row['figure']}: period {row['period']} is not in the sentence of its value: {sentences}"
        )


def test_an_event_period_names_a_year_of_its_paragraph(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    import re

    rows = store.select(
        "SELECT ?event ?period ?id ?n WHERE { ?event a cg:Milestone ; cg:period ?period ; prov:wasDerivedFrom ?p ."
        " ?p cg:paragraph ?n ; dcterms:isPartOf/cg:sourceId ?id }"
    ).rows
    assert rows
    for row in rows:
        paragraph = _paragraph(str(row["id"]), int(row["n"]))
        for year in re.findall(r"\b(?:19|20)\d\d\b", str(row["period"])):
            assert year in paragraph, f"{row['event']}: {row['period']} is not in its paragraph"
        if not re.search(r"\d", str(row["period"])):
            assert str(row["period"]) in paragraph, f"{row['event']}: a relative period in the text's own words"


def test_every_supplied_product_is_named_in_its_paragraph(store):
    """What a stated relation from an article says is supplied is a word of the paragraph it cites."""
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    rows = store.select(
        "SELECT ?relation ?product ?label ?id ?n WHERE { ?relation a cg:SupplyRelation ; cg:supplies ?product ;"
        " prov:wasDerivedFrom ?p . ?product rdfs:label ?label FILTER(LANG(?label) = 'en')"
        " ?p cg:paragraph ?n ; dcterms:isPartOf/cg:sourceId ?id }"
    ).rows
    assert rows
    named: dict[str, bool] = {}
    for row in rows:
        # One of the paragraphs a relation cites names what is supplied, in its label and its IRI.
        paragraph = _paragraph(str(row["id"]), int(row["n"])).lower()
        words = [w for w in str(row["label"]).lower().replace("-", " ").split() if len(w) > 3]
        local = [w for w in str(row["product"]).rsplit("/", 1)[-1].removeprefix("product-").split("-") if len(w) > 3]
        found = any(w.rstrip("s") in paragraph for w in words) and all(w.rstrip("s") in paragraph for w in local)
        key = f"{row['relation']} supplies {row['product']} ({row['label']})"
        named[key] = named.get(key, False) or found
    assert all(named.values()), [key for key, found in named.items() if not found]


def _verified_chinese_names() -> set[str]:
    """The Chinese names identifiers.csv gives: its Chinese column, and the names its notes give
    ("short name 宁德时代"); whole names, so a shortened form is not taken as verified."""
    import re

    with (SHARED / "sources" / "identifiers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    names = set()
    for row in rows[1:]:
        names.update(cell for cell in row if re.fullmatch(r"[\u3400-\u9fff（）、]+", cell.strip() or "-"))
        names.update(re.findall(r"[\u3400-\u9fff]+", ",".join(row[4:])))
    return names


def test_every_chinese_name_not_in_the_identifier_list_says_it_is_unverified():
    """identifiers.csv holds the verified Chinese names; any other Chinese label of the graph is a
    rendering, and its resource says so in a skos:editorialNote ("... not verified")."""
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    from rdflib import Graph
    from rdflib.namespace import RDFS, SKOS

    verified = _verified_chinese_names()
    graph = Graph()
    for path in sorted((ROOT / "graph").glob("*.ttl")):
        graph.parse(path, format="turtle")
    unmarked = []
    for predicate in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for subject, label in graph.subject_objects(predicate):
            if not (label.language or "").lower().startswith("zh") or str(label) in verified:
                continue
            notes = [str(note) for note in graph.objects(subject, SKOS.editorialNote)]
            if not any("not verified" in note for note in notes):
                unmarked.append(f"{subject} {label}")
    assert not unmarked, unmarked
