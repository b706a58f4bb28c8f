"""Measures checked by hand on small graphs, and against independent implementations."""

from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import pytest

from chaingraph.engines import Compute
from chaingraph.measures import kernels
from chaingraph.measures import reference as analysis
from chaingraph.measures.impact import impact
from chaingraph.measures.reference import _reach as reach_module

# s1, s2 supply m; m supplies c1 and c2.
#   s1 \      / c1
#       m ---
#   s2 /      \ c2
HUB = [("s1", "m"), ("s2", "m"), ("m", "c1"), ("m", "c2")]


@pytest.fixture
def hub():
    graph = nx.DiGraph(HUB)
    stage = {"s1": "cathode", "s2": "anode", "m": "cell", "c1": "car", "c2": "car"}
    for node in graph:
        graph.nodes[node].update(stage=stage[node], stage_label=stage[node], label=node)
    return graph


def test_degrees(hub):
    assert analysis.in_degree(hub) == {"s1": 0, "s2": 0, "m": 2, "c1": 1, "c2": 1}
    assert analysis.out_degree(hub) == {"s1": 1, "s2": 1, "m": 2, "c1": 0, "c2": 0}


def test_betweenness_counts_directed_paths_through_the_hub(hub):
    # m lies on 4 of the ordered pairs' shortest paths; normalised by (n-1)(n-2) = 12.
    values = analysis.betweenness(hub)
    assert values["m"] == pytest.approx(4 / 12)
    assert values["s1"] == values["c1"] == 0


def test_closeness_uses_incoming_distance(hub):
    values = analysis.closeness(hub)
    # m is reached by 2 nodes at total distance 2: (2/4) * (2/2)
    assert values["m"] == pytest.approx(0.5)
    # c1 is reached by m (1), s1 (2), s2 (2): (3/4) * (3/5)
    assert values["c1"] == pytest.approx(0.45)
    assert values["s1"] == 0


def test_harmonic(hub):
    values = analysis.harmonic(hub)
    assert values["c1"] == pytest.approx(1 + 1 / 2 + 1 / 2)
    assert values["m"] == pytest.approx(2.0)
    assert values["s1"] == 0


def test_reach(hub):
    assert analysis.upstream_reach(hub) == {"s1": 0, "s2": 0, "m": 2, "c1": 3, "c2": 3}
    assert analysis.downstream_reach(hub) == {"s1": 3, "s2": 3, "m": 2, "c1": 0, "c2": 0}


def test_reach_on_a_cycle_counts_each_member_once():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert analysis.downstream_reach(graph) == {"a": 3, "b": 3, "c": 3, "d": 0}
    assert analysis.upstream_reach(graph) == {"a": 2, "b": 2, "c": 2, "d": 3}


def test_articulation_points(hub):
    assert analysis.articulation_points(hub) == {"m"}


def test_pagerank_direction(hub):
    forward, backward = analysis.pagerank(hub), analysis.dependence(hub)
    assert sum(forward.values()) == pytest.approx(1)
    # The hub collects two suppliers; each client gets half of the hub's share.
    assert forward["m"] > forward["c1"] > forward["s1"]
    assert backward["m"] > backward["s1"] > backward["c1"]
    assert forward["c1"] == pytest.approx(backward["s1"])


def test_single_sourced_stages(hub):
    findings = {(f["client"], f["stage"]) for f in analysis.single_sourced(hub)}
    # m buys cathode only from s1 and anode only from s2; c1, c2 buy cells only from m.
    assert findings == {("m", "cathode"), ("m", "anode"), ("c1", "cell"), ("c2", "cell")}
    hub.add_edge("s3", "m")
    hub.nodes["s3"].update(stage="cathode")
    assert ("m", "cathode") not in {(f["client"], f["stage"]) for f in analysis.single_sourced(hub)}


def test_measures_do_not_mislead_on_acyclic_graphs():
    dag = nx.DiGraph([(i, i + 1) for i in range(10)])
    ranks = analysis.pagerank(dag)
    assert all(value > 0 for value in ranks.values())
    assert ranks[10] == max(ranks.values())


@pytest.mark.parametrize(
    "graph",
    [
        nx.DiGraph(),
        nx.DiGraph([(1, 1)]),
        nx.DiGraph([(1, 2), (3, 4)]),
        nx.DiGraph([(1, 2), (2, 1), (2, 2)]),
    ],
    ids=["empty", "self-loop", "disconnected", "cycle"],
)
def test_every_measure_terminates_on_odd_graphs(graph):
    for node in graph:
        graph.nodes[node].update(stage="", label=str(node))
    run = analysis.node_measures(graph)
    assert set(run.values) == set(analysis.MEASURES)
    for values in run.values.values():
        assert set(values) == set(graph.nodes)


def random_supply_graph(n: int, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(n, 3 * n, seed=seed, directed=True)
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if rng.random() < 0.1])
    return graph


