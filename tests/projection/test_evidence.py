"""Evidence levels: every supply statement says how its source supports it, and the paragraphs do.

The checks against the articles read ../shared/sources (skipped outside CI when it is absent).
"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import URIRef

from chaingraph import reports
from chaingraph.errors import InputError
from chaingraph.projection.read import project, project_columns
from chaingraph.projection.selection import Scope, Selection, evidence_counts, select, select_columns
from chaingraph.vocab import CG, EVIDENCE_LEVELS

from ..conftest import SHARED, fj, require

RELATIONS = """
SELECT ?relation ?supplier ?client ?evidence ?reason WHERE {
  ?relation a cg:SupplyRelation ; cg:supplier ?supplier ; cg:client ?client .
  OPTIONAL { ?relation cg:evidence ?evidence }
  OPTIONAL { ?relation cg:inferenceReason ?reason }
}"""

CITED_PARAGRAPHS = """
SELECT ?thing ?id ?n WHERE {
  ?thing prov:wasDerivedFrom ?passage .
  ?passage cg:paragraph ?n ; dcterms:isPartOf/cg:sourceId ?id .
}"""

NAMES = """
SELECT ?name WHERE { { ?thing rdfs:label ?name } UNION { ?thing skos:altLabel ?name }
  FILTER(LANGMATCHES(LANG(?name), "en")) }"""

FIGURES = """
SELECT ?observation ?value ?unit WHERE { ?observation a cg:Observation ; cg:value ?value ; cg:unit ?unit }"""


def paragraph(source_id: str, number: int) -> str:
    lines = (SHARED / "sources" / f"{source_id}.txt").read_text(encoding="utf-8").splitlines()
    return lines[number - 1].replace("\u2019", "'")


def cited(store, thing: str) -> list[str]:
    """The article paragraphs a resource cites, as text."""
    rows = store.select(CITED_PARAGRAPHS, {"thing": URIRef(thing)}).rows
    return [paragraph(str(row["id"]), int(row["n"])) for row in rows]


def words(text: str) -> set[str]:
    return {w.lower().removesuffix("'s").removesuffix("'") for w in re.findall(r"[\w'&-]+", text)}


def named_in(store, thing: str, text: str) -> bool:
    """Whether every word of one of the thing's English names or aliases is in ``text``."""
    found = words(text)
    names = [str(row["name"]) for row in store.select(NAMES, {"thing": URIRef(thing)}).rows]
    return any(words(name) <= found for name in names)


def test_every_qualified_relation_has_one_evidence_level(store):
    rows = store.select(RELATIONS).rows
    assert len(rows) >= 30
    for row in rows:
        assert row.get("evidence") is not None, row["relation"]
        if row["evidence"] != CG.Stated:
            assert row.get("reason"), f"{row['relation']} is inferred and gives no reason"


def test_the_audited_edges_are_not_read_as_stated(store):
    """The Ningde segments name no client; the Jinjiang IC edges follow the stage order."""
    inferred = {
        (str(row["supplier"]), str(row["client"]))
        for row in store.select(RELATIONS).rows
        if row.get("evidence") is not None and row["evidence"] != CG.Stated
    }
    for segment in ("cathode-makers", "anode-makers", "separator-makers", "electrolyte-makers", "recyclers"):
        assert (fj(f"ningde-{segment}"), fj("catl")) in inferred
    assert (fj("good-one"), fj("jinjiang-ic-manufacturers")) in inferred
    assert (fj("jinjiang-ic-design-firms"), fj("jinjiang-ic-manufacturers")) in inferred
    # The institute provides talent and the platforms are promoted: neither supplies the firms.
    graph = project(store)
    for name in ("putian-footwear-research-institute", "putian-procurement-platforms"):
        assert not graph.has_edge(fj(name), fj("putian-footwear-firms"))


