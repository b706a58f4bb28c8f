"""Disruption scenarios (impact --remove): the cascade against its definition, the compiled
path against the NetworkX reference, and the bundled graph's known dependencies."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph import Shock
from chaingraph.engines import Compute
from chaingraph.measures.cascade import cascade, compiled_cascade, compiled_paths_cut, paths_cut
from chaingraph.measures.compiled import AnalysisGraph
from chaingraph.projection.model import Projection
from chaingraph.projection.selection import Scope
from chaingraph.reports import network
from chaingraph.reports.scenarios import scenario

from ..conftest import fj

STAGES = ["", "", "ore", "metal", "cell"]  # two in five unstaged


@st.composite
def staged_graphs(draw):
    """Staged supply graphs with unstaged firms, several suppliers per stage, cycles and self-loops."""
    n = draw(st.integers(2, 14))
    nodes = [f"urn:f{i}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    graph = nx.DiGraph()
    for i, node in enumerate(nodes):
        graph.add_node(node, stage=draw(st.sampled_from(STAGES)), label=f"firm {i}")
    graph.add_edges_from((nodes[a], nodes[b]) for a, b in edges)
    # Which stages state their essential inputs: none (every input essential), or some.
    graph.graph["essential_inputs"] = draw(st.sampled_from(ESSENTIAL_MAPS))
    removed = draw(st.sets(st.sampled_from(nodes), min_size=1, max_size=3))
    return graph, removed


ESSENTIAL_MAPS = [{}, {"cell": ["ore"]}, {"cell": ["metal", "ore"], "metal": ["ore"]}, {"metal": ["cell"]}]


def essential_to(graph: nx.DiGraph, node: str, stage: str) -> bool:
    """Whether ``stage`` is essential to ``node``: its own stage states it, or states none."""
    stated = graph.graph.get("essential_inputs", {}).get(graph.nodes[node]["stage"])
    return stated is None or stage in stated


def satisfies_rule(graph: nx.DiGraph, node: str, down: set[str]) -> bool:
    """Condition (a) or (b) of the rule, written again from its words."""
    suppliers = [s for s in graph.predecessors(node) if s != node]
    if suppliers and all(s in down for s in suppliers):
        return True
    stages = {graph.nodes[s]["stage"] for s in suppliers if graph.nodes[s]["stage"]}
    stages = {stage for stage in stages if essential_to(graph, node, stage)}
    return any(all(s in down for s in suppliers if graph.nodes[s]["stage"] == stage) for stage in stages)


@settings(max_examples=300, deadline=None)
@given(staged_graphs())
def test_the_cascade_is_the_rule(case):
    graph, removed = case
    found = cascade(graph, removed).disrupted
    tier = {node: why.tier for node, why in found.items()}
    assert {n for n, t in tier.items() if t == 0} == removed
    for node in graph:
        if node in removed:
            continue
        if node in tier:
            t = tier[node]
            # disrupted in tier t: the rule holds after tier t - 1 and did not after tier t - 2
            assert satisfies_rule(graph, node, {n for n, k in tier.items() if k < t})
            assert t == 1 or not satisfies_rule(graph, node, {n for n, k in tier.items() if k < t - 1})
        else:  # never disrupted: the rule does not hold even at the end
            assert not satisfies_rule(graph, node, set(tier))
    for node, why in found.items():
        if why.reason == "stage":
            for stage in why.stages:
                at = [s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"] == stage]
                assert at and all(tier.get(s, 99) < why.tier for s in at)
                assert essential_to(graph, node, stage)
    # Every supplier of a stage not essential to a firm lost, and the firm not disrupted: a partial loss.
    partial = cascade(graph, removed).partial
    for node in graph:
        if node in found:
            continue
        for stage in {graph.nodes[s]["stage"] for s in graph.predecessors(node) if s != node} - {""}:
            at = [s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"] == stage]
            lost = all(s in found for s in at) and not essential_to(graph, node, stage)
            assert (partial.get(node, {}).get(stage) == 1.0) == lost


def _compiled(graph: nx.DiGraph) -> AnalysisGraph:
    for node in graph:
        graph.nodes[node].setdefault("chains", [])
    return AnalysisGraph(Projection.from_networkx(graph))


@settings(max_examples=300, deadline=None)
@given(staged_graphs(), st.sampled_from([None, 0.5, 1.0, 0.25]))
def test_the_compiled_cascade_equals_the_reference(case, share):
    graph, removed = case
    compiled = _compiled(graph)
    mask = np.array([node in removed for node in compiled.nodes])
    reference = cascade(graph, removed, partial=share)
    fast = compiled_cascade(compiled, mask, partial=share)
    assert fast.disrupted == reference.disrupted
    assert fast.tiers() == reference.tiers()
    assert fast.partial == reference.partial


@settings(max_examples=200, deadline=None)
@given(staged_graphs())
def test_paths_cut_counts_the_pairs_that_lose_every_path(case):
    graph, removed = case
    closure = nx.transitive_closure(graph, reflexive=False)
    rest = graph.subgraph([n for n in graph if n not in removed])
    closure_after = nx.transitive_closure(nx.DiGraph(rest), reflexive=False)
    expected = sum(
        1
        for a, b in closure.edges
        if a != b and a not in removed and b not in removed and not closure_after.has_edge(a, b)
    )
    assert paths_cut(graph, removed) == expected
    compiled = _compiled(graph)
    assert compiled_paths_cut(compiled, np.array([node in removed for node in compiled.nodes])) == expected


def test_partial_lists_a_firm_that_lost_half_of_a_stage():
    graph = nx.DiGraph([("a", "c"), ("b", "c")])
    nx.set_node_attributes(graph, {"a": "ore", "b": "ore", "c": "cell"}, "stage")
    found = cascade(graph, ["a"], partial=0.5)
    assert "c" not in found.disrupted and found.partial == {"c": {"ore": 0.5}}
    assert cascade(graph, ["a"], partial=0.6).partial == {}


def test_unstaged_suppliers_never_form_a_stage():
    # CATL-like: two staged suppliers and one unstaged; the unstaged one goes.
    graph = nx.DiGraph([("foil", "cell"), ("cathode", "cell")])
    nx.set_node_attributes(graph, {"foil": "", "cathode": "cathode", "cell": "cell"}, "stage")
    assert set(cascade(graph, ["foil"]).disrupted) == {"foil"}
    assert cascade(graph, ["foil", "cathode"]).disrupted["cell"].reason == "supply"


# --- the bundled graph ---------------------------------------------------------------------------


def _suppliers_at(store, client: str, stage_label: str) -> set[str]:
    rows = store.select(
        "SELECT DISTINCT ?s WHERE { ?s cg:supplierOf ?c ; cg:atStage ?st . ?st skos:prefLabel|rdfs:label ?l "
        "FILTER(STR(?l) = ?label) }",
        {"c": __import__("rdflib").URIRef(client), "label": __import__("rdflib").Literal(stage_label)},
    ).rows
    return {str(r["s"]) for r in rows}


def test_hifen_is_catls_only_tester_and_its_loss_starves_no_one(store):
    # From the data: Hifen is CATL's only testing supplier; testing is no essential input of cell
    # making (graph/chains.ttl states cathode, anode, separator and electrolyte), so CATL keeps
    # making cells, and NIO and Tesla keep their supplier.
    assert _suppliers_at(store, fj("catl"), "testing") == {fj("hifen")}
    result = scenario(store, ["firm:Hifen"])
    assert [d["id"] for d in result.disrupted] == [fj("hifen")]
    assert result.summary.firms_per_tier == [1]
    assert [(p["id"], p["stages"]) for p in result.partial] == [(fj("catl"), {"testing": 1.0})]
    # Every input stays essential where none is stated: without the statements CATL is starved.
    graph = network(store, Scope(chain="ningde"))
    graph.graph["essential_inputs"] = {}
    assert cascade(graph, [fj("hifen")]).disrupted[fj("catl")].reason == "stage"


def test_removing_ningde_disrupts_the_carmakers_outside_it(store):
    result = scenario(store, ["region:Ningde"])
    removed = {d["id"] for d in result.disrupted if d["tier"] == 0}
    located = store.select(
        "SELECT DISTINCT ?f WHERE { ?f cg:locatedIn+ fj:ningde FILTER NOT EXISTS { ?f a/rdfs:subClassOf* cg:Place } }",
    ).rows
    assert removed == {str(r["f"]) for r in located}
    beyond = {d["id"] for d in result.disrupted if d["tier"] >= 1}
    assert {fj("nio"), fj("tesla")} <= beyond
    assert result.summary.outside_removed_places == len(beyond)  # neither carmaker lies in Ningde


def test_separators_and_catls_group(store):
    separators = scenario(store, ["stage:separators"])
    catl = next(d for d in separators.disrupted if d["id"] == fj("catl"))
    assert catl["reason"] == "stage-starved" and catl["stages_lost"] == ["separators"]
    group = scenario(store, ["owner:CATL"])
    controlled = {str(r["o"]) for r in store.select("SELECT ?o WHERE { fj:catl cg:controls+ ?o }").rows}
    assert {d["id"] for d in group.disrupted if d["tier"] == 0} == {fj("catl")} | controlled


def test_the_union_of_removals_is_one_scenario(store):
    both = scenario(store, ["firm:Hifen", "stage:separators"])
    assert both.summary.removed == 1 + scenario(store, ["stage:separators"]).summary.removed


def test_cli_scenario_json_and_errors(run):
    result = run("impact", "--remove", "region:Ningde", "--format", "json")
    body = json.loads(result.stdout)
    assert {"disrupted", "summary"} <= set(body)
    assert all({"id", "tier"} <= set(d) for d in body["disrupted"])
    bad = run("impact", "--remove", "region:Atlantis")
    assert bad.exit_code == 2 and "Atlantis" in bad.stderr
    both = run("impact", "CATL", "--remove", "region:Ningde")
    assert both.exit_code == 2


@pytest.mark.parametrize("backend", ["networkx", "compiled"])
def test_both_backends_give_the_same_scenario(store, backend):
    reference = scenario(
        store, ["region:Ningde", "stage:separators"], compute=Compute(backend="networkx"), shock=Shock(partial=0.5)
    )
    assert scenario(
        store, ["region:Ningde", "stage:separators"], compute=Compute(backend=backend), shock=Shock(partial=0.5)
    ).as_json() == (reference.as_json())


# --- gaps ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("chain", "region"), [("ningde", "Ningde"), ("jinjiang", "Quanzhou")])
def test_gaps_follow_their_definition(store, chain, region):
    from chaingraph.queries import names
    from chaingraph.reports import network
    from chaingraph.reports.gap_analysis import gaps

    place = str(names.resolve(store, region, names.PLACE))
    graph = network(store, Scope(chain=chain))  # the whole chain, wherever its members are
    dependence = nx.pagerank(graph.reverse(), alpha=0.85, tol=1e-12, max_iter=10_000)
    pagerank = nx.pagerank(graph, alpha=0.85, tol=1e-12, max_iter=10_000)
    local = {n for n, d in graph.nodes(data=True) if place in d["places"]}
    report = gaps(store, Scope(chain=chain), region=region)
    assert report.stages
    for stage in report.stages:
        at = {n for n, d in graph.nodes(data=True) if d["stage"] == stage["stage"]}
        members = at & local
        assert {m["id"] for m in stage["local_members"]} == members
        assert stage["elsewhere"] == len(at - local)
        # A cluster segment stands for unnamed, uncounted firms: by itself neither thin nor covered.
        named = {m for m in members if graph.nodes[m]["kind"] != "segment"}
        expected = "covered" if len(named) >= 2 else "cluster" if named != members else "thin" if named else "missing"
        assert stage["status"] == expected
        relations = [(s, c) for s, c in graph.edges if c in local and s in at and s != c]
        share = sum(s in local for s, _ in relations) / len(relations) if relations else None
        assert stage["local_share"] == pytest.approx(share) if share is not None else stage["local_share"] is None
        if stage["status"] == "covered":
            assert stage["targets"] == []
            continue
        partners = {}
        for s, c in graph.edges:
            for outside, member in ((s, c), (c, s)):
                if outside in at and outside not in local and member in local:
                    partners.setdefault(outside, set()).add(member)
        assert {t["id"]: t["local_partners"] for t in stage["targets"]} == {n: len(p) for n, p in partners.items()}
        for target in stage["targets"]:  # a supplier to attract, a buyer to court, or both
            sells = any(s == target["id"] and c in local for s, c in graph.edges)
            buys = any(c == target["id"] and s in local for s, c in graph.edges)
            assert target["role"] == ("both" if sells and buys else "supplier" if sells else "buyer")
        keys = [(-t["local_partners"], -dependence[t["id"]]) for t in stage["targets"]]
        assert keys == sorted(keys, key=lambda k: (k[0], round(k[1], 9)))
    leaders = sorted(local, key=lambda n: -pagerank[n])[:3]
    assert [pytest.approx(pagerank[n], rel=1e-6) for n in leaders] == [leader["pagerank"] for leader in report.leaders]


def test_gaps_with_stated_evidence_name_no_target_known_only_from_inferences(store):
    from chaingraph.reports.gap_analysis import gaps

    for stage in gaps(store, Scope(chain="ningde", evidence="stated"), region="Ningde").stages:
        assert all(t["evidence"] == "stated" for t in stage["targets"])


def test_a_lost_input_that_is_not_essential_is_a_partial_loss_on_the_bundled_graph(run):
    """Testing is not essential to cell making (graph/chains.ttl): losing Hifen, CATL's only tester,
    disrupts no one and is CATL's partial loss; separators are essential, and starve CATL."""
    hifen = json.loads(run("impact", "--remove", "firm:Hifen", "--format", "json").stdout)
    assert [row["label"] for row in hifen["disrupted"]] == ["Hifen Testing Technology"]
    assert hifen["partial"] == [
        {
            "id": fj("catl"),
            "label": "CATL",
            "label_zh": "宁德时代",
            "stages": {"testing": 1.0},
            "not_essential": ["testing"],
            "sales_lost": None,
        }
    ]
    assert any("state their essential inputs" in note for note in hifen["notes"])
    separators = json.loads(run("impact", "--remove", "stage:separators", "--format", "json").stdout)
    catl = next(row for row in separators["disrupted"] if row["id"] == fj("catl"))
    assert (catl["tier"], catl["reason"], catl["stages_lost"]) == (1, "stage-starved", ["separators"])


