"""The compiled analysis graph gives NetworkX's numbers: every measure, exact and sampled."""

from __future__ import annotations

import math
import os

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph import reports
from chaingraph.engines import Compute
from chaingraph.measures import compiled, kernels
from chaingraph.measures import reference as analysis
from chaingraph.measures.kernels import MeasureRun
from chaingraph.measures.reference import _reach as reach_module
from chaingraph.projection.model import Projection
from chaingraph.projection.selection import Scope

from ..conftest import run_process

TOLERANCE = 1e-9


def assert_runs_agree(reference: MeasureRun, fast: MeasureRun, nodes) -> None:
    assert fast.sampled == reference.sampled
    assert fast.estimated == reference.estimated
    for key in analysis.MEASURES:
        for node in nodes:
            expected, got = reference.values[key][node], fast.values[key][node]
            if isinstance(expected, bool):
                assert bool(got) is expected, (key, node)
            else:
                assert math.isclose(float(got), float(expected), rel_tol=TOLERANCE, abs_tol=TOLERANCE), (
                    key,
                    node,
                    expected,
                    got,
                )


@st.composite
def supply_graphs(draw):
    """Directed graphs with cycles, self-loops, isolated nodes and several components."""
    n = draw(st.integers(min_value=0, max_value=40))
    names = [f"urn:firm:{i:03d}" for i in range(n)]
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    if n:
        pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
        # In node order, as the projection adds them (the order clients are listed in).
        graph.add_edges_from((names[a], names[b]) for a, b in sorted(draw(st.lists(pairs, max_size=3 * n))))
    return graph


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=supply_graphs(), exact=st.booleans(), samples=st.integers(1, 10))
def test_every_measure_equals_networkx(graph, exact, samples):
    fast_graph = compiled.AnalysisGraph(Projection.from_networkx(graph))
    options = {"exact": exact, "samples": samples, "threshold": 0}
    reference = analysis.node_measures(graph, **options)
    assert_runs_agree(reference, compiled.node_measures(fast_graph, **options), graph)


@pytest.mark.parametrize("seed", range(3))
def test_larger_random_graphs_sampled_and_exact(seed):
    graph = nx.relabel_nodes(nx.gnp_random_graph(600, 0.006, seed=seed, directed=True), lambda i: f"urn:n:{i:04d}")
    graph.add_edges_from([("urn:n:0001", "urn:n:0001"), ("urn:n:0002", "urn:n:0003"), ("urn:n:0003", "urn:n:0002")])
    fast_graph = compiled.AnalysisGraph(Projection.from_networkx(graph))
    for options in ({"exact": True}, {"threshold": 100, "samples": 40, "seed": seed}):
        assert_runs_agree(
            analysis.node_measures(graph, **options), compiled.node_measures(fast_graph, **options), graph
        )


@pytest.mark.parametrize("cells", [1, 600 * 3, 600 * 1000])
def test_distances_in_batches_of_any_size_agree(monkeypatch, cells):
    """Closeness and harmonic read distances a few sources at a time when the graph is large."""
    monkeypatch.setattr(compiled, "DISTANCE_CELLS", cells)
    graph = nx.relabel_nodes(nx.gnp_random_graph(600, 0.006, seed=11, directed=True), lambda i: f"urn:n:{i:04d}")
    fast_graph = compiled.AnalysisGraph(Projection.from_networkx(graph))
    for options in ({"exact": True}, {"threshold": 100, "samples": 50, "seed": 3}):
        assert_runs_agree(
            analysis.node_measures(graph, **options), compiled.node_measures(fast_graph, **options), graph
        )


def test_sketched_reach_equals_networkx_sketches(monkeypatch):
    monkeypatch.setattr(reach_module, "EXACT_REACH_LIMIT", 10)
    monkeypatch.setattr(compiled, "REACH_WORK_LIMIT", 10)
    graph = nx.relabel_nodes(nx.gnp_random_graph(800, 0.004, seed=7, directed=True), lambda i: f"urn:n:{i:04d}")
    fast_graph = compiled.AnalysisGraph(Projection.from_networkx(graph))
    reference, fast = analysis.node_measures(graph), compiled.node_measures(fast_graph)
    assert reference.estimated == ["upstream_reach", "downstream_reach"]
    assert_runs_agree(reference, fast, graph)
    # The estimate is near the truth: within 25% for nodes that reach many.
    for node in graph:
        truth = len(nx.descendants(graph, node))
        if truth > 400:
            assert abs(fast.values["downstream_reach"][node] - truth) < 0.25 * truth


def test_single_sourced_equals_networkx(store):
    from chaingraph.projection.read import project

    graph = project(store)
    fast = compiled.single_sourced(compiled.AnalysisGraph(Projection.from_networkx(graph)))
    assert fast == analysis.single_sourced(graph)
    assert fast