def test_stated_edges_name_both_parties_in_their_paragraphs(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    checked = 0
    for row in store.select(RELATIONS).rows:
        if row.get("evidence") != CG.Stated:
            continue
        texts = cited(store, str(row["relation"]))
        if not texts:
            continue  # a press report cites its page, not an article paragraph
        for end in ("supplier", "client"):
            assert any(named_in(store, str(row[end]), text) for text in texts), (row["relation"], end)
        checked += 1
    assert checked >= 3  # Skeqi, Hifen and Want Want's suppliers, as the audit found


def test_names_are_matched_by_their_words():
    assert words("Want Want Foods' suppliers") <= words("Want Want Foods Chairman said they work with suppliers")
    assert not words("Ningde cathode material makers") <= words("from cathodes, anodes and separators")


# How the articles write some numbers in words.
SPOKEN = {
    ("PERCENT", 50.0): ["over half"],
    ("PERCENT", 20.0): ["one out of every five"],
    ("PERCENT", 33.3): ["one out of every three"],
    ("HR", 2.0): ["two hours"],
    ("NUM", 7.0): ["seven processes"],
    ("DAY", 7.0): ["seven days"],
    ("NUM", 1.0): ["ranked first"],
}


def written_forms(value: float, unit: str) -> list[str]:
    """The ways an article may write ``value``: digits with and without thousands separators,
    in billions, trillions or millions, or in words."""
    forms = [f"{value:g}", f"{value:,.0f}" if value == int(value) else f"{value:g}"]
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            forms.append(f"{value / size:g} {word}")
    return forms + SPOKEN.get((unit, value), [])


def test_every_figure_s_paragraph_contains_its_number(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    rows = store.select(FIGURES).rows
    assert len(rows) >= 39
    for row in rows:
        unit = re.split(r"[/#]", str(row["unit"]))[-1]
        forms = written_forms(float(row["value"].toPython()), unit)
        texts = cited(store, str(row["observation"]))
        assert texts, row["observation"]
        found = any(form.lower() in text.lower() for form in forms for text in texts)
        assert found, (str(row["observation"]), forms)


def test_periods_only_where_the_paragraph_gives_a_year(store):
    require((SHARED / "sources").is_dir(), "the shared sources folder beside the repository")
    rows = store.select("SELECT ?thing ?period WHERE { ?thing cg:period ?period }").rows
    for row in rows:
        texts = cited(store, str(row["thing"]))
        if not texts:
            continue  # a press report's period is the page's (public-relations.csv)
        found = re.search(r"[0-9]{4}", str(row["period"]))
        if found is None:  # a relative period stays in the text's own words
            assert any(str(row["period"]) in text for text in texts), (str(row["thing"]), str(row["period"]))
            continue
        year = found.group()
        # "this year" and "last year" are read only from an article that is dated (dcterms:issued):
        # the second article (August 2025); no source here dates the first.
        issued = {
            str(r["issued"])[:4]
            for r in store.select(
                "SELECT ?issued WHERE { ?thing prov:wasDerivedFrom/dcterms:isPartOf/dcterms:issued ?issued }",
                {"thing": row["thing"]},
            ).rows
        }
        relative = [
            words for words, offset in (("this year", 0), ("last year", 1)) if str(int(year) + offset) in issued
        ]
        stated = [year, *relative]
        assert any(words in text for words in stated for text in texts), (str(row["thing"]), str(row["period"]))


def test_evidence_filter_keeps_nodes_and_drops_other_edges(store):
    everything = project_columns(store)
    counts = evidence_counts(everything)
    assert set(counts) == set(EVIDENCE_LEVELS)
    assert counts["stated"] and counts["inferred"]
    assert sum(counts.values()) == everything.edge_count
    for level in EVIDENCE_LEVELS:
        chosen = select_columns(everything, Selection(evidence=frozenset([level])))
        assert len(chosen) == len(everything)
        assert chosen.edge_count == counts[level]
        assert evidence_counts(chosen)[level] == counts[level]
    # The NetworkX selection keeps the same edges.
    graph = select(project(store), Selection(evidence=frozenset(["stated"])))
    assert {d.get("evidence") for _, _, d in graph.edges(data=True)} == {"stated"}
    assert graph.number_of_edges() == counts["stated"]


def test_edges_without_a_qualified_relation_are_unspecified(run, tmp_path):
    data = tmp_path / "plain.ttl"
    data.write_text(
        "@prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        "<urn:x:a> a cg:Company ; cg:supplierOf <urn:x:b> . <urn:x:b> a cg:Company .\n",
        encoding="utf-8",
    )
    result = run("stats", "--data", str(data), "--evidence", "unspecified", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert {r["id"]: r["out_degree"] for r in records}["urn:x:a"] == 1
    assert "1 unspecified" in result.stderr


def test_stats_on_stated_edges_differs_from_all(run):
    stated = json.loads(run("stats", "--chain", "ningde", "--evidence", "stated", "--format", "json").stdout)
    every = json.loads(run("stats", "--chain", "ningde", "--format", "json").stdout)
    catl_stated = next(r for r in stated if r["label"] == "CATL")
    catl_all = next(r for r in every if r["label"] == "CATL")
    # The five cluster segments are inferred suppliers of CATL: five fewer with stated edges only.
    assert catl_all["in_degree"] - catl_stated["in_degree"] == 5
    assert {r["id"] for r in stated} == {r["id"] for r in every}


def test_impact_on_stated_edges_cuts_fewer_paths(run):
    stated = json.loads(run("impact", "CATL", "--evidence", "stated", "--format", "json").stdout)[0]
    every = json.loads(run("impact", "CATL", "--format", "json").stdout)[0]
    assert stated["reach_lost"] < every["reach_lost"]


def test_rdf_exports_refuse_an_evidence_filter(run):
    result = run("export", "--format", "ttl", "--evidence", "stated")
    assert result.exit_code == 2
    assert "--evidence" in result.output


def test_library_selection_refuses_an_unknown_level(store):
    with pytest.raises(InputError, match="--evidence 'maybe'"):
        reports.make_selection(store, Scope(evidence=["maybe"]))


# Ownership -----------------------------------------------------------------------------------


def test_ownership_is_its_own_sourced_relation(store):
    rows = store.select(
        "SELECT ?owner ?owned ?source WHERE { ?o a cg:Ownership ; cg:owner ?owner ; cg:owned ?owned ;"
        " prov:wasDerivedFrom ?source . ?owner cg:hasStakeIn|cg:controls ?owned }"
    ).rows
    pairs = {(str(r["owner"]), str(r["owned"])) for r in rows}
    assert (fj("catl"), fj("brunp")) in pairs
    assert (fj("fulin-precision"), fj("shenghua")) in pairs
    # A part stake is not control: Fulin Precision does not absorb Shenghua.
    assert not store.ask("ASK { fj:fulin-precision cg:controls fj:shenghua }")


def test_group_by_owner_merges_what_an_organization_controls(store):
    from chaingraph.projection.groups import group_by_owner, owners

    every = project_columns(store)
    grouped = group_by_owner(every)
    heads = owners(every)
    merged = {every.nodes[i] for i in range(len(every)) if heads[i] != i}
    assert fj("brunp") in merged and fj("kaixin") in merged
    assert set(grouped.nodes) == set(every.nodes) - merged
    assert grouped.meta["grouped"][fj("catl")] == [fj("brunp")]
    # Every edge of the grouped network is an edge of the firms' network between two groups,
    # and every edge between two groups survives.
    group_of = {every.nodes[i]: every.nodes[heads[i]] for i in range(len(every))}
    expected = {
        (group_of[every.nodes[a]], group_of[every.nodes[b]])
        for a, b in zip(every.suppliers.tolist(), every.clients.tolist(), strict=True)
    }
    expected = {(a, b) for a, b in expected if a != b}
    got = {
        (grouped.nodes[a], grouped.nodes[b])
        for a, b in zip(grouped.suppliers.tolist(), grouped.clients.tolist(), strict=True)
    }
    assert got == expected
    # The group lies in every chain its members are in.
    semcorp_chains = every.columns["chains"][every.nodes.index(fj("semcorp"))]
    owner_chains = grouped.columns["chains"][grouped.nodes.index(fj("yunnan-energy"))]
    assert set(semcorp_chains) <= set(owner_chains)


def test_group_by_owner_follows_control_up_and_heads_a_circle_by_its_first_node():
    import networkx as nx

    from chaingraph.projection.groups import group_by_owner, owners
    from chaingraph.projection.model import Projection

    graph = nx.DiGraph()
    graph.add_edges_from([("urn:a", "urn:b"), ("urn:b", "urn:c"), ("urn:c", "urn:d")])
    projection = Projection.from_networkx(graph)
    projection.meta["controls"] = [["urn:a", "urn:b"], ["urn:b", "urn:c"], ["urn:d", "urn:a"], ["urn:a", "urn:d"]]
    # c is b's, b is a's, and a and d control each other: one group, headed by a (first in order).
    assert [projection.nodes[i] for i in owners(projection)] == ["urn:a"] * 4
    grouped = group_by_owner(projection)
    assert grouped.nodes == ["urn:a"] and grouped.edge_count == 0


def test_stats_and_impact_group_by_owner(run):
    grouped = json.loads(run("stats", "--group-by", "owner", "--format", "json").stdout)
    single = json.loads(run("stats", "--format", "json").stdout)
    assert len(single) - len(grouped) == 3  # Brunp, Kaixin and SEMCORP join their owners
    assert fj("brunp") not in {r["id"] for r in grouped}
    refused = run("impact", "Brunp", "--group-by", "owner")
    assert refused.exit_code == 2
    assert "merged into CATL" in refused.output
    assert run("impact", "CATL", "--group-by", "owner", "--format", "json").exit_code == 0
