"""The peer of ``chaingraph stats --relations``: what an expert writes instead, with pandas and igraph.

    python benchmarks/expert_igraph.py relations.csv

Reads a relations sheet in the import layout (``supplier``, ``client``, ...), builds the directed
supplier -> client graph with igraph, and computes what ``stats`` reports: in and out degree,
PageRank along and against supply, betweenness and distances (closeness, harmonic) from 256 sampled
sources, upstream and downstream reach, articulation points. It prints the node and edge counts.
The benchmark runs it beside chaingraph in the same run (benchmarks/run.py, step "tables stats").
"""

from __future__ import annotations

import sys

import igraph as ig
import numpy as np
import pandas as pd

SAMPLES = 256


def main(path: str) -> None:
    frame = pd.read_csv(path, usecols=["supplier", "client"], dtype=str)
    frame = frame.drop_duplicates()
    graph = ig.Graph.TupleList(frame.itertuples(index=False), directed=True)
    graph.simplify(loops=False)
    n = graph.vcount()
    graph.indegree()
    graph.outdegree()
    graph.pagerank(damping=0.85)
    graph.reverse_edges()
    graph.pagerank(damping=0.85)
    graph.reverse_edges()
    sources = np.random.default_rng(42).choice(n, size=min(SAMPLES, n), replace=False).tolist()
    # Betweenness from sampled sources: igraph's exact betweenness is O(nm); the subset form
    # is what chaingraph's sampled estimate computes.
    graph.betweenness(sources=sources, directed=True)
    # Distances a few sources at a time: a list of lists for all 256 at 1M firms would not fit.
    harmonic = np.zeros(n)
    for start in range(0, len(sources), 16):
        distances = np.array(graph.distances(source=sources[start : start + 16], mode="out"), dtype=float)
        finite = np.isfinite(distances) & (distances > 0)
        with np.errstate(divide="ignore"):
            harmonic += np.where(finite, 1.0 / distances, 0.0).sum(axis=0)
    # Reach: the size of each node's set of descendants and of ancestors (condensation DAG).
    components = graph.connected_components(mode="strong")
    dag = components.cluster_graph()
    for mode in ("out", "in"):
        dag.neighborhood_size(order=n, mode=mode)
    graph.articulation_points()
    print(n, graph.ecount())


if __name__ == "__main__":
    main(sys.argv[1])