@pytest.mark.parametrize(
    "scope, exact", [(None, False), (Scope(chain="ningde"), False), (Scope(region="Quanzhou"), False), (None, True)]
)
def test_stats_on_the_bundled_graph_agree(store, scope, exact):
    reference = reports.stats(store, scope, compute=Compute(backend="networkx", exact=exact))
    fast = reports.stats(store, scope, compute=Compute(backend="compiled", exact=exact))
    assert [r["id"] for r in fast.rows] == [r["id"] for r in reference.rows]
    for ours, theirs in zip(reference.rows, fast.rows, strict=True):
        for key, value in ours.items():
            if isinstance(value, float):
                assert math.isclose(theirs[key], value, rel_tol=TOLERANCE, abs_tol=TOLERANCE), key
            else:
                assert theirs[key] == value, key
    assert (fast.nodes, fast.edges, fast.single_sourced) == (reference.nodes, reference.edges, reference.single_sourced)
    assert fast.clusters == reference.clusters


def test_synthetic_network_takes_the_compiled_path_and_agrees(tmp_path):
    from chaingraph.store import open_store

    path = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "2500", "-o", str(path)).returncode == 0
    store = open_store([path], bundled=False)
    fast = reports.stats(store)  # auto: above the threshold
    reference = reports.stats(store, compute=Compute(backend="networkx"))
    assert fast.nodes > kernels.COMPILED_THRESHOLD and fast.sampled
    assert [r["id"] for r in fast.rows] == [r["id"] for r in reference.rows]
    for ours, theirs in zip(reference.rows, fast.rows, strict=True):
        for key in analysis.MEASURES:
            assert math.isclose(float(theirs[key]), float(ours[key]), rel_tol=TOLERANCE, abs_tol=TOLERANCE), key
    # --top builds rows for the first nodes only; ties at the cut (many firms share a degree or a
    # reach) must come out as the full sort has them.
    for sort in ("in_degree", "out_degree", "upstream_reach", "articulation_point", "pagerank"):
        everything = reports.stats(store, sort=sort).rows
        for top in (1, 7, 100):
            assert reports.stats(store, sort=sort, top=top).rows == everything[:top], (sort, top)


def test_compiled_backend_refuses_stage_level(store):
    from chaingraph.errors import InputError

    with pytest.raises(InputError, match="firm level"):
        reports.stats(store, Scope(level="stage"), compute=Compute(backend="compiled"))


def test_harmonic_is_networkx_harmonic_centrality():
    graph = nx.gnp_random_graph(120, 0.03, seed=3, directed=True)
    expected = nx.harmonic_centrality(graph)
    for node, value in analysis.harmonic(graph).items():
        assert math.isclose(value, expected[node], rel_tol=1e-12, abs_tol=1e-12)


def test_stats_are_the_same_in_every_process():
    # String hashing differs per process: nothing may depend on the order of a set.
    outputs = set()
    for seed in ("1", "16", "2"):  # 16 orders the old set-based sum differently
        result = run_process("stats", "--format", "json", env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=supply_graphs(), top=st.integers(1, 6), stages=st.lists(st.sampled_from(["a", "b", ""]), min_size=40))
def test_impacts_equal_networkx(graph, top, stages):
    from dataclasses import asdict

    from chaingraph.measures.impact import CompiledImpacts, impact, impact_all

    for node, stage in zip(graph, stages, strict=False):
        graph.nodes[node].update(label=node, stage=stage, stage_label=stage.upper())
    impacts = CompiledImpacts(compiled.AnalysisGraph(Projection.from_networkx(graph)))
    reference = [asdict(found) for found in impact_all(graph)]
    assert [asdict(found) for found in impacts.most_harmful(None)] == reference
    # The pruned search finds the same leaders as the full ranking.
    assert [asdict(found) for found in impacts.most_harmful(top)] == reference[:top]
    for index, node in enumerate(list(graph)[:5]):
        assert asdict(impacts.impact(index)) == asdict(impact(graph, node))


@pytest.mark.parametrize("args", [("CATL",), ("Skeqi",), (None,)])
def test_impact_on_the_bundled_graph_agrees(store, args):
    from dataclasses import asdict

    options = {"top": 8} if args[0] is None else {}  # no firm: every firm, the most harmful first
    reference = reports.impact(store, args[0], **options, compute=Compute(backend="networkx"))
    fast = reports.impact(store, args[0], **options, compute=Compute(backend="compiled"))
    assert [asdict(x) for x in fast] == [asdict(x) for x in reference]
    assert reference