def test_gaps_cli(run):
    result = run("gaps", "--chain", "ningde", "--region", "Ningde", "--format", "json")
    body = json.loads(result.stdout)
    assert {"stages", "leaders"} <= set(body) and body["leaders"][0]["label"] == "CATL"
    stage = body["stages"][0]
    assert {"chain", "stage", "label", "status", "local_members", "elsewhere", "local_share", "targets"} <= set(stage)
    assert run("gaps", "--chain", "ningde", "--region", "Atlantis").exit_code == 2
    assert "Ningde" in run("gaps", "--chain", "ningde", "--region", "Ningde").stdout


def test_gaps_name_end_users_buyers_to_court_not_suppliers_to_attract(run):
    """NIO and Tesla buy CATL's batteries: at the missing end-use stage they are buyers to court."""
    result = run("gaps", "--chain", "ningde", "--region", "Ningde", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    end_use = next(row for row in csv.DictReader(io.StringIO(result.stdout)) if row["label"].startswith("end use"))
    assert "NIO" in end_use["buyers"] and "Tesla" in end_use["buyers"]
    assert end_use["targets"] == ""
    table = run("gaps", "--chain", "ningde", "--region", "Ningde", "--format", "table").stdout
    assert "buyers to court" in table and "ningde-lithium" not in table  # one chain: no chain column


# --- ranking places, stages and groups -------------------------------------------------------------


@pytest.mark.parametrize("by", ["region", "stage", "owner"])
def test_ranking_equals_one_reference_scenario_per_candidate(store, by):
    from chaingraph.reports.rankings import rank_removals

    everything = rank_removals(store, by, top=None)
    assert everything
    expected = []
    for record in everything:
        reference = scenario(store, [f"{by}:{record['id']}"], compute=Compute(backend="networkx"))
        assert record["summary"] == reference.summary, record["label"]
        expected.append(record)
    harm = [
        (-r["summary"].disrupted_beyond_removed, -r["summary"].paths_cut, -len(r["summary"].stages_emptied))
        for r in everything
    ]
    assert harm == sorted(harm)
    # --top keeps the first of the full ranking
    assert [r["id"] for r in rank_removals(store, by, top=3)] == [r["id"] for r in everything[:3]]


def test_a_place_holding_every_firm_is_not_ranked(store):
    from chaingraph.reports.rankings import rank_removals

    ranked = rank_removals(store, "region", Scope(region="Ningde"), top=None)
    assert fj("ningde") not in {r["id"] for r in ranked}  # every firm of this network lies there
    assert ranked  # its parks and counties are


def test_cli_ranking(run):
    body = json.loads(run("impact", "--all", "--by", "region", "--top", "3", "--format", "json").stdout)
    assert len(body) == 3 and all({"id", "summary"} <= set(r) for r in body)
    assert run("impact", "--by", "stage").exit_code == 2


@pytest.mark.slow
def test_a_willems_chain_scenario_and_ranking_agree_on_both_paths(tmp_path):
    from chaingraph.reports.rankings import rank_removals
    from chaingraph.store import open_store

    from ..conftest import run_process
    from ..interchange.test_interchange import WILLEMS_MAP, willems

    source = willems("38")  # skips outside CI without the shared data sets
    target = tmp_path / "willems-38.ttl"
    args = ["import", "--relations", str(source), "--firms", str(source), *WILLEMS_MAP, "--chain", "willems-38"]
    assert run_process(*args, "-o", str(target), timeout=600).returncode == 0
    store = open_store([target])
    stages = rank_removals(store, "stage", top=None)
    assert stages  # Willems' stage classifications are the chain's stages
    worst = stages[0]
    reference = scenario(store, [f"stage:{worst['id']}"], compute=Compute(backend="networkx"))
    compiled = scenario(store, [f"stage:{worst['id']}"], compute=Compute(backend="compiled"))
    assert compiled.as_json() == reference.as_json()
    assert reference.summary == worst["summary"]


@st.composite
def chains_in_two_places(draw):
    """A chain of three stages whose firms lie in Ningde, in Xiamen or nowhere known, some unstaged."""
    n = draw(st.integers(2, 10))
    stage = [draw(st.sampled_from([None, 0, 1, 2])) for _ in range(n)]
    place = [draw(st.sampled_from(["ningde", "xiamen", None])) for _ in range(n)]
    edges = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=25))
    return stage, place, sorted(edges)


