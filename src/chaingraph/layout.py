"""Where the nodes of a view go: supply layers from upstream, and columns by layer with rows
ordered to keep edges short. Pure functions of the graph; :mod:`chaingraph.viewpage` draws the page.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx


def supply_levels(graph: nx.DiGraph) -> dict[str, int]:
    """Layer of each node from upstream (0): the longest supply path reaching it (cycles collapsed)."""
    condensed = nx.condensation(graph)
    layer = {}
    # A component's topological generation is the length of the longest path reaching it: every
    # predecessor lies in an earlier generation, one in the generation just before.
    for depth, generation in enumerate(nx.topological_generations(condensed)):
        for component in generation:
            layer[component] = depth
    mapping = condensed.graph["mapping"]
    return {node: layer[mapping[node]] for node in graph}


def layered_positions(graph: nx.DiGraph, levels: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Columns by supply layer, rows ordered by the mean row of each node's suppliers."""
    columns: dict[int, list[str]] = {}
    for node in sorted(graph, key=lambda n: (levels[n], graph.nodes[n].get("label", ""))):
        columns.setdefault(levels[node], []).append(node)
    row: dict[str, float] = {}
    for depth in sorted(columns):
        members = columns[depth]
        if depth > 0:

            def barycentre(node: str) -> float:
                rows = [row[p] for p in graph.predecessors(node) if p in row]
                return sum(rows) / len(rows) if rows else 0.0

            members.sort(key=barycentre)
        height = len(members)
        for index, node in enumerate(members):
            row[node] = index - height / 2
    spacing = 40.0
    return {node: (levels[node] * 400.0, row[node] * spacing) for node in graph}