@pytest.mark.parametrize("shape", ["ring", "two rings joined", "ring with a tail", "ring with chords"])
def test_impacts_on_cyclic_graphs_equal_networkx(shape):
    """Rings are where removing a firm leaves one long path (the condensed count); chords make
    the condensation branch both ways (the search from every node)."""
    from dataclasses import asdict

    from chaingraph.measures.impact import CompiledImpacts, impact_all

    n = 40
    graph = nx.DiGraph([(i, (i + 1) % n) for i in range(n)])
    if shape == "two rings joined":
        graph.add_edges_from([(n + i, n + (i + 1) % 15) for i in range(15)] + [(3, n), (n + 7, 20)])
    elif shape == "ring with a tail":
        graph.add_edges_from([(5, 100), (100, 101), (101, 102), (103, 7)])
    elif shape == "ring with chords":
        graph.add_edges_from([(0, 20), (10, 30), (25, 5)])
    graph = nx.relabel_nodes(graph, {node: f"f{node}" for node in graph})
    for node in graph:
        graph.nodes[node].update(label=node, stage="", stage_label="")
    reference = [asdict(found) for found in impact_all(graph)]
    impacts = CompiledImpacts(compiled.AnalysisGraph(Projection.from_networkx(graph)))
    assert [asdict(found) for found in impacts.most_harmful(None)] == reference
    if shape == "ring":  # the definition: without one firm, a ring of n is a path of n - 1
        assert {found["reach_lost"] for found in reference} == {(n - 1) * (n - 2) // 2}


@settings(max_examples=40, deadline=None)
@given(supply_graphs())
def test_rankings_alone_equal_the_full_run(graph):
    """diff's rankings (PageRank, dependence alone) are the values node_measures gives, on each path."""
    from chaingraph.measures import dispatch
    from chaingraph.projection.model import Projection

    projection = Projection.from_networkx(graph)
    for backend in ("networkx", "compiled"):
        alone = dispatch.rankings(projection, ("pagerank", "dependence"), backend=backend)
        run, _ = dispatch.node_measures(projection, backend=backend)
        for measure in ("pagerank", "dependence"):
            assert alone[measure] == {node: run.values[measure][node] for node in graph}


@given(st.lists(st.sampled_from(["fujian", "zhejiang", "guangdong", "", None]), max_size=40))
def test_province_groups_are_numbered_as_a_dict_filled_in_node_order(provinces) -> None:
    """The purchase sums of region_hhi run in group-id order, so the vectorised numbering must be
    the one a dict filled node by node gives (each unknown province a group of its own)."""
    from chaingraph.measures.compiled._purchases import _first_seen_ids

    ids: dict[object, int] = {}
    expected = [ids.setdefault(place or ("", i), len(ids)) for i, place in enumerate(provinces)]
    assert _first_seen_ids(provinces).tolist() == expected


def test_positions_by_lists_each_value_and_each_member_of_a_set_in_node_order() -> None:
    graph = nx.DiGraph()
    graph.add_node("a", kind="firm", stage="cells", chains={"ningde", "jinjiang"})
    graph.add_node("b", kind="firm", stage=None, chains=set())
    graph.add_node("c", kind="firm", stage="cells", chains={"ningde"})
    graph.add_edge("a", "b")
    table = Projection.from_networkx(graph)
    assert table.positions_by("stage") == {"cells": [0, 2], None: [1]}
    assert table.positions_by("chains") == {"ningde": [0, 2], "jinjiang": [0]}


def _scipy_pagerank(n, rows, columns, alpha=0.85):
    """NetworkX's SciPy power iteration (networkx.pagerank's _pagerank_scipy), written out."""
    import numpy as np
    import scipy.sparse

    matrix = scipy.sparse.coo_array((np.ones(len(rows)), (rows, columns)), shape=(n, n)).tocsr()
    weights = matrix.sum(axis=1)
    weights[weights != 0] = 1.0 / weights[weights != 0]
    matrix = scipy.sparse.dia_array((weights.T, 0), shape=matrix.shape).tocsr() @ matrix
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(weights == 0)[0]
    for _ in range(kernels.PAGERANK_MAX_ITER):
        previous = x
        x = alpha * (x @ matrix + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - previous).sum() < n * kernels.PAGERANK_TOLERANCE:
            return x
    raise AssertionError("no convergence")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=120))
    )
)
def test_pagerank_is_scipys_to_the_last_bit(graph):
    """The NumPy power iteration must give SciPy's figures exactly (duplicate edges, self-loops
    and dangling nodes included): the outputs are compared byte for byte."""
    import numpy as np

    n, edges = graph
    rows = np.array([a for a, _ in edges], dtype=np.int64)
    columns = np.array([b for _, b in edges], dtype=np.int64)
    assert compiled._pagerank(n, rows, columns, 0.85).tolist() == _scipy_pagerank(n, rows, columns).tolist()
