"""Every measure terminates on any small graph."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph.measures import reference as analysis

small_graphs = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20).map(nx.DiGraph)


@settings(max_examples=150, deadline=None)
@given(graph=small_graphs, isolated=st.integers(0, 3))
def test_every_measure_terminates_on_any_small_graph(graph, isolated):
    graph.add_nodes_from(range(100, 100 + isolated))
    run = analysis.node_measures(graph)
    for key, values in run.values.items():
        assert set(values) == set(graph.nodes), key
    exact = analysis.downstream_reach(graph, exact=True)
    assert exact == {n: len(nx.descendants(graph, n)) for n in graph}
    assert analysis.upstream_reach(graph) == {n: len(nx.ancestors(graph, n)) for n in graph}
