"""``chaingraph query``: named queries, formats, parameters as RDF terms, read-only by default."""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from chaingraph.sparql import bind_values

from ..conftest import fj


def sparql_rows(run, *args):
    result = run("query", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


def test_list_shows_every_named_query_with_parameters(run):
    result = run("query", "--list", "--format", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    for name in ("suppliers-of", "clients-of", "firms-in", "chain-stages", "figures", "provenance", "single-sourced"):
        assert name in rows and rows[name]["description"]
    assert "firm=firm" in rows["suppliers-of"]["parameters"]


def test_who_supplies_catl_and_which_source_says_so(run):
    suppliers = {r["supplier"] for r in sparql_rows(run, "suppliers-of", "-p", "firm=CATL")}
    assert {fj("skeqi"), fj("hifen"), fj("ningde-cathode-makers")} <= suppliers
    sources = {
        r["source"]
        for r in sparql_rows(run, "provenance", "-p", "supplier=Hifen Testing Technology", "-p", "client=宁德时代")
    }
    assert "https://w3id.org/chaingraph/source/fujian-chain-collaboration#p5" in sources


def test_hops_reach_second_tier(run):
    one = {r["client"]: r["hops"] for r in sparql_rows(run, "clients-of", "-p", "firm=Skeqi")}
    two = {r["client"]: r["hops"] for r in sparql_rows(run, "clients-of", "-p", "firm=Skeqi", "-p", "hops=2")}
    assert set(one) == {fj("catl")}
    assert two == {fj("catl"): "1", fj("tesla"): "2", fj("nio"): "2"}


def test_firms_in_jinjiang_is_transitive(run):
    firms = {r["firm"] for r in sparql_rows(run, "firms-in", "-p", "place=晋江市")}
    assert {fj("good-one"), fj("want-want")} <= firms
    assert fj("catl") not in firms


def test_chain_stages_coverage(run):
    stages = {
        r["stageLabel"]: int(r["localMembers"])
        for r in sparql_rows(run, "chain-stages", "-p", "chain=ningde-lithium-battery")
    }
    assert stages["testing"] == 1 and stages["cell and battery manufacturing"] == 1
    assert stages["end use (electric vehicles)"] == 0


def test_figures_have_value_unit_period_source(run):
    rows = sparql_rows(run, "figures", "-p", "subject=CATL")
    share = next(r for r in rows if r["measureLabel"].startswith("global market share"))
    assert (share["value"], share["period"]) == ("37.9", "2024")
    assert share["unit"].endswith("PERCENT") and share["source"].endswith("#p21")


def test_single_sourced_query_equals_the_analysis_of_the_projection(run, store):
    from chaingraph.measures import reference as analysis
    from chaingraph.projection.read import project

    rows = sparql_rows(run, "single-sourced")
    found = {(r["client"], r["stage"], r["onlySupplier"]) for r in rows}
    # The same findings computed another way: NetworkX over the projected supply network.
    expected = {(f["client"], f["stage"], f["supplier"]) for f in analysis.single_sourced(project(store)) if f["stage"]}
    assert found == expected
    assert (fj("catl"), fj("stage-libat-testing"), fj("hifen")) in found


def test_inline_query_file_and_stdin_agree(run, tmp_path):
    text = "SELECT ?firm WHERE { ?firm cg:locatedIn+ fj:jinjiang ; a cg:Company } ORDER BY ?firm"
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    inline = run("query", text, "--format", "csv").stdout
    assert run("query", "-f", str(path), "--format", "csv").stdout == inline
    assert run("query", "-", "--format", "csv", input=text).stdout == inline
    assert fj("good-one") in inline


def test_formats(run):
    tsv = run("query", "SELECT ?l WHERE { fj:catl rdfs:label ?l } ORDER BY ?l", "--format", "tsv").stdout
    assert tsv.splitlines()[0] == "l" and "宁德时代" in tsv
    ask = json.loads(run("query", "ASK { fj:catl a cg:Company }", "--format", "json").stdout)
    assert ask == {"head": {}, "boolean": True}
    construct = "CONSTRUCT { fj:catl rdfs:label ?l } WHERE { fj:catl rdfs:label ?l }"
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        graph = Graph().parse(data=run("query", construct, "--format", fmt).stdout, format=parser)
        assert (URIRef(fj("catl")), None, Literal("CATL", lang="en")) in graph


def test_syntax_error_has_line_and_column(run):
    result = run("query", "SELECT ?x WHERE {\n  ?x a cg:Company")
    assert result.exit_code == 2
    assert "line 2, column" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


HOSTILE = [
    'CATL" } UNION { ?supplier ?p ?o } #',
    "CATL' } } SELECT * WHERE { ?s ?p ?o",
    'x\\" UNION {',
    "<https://w3id.org/chaingraph/fujian/catl> } UNION { ?supplier ?p ?o",
    "CATL # comment",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_named_parameters_cannot_change_the_query(run, value):
    result = run("query", "suppliers-of", "-p", f"firm={value}")
    assert result.exit_code == 2
    assert "unknown firm" in result.stderr or "did you mean" in result.stderr


@pytest.mark.parametrize("value", HOSTILE)
def test_adhoc_parameters_are_bound_as_literals(run, value):
    rows = sparql_rows(run, "SELECT ?thing WHERE { ?thing rdfs:label ?name }", "-p", f"name={value}")
    assert rows == []


def test_a_hostile_label_is_matched_exactly(run, ttl):
    label = 'Evil" } UNION { ?s ?p ?o } #'
    data = ttl(
        f"ex:evil a cg:Company ; rdfs:label {json.dumps(label)}@en ; cg:locatedIn fj:ningde ; cg:supplierOf fj:catl ."
    )
    rows = sparql_rows(run, "clients-of", "-p", f"firm={label}", "--data", str(data))
    assert [r["client"] for r in rows] == [fj("catl")]


def test_bind_values_writes_terms_not_text():
    text = bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('a" } UNION { ?s ?p ?o')})
    assert text.count("UNION") == 1
    assert '\\"' in text


def test_update_is_refused_without_update_and_nothing_is_written(run, tmp_path):
    target = tmp_path / "out.trig"
    result = run("query", "INSERT DATA { fj:x a cg:Company }", "-o", str(target))
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert not target.exists()


def test_update_with_update_writes_the_dataset_atomically(run, tmp_path):
    target = tmp_path / "out.trig"
    result = run("query", "--update", "INSERT DATA { GRAPH fj:mine { fj:x a cg:Company } }", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    from chaingraph.store import open_store

    reloaded = open_store([target], bundled=False)
    assert reloaded.ask("ASK { GRAPH fj:mine { fj:x a cg:Company } }")
    assert reloaded.ask("ASK { fj:catl a cg:Company }")
    assert [p.name for p in tmp_path.iterdir()] == ["out.trig"]


def test_update_never_replaces_a_foreign_file_without_force(run, tmp_path):
    target = tmp_path / "precious.trig"
    target.write_text("keep me", encoding="utf-8")
    result = run("query", "--update", "INSERT DATA { fj:x a cg:Company }", "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep me"


def test_pathological_query_is_stopped_by_timeout(run):
    result = run("query", "--timeout", "1", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert result.exit_code == 2
    assert "stopped after 1 s" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?kind DESC(?label) LIMIT 3",
            ([("kind", False), ("label", True)], True),
        ),
        ("SELECT ?a WHERE { ?a ?b ?c } ORDER BY ASC($a)", ([("a", False)], False)),
        ("SELECT ?a WHERE { ?a ?b ?c } ORDER BY STR(?kind)", (None, False)),
        ("SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 1 } }", ([], False)),
        ("SELECT ?a WHERE { ?a ?b ?c } OFFSET 5", ([], True)),
    ],
)
def test_solution_modifiers_read_the_outer_order_and_slice(text, expected):
    from chaingraph.sparql import solution_modifiers

    assert solution_modifiers(text) == expected


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX insert: <https://example.test/> SELECT * WHERE { ?s insert:p ?o }", "SELECT"),
        ("SELECT ?delete WHERE { ?delete ?p ?o }", "SELECT"),
        ('ASK { ?s ?p "DELETE" }', "ASK"),
        ("PREFIX ex: <https://example.test/> DELETE WHERE { ?s ex:p ?o }", "UPDATE"),
    ],
)
def test_query_form_is_not_fooled_by_names_that_look_like_keywords(text, form):
    from chaingraph.sparql import query_form

    assert query_form(text) == form