def test_pagerank_matches_the_definition_by_linear_algebra():
    graph = random_supply_graph(3000, seed=7)
    n, alpha = graph.number_of_nodes(), 0.85
    index = {node: i for i, node in enumerate(graph)}
    matrix = np.zeros((n, n))
    for a, b in graph.edges:
        matrix[index[b], index[a]] = 1 / graph.out_degree(a)
    dangling = np.array([graph.out_degree(node) == 0 for node in graph], dtype=float)
    # p = alpha * (M p + dangling . p / n) + (1 - alpha) / n, solved directly.
    system = np.eye(n) - alpha * (matrix + np.outer(np.ones(n), dangling) / n)
    expected = np.linalg.solve(system, np.full(n, (1 - alpha) / n))
    got = analysis.pagerank(graph)
    assert max(abs(got[node] - expected[index[node]]) for node in graph) < 1e-6


def test_betweenness_matches_igraph():
    import igraph  # a dependency of chaingraph: missing, the test fails

    graph = random_supply_graph(1500, seed=3)
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    other = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges], directed=True)
    n = len(nodes)
    expected = [value / ((n - 1) * (n - 2)) for value in other.betweenness(directed=True)]
    got = analysis.betweenness(graph, backend="networkx")
    assert max(abs(got[node] - expected[index[node]]) for node in nodes) < 1e-9


def test_fast_backend_agrees_with_networkx_exact_and_sampled():
    graph = random_supply_graph(800, seed=9)
    for k in (None, 120):
        reference = analysis.betweenness(graph, k=k, seed=4, backend="networkx")
        fast = analysis.betweenness(graph, k=k, seed=4, backend="igraph")
        assert max(abs(reference[node] - fast[node]) for node in graph) < 1e-9


def test_sampled_betweenness_estimates_the_exact_ranking():
    graph = random_supply_graph(600, seed=2)
    exact = analysis.betweenness(graph, backend="networkx")
    sampled = analysis.betweenness(graph, k=300, seed=1, backend="networkx")
    top = set(sorted(exact, key=exact.get)[-20:])
    assert len(top & set(sorted(sampled, key=sampled.get)[-20:])) >= 14