@settings(max_examples=60, deadline=None)
@given(chains_in_two_places())
def test_gaps_on_generated_chains_follow_the_definition(case):
    from chaingraph.reports.gap_analysis import gaps
    from chaingraph.store import open_store

    stage, place, edges = case
    ex = "https://example.org/gaps/"
    lines = [f'<{ex}chain> a cg:IndustrialChain ; rdfs:label "test chain"@en .']
    for s in range(3):
        lines.append(
            f'<{ex}s{s}> a cg:ChainStage ; skos:inScheme <{ex}chain> ; skos:prefLabel "stage {s}"@en ; '
            f"cg:stageOrder {s} ."
        )
    for i, (st_, pl) in enumerate(zip(stage, place, strict=True)):
        facts = ["a cg:Company", f'rdfs:label "firm {i}"@en', f"cg:inChain <{ex}chain>"]
        if st_ is not None:
            facts.append(f"cg:atStage <{ex}s{st_}>")
        facts.append(f"cg:locatedIn fj:{pl}" if pl else "cg:locationUnknown true")
        lines.append(f"<{ex}f{i}> " + " ; ".join(facts) + " .")
    lines += [f"<{ex}f{a}> cg:supplierOf <{ex}f{b}> ." for a, b in edges]
    prefixes = "".join(
        f"@prefix {prefix}: <{iri}> .\n"
        for prefix, iri in (
            ("cg", "https://w3id.org/chaingraph/ontology#"),
            ("fj", "https://w3id.org/chaingraph/fujian/"),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
        )
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chain.ttl"
        path.write_text(prefixes + "\n".join(lines) + "\n", encoding="utf-8")
        report = gaps(open_store([path]), Scope(chain=f"{ex}chain"), region="Ningde")
    assert [found["label"] for found in report.stages] == ["stage 0", "stage 1", "stage 2"]
    local = {i for i in range(len(stage)) if place[i] == "ningde"}
    for s, found in enumerate(report.stages):
        members = {i for i in range(len(stage)) if stage[i] == s}
        assert {m["id"] for m in found["local_members"]} == {f"{ex}f{i}" for i in members & local}
        assert found["elsewhere"] == len(members - local)
        local_count = len(members & local)
        assert found["status"] == ("missing" if local_count == 0 else "thin" if local_count == 1 else "covered")
        relations = [(a, b) for a, b in edges if b in local and a in members and a != b]
        share = sum(a in local for a, _ in relations) / len(relations) if relations else None
        assert found["local_share"] == share
        partners: dict[int, set[int]] = {}
        for a, b in edges:
            for outside, member in ((a, b), (b, a)):
                if outside in members and outside not in local and member in local:
                    partners.setdefault(outside, set()).add(member)
        expected = {} if found["status"] == "covered" else {f"{ex}f{i}": len(p) for i, p in partners.items()}
        assert {t["id"]: t["local_partners"] for t in found["targets"]} == expected
        for target in found["targets"]:
            i = int(target["id"].rsplit("f", 1)[1])
            assert target["location_unknown"] == (place[i] is None)