def _csv_rows(result) -> list[list[str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.reader(io.StringIO(result.stdout)))[1:]


@pytest.mark.parametrize(
    ("name", "params"),
    [("firms-in", ["-p", "place=Fujian"]), ("suppliers-of", ["-p", "firm=CATL", "-p", "hops=3"])],
)
def test_limit_offset_and_count_page_what_the_whole_answer_holds(run, name, params):
    everything = _csv_rows(run("query", name, *params, "--format", "csv"))
    assert len(everything) > 12
    for limit, offset in ((5, 0), (5, 5), (7, len(everything) - 3), (3, len(everything) + 2)):
        page = _csv_rows(run("query", name, *params, "--format", "csv", "--limit", str(limit), "--offset", str(offset)))
        assert page == everything[offset : offset + limit], (limit, offset)
    assert _csv_rows(run("query", name, *params, "--format", "csv", "--offset", "4")) == everything[4:]
    counted = run("query", name, *params, "--count")
    assert counted.exit_code == 0 and counted.stdout.strip() == str(len(everything))


def test_a_query_with_its_own_limit_is_paged_inside_it(run):
    text = "SELECT ?s WHERE { ?s a cg:Company } ORDER BY ?s LIMIT 10"
    everything = _csv_rows(run("query", text, "--format", "csv"))
    assert len(everything) == 10
    assert _csv_rows(run("query", text, "--format", "csv", "--limit", "3", "--offset", "8")) == everything[8:]
    assert run("query", text, "--count").stdout.strip() == "10"


def test_paging_a_graph_query_is_refused(run):
    result = run("query", "CONSTRUCT WHERE { ?s cg:supplierOf ?o }", "--limit", "3")
    assert result.exit_code == 2 and "--limit and --offset page SELECT queries" in result.stderr


def test_a_mistyped_query_name_gets_the_closest_names(run):
    result = run("query", "suppliers-off")
    assert result.exit_code == 2
    assert "unknown query 'suppliers-off'" in result.output and "suppliers-of" in result.output


def test_the_library_query_and_count_agree_with_paging(store):
    from chaingraph.queries.named import count, query

    everything = query(store, "firms-in", {"place": "Fujian"}).select.rows
    assert count(store, "firms-in", {"place": "Fujian"}) == len(everything) > 10
    page = query(store, "firms-in", {"place": "Fujian"}, limit=4, offset=3).select.rows
    assert page == everything[3:7]


def test_firms_in_lists_every_organization_class_of_the_vocabulary():
    # A named query is a standalone SPARQL file (readable, pasteable into any SPARQL client), so
    # it spells its class list out; this keeps that list equal to the vocabulary's one home.
    import re

    from chaingraph.queries.named import get_named_query
    from chaingraph.vocab import CG, ORGANIZATION_CLASSES

    text = get_named_query("firms-in").text
    listed = re.search(r"VALUES \?kind \{([^}]*)\}", text).group(1).split()
    specific = {c for c in ORGANIZATION_CLASSES if c != CG.Organization}  # the general class would list a firm twice
    assert {CG[name.removeprefix("cg:")] for name in listed} == specific


#: The tiered queries as one SPARQL query spelling out every walk of up to four steps (what the
#: named queries were before they walked tier by tier): the reference a walk must agree with.
_EVERY_TIER = """
SELECT ?{found} ?{found}Label ?{found}LabelZh (MIN(?tier) AS ?hops) WHERE {{
  {{ {step1} BIND(1 AS ?tier) }}
  UNION {{ {step2} BIND(2 AS ?tier) }}
  UNION {{ {step3} BIND(3 AS ?tier) }}
  UNION {{ {step4} BIND(4 AS ?tier) }}
  FILTER(?tier <= ?hops && ?{found} != ?firm)
  OPTIONAL {{ ?{found} rdfs:label ?{found}Label FILTER(LANGMATCHES(LANG(?{found}Label), "en")) }}
  OPTIONAL {{ ?{found} rdfs:label ?{found}LabelZh FILTER(LANGMATCHES(LANG(?{found}LabelZh), "zh")) }}
}}
GROUP BY ?{found} ?{found}Label ?{found}LabelZh
"""


def _every_tier(name: str) -> str:
    found = "supplier" if name == "suppliers-of" else "client"
    edge = "(cg:supplierOf|^cg:clientOf)"
    steps = {}
    for length in range(1, 5):
        nodes = ["?firm", *(f"?t{i}" for i in range(1, length)), f"?{found}"]
        if name == "suppliers-of":
            steps[f"step{length}"] = " ".join(f"{b} {edge} {a} ." for a, b in itertools.pairwise(nodes))
        else:
            steps[f"step{length}"] = " ".join(f"{a} {edge} {b} ." for a, b in itertools.pairwise(nodes))
    return _EVERY_TIER.format(found=found, **steps)


@pytest.mark.parametrize(
    "name, firm, local",
    [("suppliers-of", "CATL", "catl"), ("clients-of", "Skeqi", "skeqi"), ("clients-of", "CATL", "catl")],
)
def test_a_walk_tier_by_tier_answers_what_every_walk_spelled_out_answers(store, name, firm, local):
    """The walk sends one small query per tier; the reference is one query with every walk of up
    to four steps, each firm at its shortest, run on the same store."""
    from chaingraph.queries.named import prepare, run_query

    reference_text = _every_tier(name)
    for hops in range(1, 5):
        text, bindings = prepare(store, name, {"firm": firm, "hops": str(hops)})
        sent = {tuple(sorted(map(str, row.values()))) for row in run_query(store, text, bindings).select.rows}
        reference_bindings = {"firm": URIRef(fj(local)), "hops": Literal(hops, datatype=XSD.integer)}
        reference = {
            tuple(sorted(map(str, row.values())))
            for row in run_query(store, reference_text, reference_bindings).select.rows
        }
        assert sent == reference
        assert sent, f"{name} {firm} hops={hops} found nobody"


def test_a_query_from_standard_input_with_f_dash(run):
    result = run("query", "-f", "-", "--format", "csv", input="SELECT ?x WHERE { BIND(1 AS ?x) }")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["x", "1"]
