"""``chaingraph stats`` and ``impact`` on the bundled graph and on user data."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from chaingraph.engines import Compute
from chaingraph.projection.read import project
from chaingraph.store import open_store

from ..conftest import fj, run_process

CONTRACT_KEYS = {
    "id",
    "label",
    "label_zh",
    "kind",
    "in_degree",
    "out_degree",
    "betweenness",
    "closeness",
    "harmonic",
    "pagerank",
    "dependence",
    "upstream_reach",
    "downstream_reach",
    "articulation_point",
}


def stats_json(run, *args):
    result = run("stats", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_has_the_contract_keys(run):
    rows = stats_json(run)
    assert rows and all(set(row) >= CONTRACT_KEYS for row in rows)
    assert all(isinstance(row["articulation_point"], bool) for row in rows)


def test_catl_leads_the_ningde_chain(run):
    rows = stats_json(run, "--chain", "ningde")
    by_degree = max(rows, key=lambda r: r["in_degree"])
    by_pagerank = max(rows, key=lambda r: r["pagerank"])
    assert by_degree["id"] == by_pagerank["id"] == fj("catl")
    catl = next(r for r in rows if r["id"] == fj("catl"))
    assert catl["articulation_point"] is True
    assert catl["label_zh"] == "宁德时代"
    assert {r["id"] for r in rows} >= {fj("skeqi"), fj("hifen"), fj("ningde-cathode-makers")}
    assert fj("want-want") not in {r["id"] for r in rows}


def test_jinjiang_is_the_ic_and_food_chains(run):
    ids = {r["id"] for r in stats_json(run, "--chain", "jinjiang")}
    assert fj("good-one") in ids and fj("want-want") in ids
    assert fj("catl") not in ids


def test_region_selection_is_transitive(run):
    ids = {r["id"] for r in stats_json(run, "--region", "Quanzhou")}
    assert fj("good-one") in ids  # park -> Jinjiang -> Quanzhou
    assert fj("catl") not in ids


def test_stage_level_aggregates_members(run):
    rows = stats_json(run, "--level", "stage", "--chain", "ningde")
    assert {r["kind"] for r in rows} == {"stage"}
    cell = next(r for r in rows if r["id"] == fj("stage-libat-cell-manufacturing"))
    # cathode, anode, separator, electrolyte, equipment, testing, recycling feed the cell stage.
    assert cell["in_degree"] == 7


def test_sort_top_and_csv(run):
    result = run("stats", "--sort", "in_degree", "--top", "3", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert lines[1].split(",")[0] == fj("catl")


def test_table_for_people_explains_local_sourcing(run):
    result = run("stats", "--chain", "ningde")
    assert result.exit_code == 0
    assert "CATL" in result.stdout
    assert "local sourcing" in result.stdout and "80%" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chain", "ningdee"], "did you mean"),
        (["--region", "Fujain"], "did you mean: Fujian"),
        (["--sort", "fame"], "unknown measure"),
    ],
)
def test_unknown_names_exit_2_with_suggestions(run, args, message):
    result = run("stats", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_client_side_and_supplier_side_statements_give_identical_results(run, ttl):
    supplier_side = ttl(
        'ex:a a cg:Company ; rdfs:label "A"@en . ex:b a cg:Company ; rdfs:label "B"@en .\n'
        "ex:a cg:supplierOf ex:b . ex:b cg:supplierOf ex:c ."
    )
    client_side = ttl(
        'ex:a a cg:Company ; rdfs:label "A"@en . ex:b a cg:Company ; rdfs:label "B"@en .\n'
        "ex:b cg:clientOf ex:a . ex:c cg:clientOf ex:b ."
    )
    qualified = ttl(
        'ex:a a cg:Company ; rdfs:label "A"@en . ex:b a cg:Company ; rdfs:label "B"@en .\n'
        "[] cg:supplier ex:a ; cg:client ex:b . [] cg:supplier ex:b ; cg:client ex:c ."
    )
    results = [stats_json(run, "--no-bundled", "--data", str(path)) for path in (supplier_side, client_side, qualified)]
    assert results[0] == results[1] == results[2]
    middle = next(r for r in results[0] if r["label"] == "B")
    assert (middle["in_degree"], middle["out_degree"]) == (1, 1)


def test_user_data_joins_the_bundled_graph(run, ttl):
    extra = ttl(
        'ex:newco a cg:Company ; rdfs:label "NewCo"@en ; cg:locatedIn fj:ningde ;'
        " cg:inChain fj:ningde-lithium-battery ; cg:supplierOf fj:catl ."
    )
    before = next(r for r in stats_json(run, "--chain", "ningde") if r["id"] == fj("catl"))
    rows = stats_json(run, "--chain", "ningde", "--data", str(extra))
    catl = next(r for r in rows if r["id"] == fj("catl"))
    assert catl["in_degree"] == before["in_degree"] + 1
    assert catl["upstream_reach"] == before["upstream_reach"] + 1
    assert any(r["label"] == "NewCo" for r in rows)


def test_impact_of_catl(run):
    result = run("impact", "CATL", "--format", "json")
    assert result.exit_code == 0
    (record,) = json.loads(result.stdout)
    lost = {(loss["client_label"], loss["stage_label"]) for loss in record["stage_losses"]}
    assert lost == {("Tesla", "cell and battery manufacturing"), ("NIO", "cell and battery manufacturing")}
    assert sorted(record["stranded"]) == sorted([fj("tesla"), fj("nio")])
    # Counted again from the definition: supplier-to-client pairs with a path before, none after.
    graph = project(open_store())
    remaining = graph.subgraph(n for n in graph if n != fj("catl"))
    lost = sum(len(nx.descendants(graph, n) - {fj("catl")}) - len(nx.descendants(remaining, n)) for n in remaining)
    assert record["reach_lost"] == lost > 0
    assert record["components_after"] > record["components_before"]


def test_impact_accepts_chinese_names_and_ranks_all(run):
    assert run("impact", "宁德时代").exit_code == 0
    ranked = json.loads(run("impact", "--all", "--top", "3", "--format", "json").stdout)
    assert ranked[0]["id"] == fj("catl")
    assert len(ranked) == 3


def test_impact_unknown_firm(run):
    result = run("impact", "Tesler")
    assert result.exit_code == 2
    assert "did you mean: Tesla" in result.stderr


def test_json_keeps_numbers_numbers_and_one_record_per_line():
    import json

    import numpy as np

    from chaingraph.interchange.tabular import to_json

    records = [
        {"pagerank": np.float64(0.25), "in": np.int64(3), "chains": {"b", "a"}, "closeness": float("nan")},
        {"pagerank": 1e-7, "in": 0, "chains": [], "closeness": 0.5},
    ]
    text = to_json(records)
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    parsed = json.loads(text)  # strict JSON: NaN is written as null, not as NaN
    assert parsed[0] == {"pagerank": 0.25, "in": 3, "chains": ["a", "b"], "closeness": None}
    assert parsed[1]["pagerank"] == 1e-7
    assert json.loads(lines[2].rstrip(",")) == parsed[1]


def test_top_rows_are_the_first_rows_of_the_full_sort_ties_included(store):
    from chaingraph import reports
    from chaingraph.measures import reference as analysis

    for sort in analysis.MEASURES:
        everything = reports.stats(store, sort=sort).rows
        for top in (1, 2, 3, 5, 8, 13, 21, len(everything) - 1, len(everything) + 1):
            assert reports.stats(store, sort=sort, top=top).rows == everything[:top], (sort, top)


def test_group_by_owner_names_the_organizations_it_merged(run, store):
    out = " ".join(run("stats", "--group-by", "owner", "--top", "2").stdout.split())
    rows = store.select(
        "SELECT ?ownerLabel ?ownedLabel WHERE { ?o cg:controls ?d . ?o rdfs:label ?ownerLabel . "
        "?d rdfs:label ?ownedLabel "
        'FILTER(LANGMATCHES(LANG(?ownerLabel), "en") && LANGMATCHES(LANG(?ownedLabel), "en")) }'
    ).rows
    assert rows
    for row in rows:
        assert f"{row['ownerLabel']} (" in out and str(row["ownedLabel"]) in out


def test_partial_loss_says_none_when_no_firm_qualifies_and_lists_those_that_do():
    """``--partial`` asked for and met by no firm is said, not left silent (issue 41, item 8).
    CATL has six cathode suppliers in the bundled graph: losing Hunan Yuneng is one sixth (17%)."""
    none = run_process("impact", "--remove", "stage:separators", "--partial", "0.5")
    assert none.returncode == 0, none.stderr
    assert "partial loss: none (no firm lost 50% or more" in none.stdout
    some = run_process("impact", "--remove", "firm:Hunan Yuneng", "--partial", "0.1")
    assert "partial loss: CATL: cathode materials 17%" in some.stdout and "partial loss: none" not in some.stdout


def test_single_sourced_above_an_hhi_lists_each_concentrated_purchase(run):
    """``query single-sourced --hhi-above N`` on the bundled graph: at N = 9,999 the same
    client-stage pairs as the SPARQL query (one supplier with all of it); at N = 2,500 each
    purchase of a stage from suppliers stating no quantity has equal shares, HHI 10,000 / n, so
    it is listed exactly when it has at most three suppliers."""
    from chaingraph.reports import network

    found = run("query", "single-sourced", "--hhi-above", "9999", "--format", "json")
    assert found.exit_code == 0, found.stderr
    one_supplier = run("query", "single-sourced", "--format", "json")
    bindings = json.loads(one_supplier.stdout)["results"]["bindings"]
    sparql = {(b["client"]["value"], b["stage"]["value"]) for b in bindings}
    assert {(row["client"], row["stage"]) for row in json.loads(found.stdout)} == sparql

    rows = json.loads(run("query", "single-sourced", "--hhi-above", "2500", "--format", "json").stdout)
    listed = {(row["client"], row["stage"]): row for row in rows}
    graph = network(open_store())
    quantity_keys = {"client_share", "value", "volume"}
    plain = 0
    for client in graph:
        by_stage: dict[str, list[str]] = {}
        for supplier in graph.predecessors(client):
            if supplier != client and graph.nodes[supplier].get("stage"):
                by_stage.setdefault(graph.nodes[supplier]["stage"], []).append(supplier)
        for stage, suppliers in by_stage.items():
            if any(quantity_keys & graph.edges[s, client].keys() for s in suppliers):
                continue
            plain += 1
            assert ((client, stage) in listed) == (len(suppliers) <= 3), (client, stage)
            if (client, stage) in listed:
                row = listed[client, stage]
                assert row["suppliers"] == len(suppliers) and row["basis"] == "equal"
                assert row["hhi"] == pytest.approx(10_000 / len(suppliers))
                assert row["top_share"] == pytest.approx(1 / len(suppliers)) and row["top_supplier"] in suppliers
    assert plain > 5
    assert [row["hhi"] for row in rows] == sorted((row["hhi"] for row in rows), reverse=True)
    counted = run("query", "single-sourced", "--hhi-above", "2500", "--count")
    assert counted.stdout.strip() == str(len(rows))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("firms-in", "-p", "place=Fujian", "--hhi-above", "10"), "--hhi-above goes with the named query"),
        (("single-sourced", "--hhi-above", "10", "--format", "ttl"), "--format ttl"),
        (("single-sourced", "--hhi-above", "10001"), "--hhi-above 10001: an HHI between 0 and 10,000"),
        (("single-sourced", "--hhi-above", "nan"), "--hhi-above nan"),
    ],
)
def test_single_sourced_above_an_hhi_refuses_what_it_cannot_answer_in_one_line(args, message):
    result = run_process("query", *args)
    assert result.returncode != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_local_engine_answers_to_its_older_name_too():
    """``--engine local`` is the default; ``compiled``, its name before, gives the same bytes;
    an unknown engine is one line naming the choices."""
    outputs = [
        run_process("stats", *engine, "--chain", "ningde", "--format", "csv").stdout
        for engine in ([], ["--engine", "local"], ["--engine", "compiled"])
    ]
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]
    impacts = [
        run_process("impact", "--remove", "region:Ningde", "--engine", engine, "--format", "json").stdout
        for engine in ("local", "compiled")
    ]
    assert impacts[0] and impacts[0] == impacts[1]
    from chaingraph import stats
    from chaingraph.errors import InputError
    from chaingraph.store import open_store

    with pytest.raises(InputError, match="--engine 'gpu': use local, spark"):
        stats(open_store(), compute=Compute(engine="gpu"))