def test_reach_sketches_estimate_large_reach_and_count_small_reach_exactly(monkeypatch):
    graph = nx.gn_graph(4000, seed=5).reverse()  # a random tree-like DAG with hubs
    graph.add_edges_from((i, i + 1) for i in range(0, 3990, 7))
    exact = analysis.downstream_reach(graph, exact=True)
    monkeypatch.setattr(reach_module, "EXACT_REACH_LIMIT", 10)
    assert analysis.reach_is_estimated(graph)
    estimate = analysis.downstream_reach(graph)
    small = [node for node in graph if exact[node] < kernels.REACH_SKETCH - 1]
    assert all(estimate[node] == exact[node] for node in small)
    large = [node for node in graph if exact[node] >= 1000]
    assert large
    errors = sorted(abs(estimate[node] - exact[node]) / exact[node] for node in large)
    assert errors[len(errors) // 2] < 0.1 and errors[-1] < 0.35


def test_sampled_measures_are_seeded_and_close_to_exact():
    graph = random_supply_graph(600, seed=11)
    exact = analysis.harmonic(graph)
    first = analysis.harmonic(graph, k=300, seed=1)
    assert first == analysis.harmonic(graph, k=300, seed=1)
    top_exact = set(sorted(exact, key=exact.get)[-30:])
    top_sampled = set(sorted(first, key=first.get)[-30:])
    assert len(top_exact & top_sampled) >= 20


def test_node_measures_samples_above_the_threshold_and_says_so():
    graph = random_supply_graph(300, seed=5)
    run = analysis.node_measures(graph, threshold=100, samples=50)
    assert run.sampled == {"betweenness": 50, "closeness": 50, "harmonic": 50}
    exact = analysis.node_measures(graph, threshold=100, samples=50, exact=True)
    assert exact.sampled == {}


def test_impact_of_the_hub(hub):
    result = impact(hub, "m")
    assert {(loss.client, loss.stage) for loss in result.stage_losses} == {("c1", "cell"), ("c2", "cell")}
    assert sorted(result.stranded) == ["c1", "c2"]
    # Pairs s1->c1, s1->c2, s2->c1, s2->c2 lose their only path.
    assert result.reach_lost == 4
    assert (result.components_before, result.components_after) == (1, 4)


def test_impact_keeps_clients_with_a_second_supplier_of_the_stage(hub):
    hub.add_edge("m2", "c1")
    hub.nodes["m2"].update(stage="cell", label="m2")
    result = impact(hub, "m")
    assert [loss.client for loss in result.stage_losses] == ["c2"]


def test_small_graph_pagerank_agrees_with_the_scipy_implementation():
    graph = random_supply_graph(300, seed=13)
    assert graph.number_of_nodes() <= kernels.SMALL_GRAPH
    reference = nx.pagerank(graph, tol=1e-12, max_iter=1000)
    got = analysis.pagerank(graph)
    assert max(abs(got[node] - reference[node]) for node in graph) < 1e-8


def test_edge_ends_without_a_class_join_with_their_labels_and_places(ttl):
    from chaingraph.projection.read import project
    from chaingraph.store import open_store

    data = ttl(
        'ex:typed a cg:Company ; rdfs:label "Typed"@en ; cg:supplierOf ex:bare .\n'
        'ex:bare rdfs:label "Bare"@en , "裸"@zh ; cg:locatedIn fj:ningde ; cg:supplierOf ex:typed .\n'
        "ex:nameless cg:supplierOf ex:typed .\n"
    )
    graph = project(open_store([data], bundled=False))
    bare, nameless = "https://example.test/bare", "https://example.test/nameless"
    assert list(graph) == ["https://example.test/typed", bare, nameless]  # typed first, then by IRI
    assert graph.nodes[bare]["kind"] == "organization"
    assert (graph.nodes[bare]["label"], graph.nodes[bare]["label_zh"]) == ("Bare", "裸")
    assert graph.nodes[bare]["place"] == "https://w3id.org/chaingraph/fujian/ningde"
    assert graph.nodes[nameless]["label"] == "nameless"
    assert set(graph.edges) == {
        ("https://example.test/typed", bare),
        (bare, "https://example.test/typed"),
        (nameless, "https://example.test/typed"),
    }


def test_each_measure_has_one_entry_that_every_output_derives_from(run):
    from chaingraph.measures import compiled

    assert set(compiled.FUNCTIONS) == set(analysis.MEASURES)  # a compiled function for each
    headers = [info.header for info in analysis.MEASURES.values()]
    assert len(set(headers)) == len(headers) and all(headers)
    rows = json.loads(run("stats", "--format", "json").stdout)
    # JSON adds each firm's names last (every name it was given, to check a merge by).
    assert list(rows[0]) == ["id", "label", "label_zh", "kind", "place", "stage", *analysis.MEASURES, "names"]
    # --columns takes a measure by its header, and --help lists every measure with its help.
    chosen = run("stats", "--columns", ",".join(headers), "--format", "csv").stdout.splitlines()[0]
    assert chosen.split(",") == list(analysis.MEASURES)
    usage = run("stats", "--help").stdout
    assert all(key in usage and info.help.split()[0] in usage for key, info in analysis.MEASURES.items())


def test_an_unstaged_supplier_never_costs_a_client_a_stage(run, ttl):
    """Issue 29's wrong answer: a firm of one's own with no stage supplying CATL does not leave CATL
    without a stage (CATL keeps every staged supplier); it is only ever a loss of all supply."""
    import json

    data = ttl('ex:foil a cg:Company ; rdfs:label "Foil Co"@en ; cg:locationUnknown true ; cg:supplierOf fj:catl .')
    for backend in ("networkx", "compiled"):
        from chaingraph import reports
        from chaingraph.store import open_store

        [found] = reports.impact(open_store([data]), "Foil Co", compute=Compute(backend=backend))
        assert found.stage_losses == [] and found.stranded == [], backend
    result = run("impact", "Foil Co", "--data", str(data), "--format", "json")
    [record] = json.loads(result.stdout)
    assert record["stage_losses"] == [] and record["direct_clients"] == 1


def test_an_unstaged_sole_supplier_strands_its_client(ttl):
    from chaingraph import reports
    from chaingraph.store import open_store

    data = ttl(
        'ex:foil a cg:Company ; rdfs:label "Foil Co"@en ; cg:locationUnknown true ; cg:supplierOf ex:buyer .\n'
        'ex:buyer a cg:Company ; rdfs:label "Buyer"@en ; cg:locationUnknown true .'
    )
    for backend in ("networkx", "compiled"):
        [found] = reports.impact(open_store([data]), "Foil Co", compute=Compute(backend=backend))
        assert found.stranded == ["https://example.test/buyer"] and found.stage_losses == [], backend


def test_every_measure_documents_its_inputs_direction_source_and_an_example():
    """numpydoc sections on each measure of the reference (and the cut points and single sourcing)."""
    from chaingraph.measures.reference import REFERENCE, articulation_points, single_sourced

    without_literature = {"in_degree", "out_degree", "single_sourced"}  # counts, not published measures
    for name, function in {
        **REFERENCE,
        "articulation_points": articulation_points,
        "single_sourced": single_sourced,
    }.items():
        doc = function.__doc__ or ""
        for section in ("Parameters", "Returns", "Notes", "Examples"):
            assert f"\n    {section}\n    {'-' * len(section)}\n" in doc, (name, section)
        assert ">>> " in doc, name
        assert "edge" in doc.split("Notes", 1)[1].split("Examples", 1)[0], (name, "the edge direction read")
        if name not in without_literature:
            assert "\n    References\n    ----------\n" in doc, name
