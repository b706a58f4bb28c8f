"""Where the nodes of a view go: chain stages as columns (upstream left, downstream right) with a
lane per chain, or supply layers from upstream for networks without stages; rows ordered to keep
edges short. Pure functions of the graph: the page (templates/view.html) turns slots into pixels
once the browser has measured each label, and :mod:`chaingraph.views.page` draws the page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

__all__ = [
    "Slot",
    "against_stage_order",
    "extra_lane",
    "lane_chains",
    "layered_positions",
    "slot_positions",
    "stage_slots",
    "supply_levels",
]


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


@dataclass(frozen=True)
class Slot:
    """Where a node sits in the stage-column layout. ``lane``: one per chain, top to bottom.
    ``column``: the node's place in the chain's stage order (upstream left). ``track``: the vertical
    track it is drawn in, left to right (a tall column is wrapped over several tracks). ``row``: its
    row within the lane, top to bottom."""

    lane: int
    column: int
    track: int
    row: int


#: The shape the stage layout aims at (width over height, in rows and tracks of about a label's
#: size): the part of a 1400 x 900 window beside the legend.
TRACK_WIDTH, ROW_HEIGHT, ASPECT = 170.0, 60.0, 1.25


def stage_slots(
    graph: nx.DiGraph,
    chains: Mapping[str, Mapping] | None = None,
    cell: tuple[float, float] = (TRACK_WIDTH, ROW_HEIGHT),
) -> dict[str, Slot]:
    """Stages as columns in chain order, one lane per chain, rows ordered to reduce crossings.

    A node's column comes from its stage's order in its chain (``stage_order``); supply edges
    between nodes of one stage order split it into columns by supply level, so they run left to
    right too. A node with no stage takes the column after its latest staged supplier (or before
    its earliest staged client); one with no stage and no supply edge fills the emptiest columns of
    its lane. Rows: grouped by stage within each (lane, column), then sorted by the barycentre of
    the node's supply neighbours, sweeping downstream and back (the Sugiyama heuristic). A column
    much taller than the view is wide is wrapped over several tracks, its stages kept together;
    ``cell`` (a track's width and a row's height) sets the shape the wrapping aims at.
    """
    linked = graph.subgraph(node for node in graph if graph.degree(node) or graph.nodes[node].get("stage"))
    keys = _column_keys(linked)
    columns = _columns(linked, keys)
    lanes = _lanes(graph, chains if chains is not None else graph.graph.get("chains", {}))
    groups: dict[tuple[int, int], list[str]] = {}
    for node in sorted(linked, key=lambda n: _stage_key(graph.nodes[n])):
        groups.setdefault((lanes[node], columns[node]), []).append(node)
    _order_rows(graph, groups)
    width = max(columns.values(), default=-1) + 1 or 1
    for node in sorted(set(graph) - set(linked), key=lambda n: _stage_key(graph.nodes[n])):
        lane = lanes[node]
        emptiest = min(range(width), key=lambda c: (len(groups.get((lane, c), [])), c))
        groups.setdefault((lane, emptiest), []).append(node)
        columns[node] = emptiest
    tracks = _tracks_per_column(groups, width, cell)
    first_track = [sum(tracks[:column]) for column in range(width)]
    slots = {}
    for (lane, column), members in groups.items():
        height = math.ceil(len(members) / tracks[column])
        for index, node in enumerate(members):
            slots[node] = Slot(lane, column, first_track[column] + index // height, index % height)
    return slots


def slot_positions(
    slots: Mapping[str, Slot], cell: tuple[float, float] = (TRACK_WIDTH, ROW_HEIGHT)
) -> dict[str, tuple[float, float]]:
    """Pixel positions of the slots on an even grid of ``cell`` (a track's width, a row's
    height), lanes stacked one empty row apart."""
    track_width, row_height = cell
    rows_in_lane: dict[int, int] = {}
    for slot in slots.values():
        rows_in_lane[slot.lane] = max(rows_in_lane.get(slot.lane, 0), slot.row + 1)
    top, offset = 0, {}
    for lane in sorted(rows_in_lane):
        offset[lane] = top
        top += rows_in_lane[lane] + 1
    return {
        node: (slot.track * track_width, (offset[slot.lane] + slot.row) * row_height) for node, slot in slots.items()
    }


def extra_lane(slots: Mapping[str, Slot], members: list[str]) -> dict[str, Slot]:
    """Slots for ``members`` in a lane of their own below the others, spread over the tracks."""
    lane = max((slot.lane for slot in slots.values()), default=-1) + 1
    width = max((slot.track for slot in slots.values()), default=0) + 1
    return {node: Slot(lane, -1, index % width, index // width) for index, node in enumerate(members)}


def against_stage_order(slots: Mapping[str, Slot], supplier: str, client: str) -> bool:
    """True when a supply edge cannot run left to right: its supplier's column is not left of its
    client's (battery recyclers supplying the cell maker, a testing service supplying the maker)."""
    return slots[supplier].column >= slots[client].column


def _order_rows(graph: nx.DiGraph, groups: Mapping[tuple[int, int], list[str]]) -> None:
    """Sort each group's nodes by barycentre, sweeping downstream, back, and downstream again."""
    position = dict.fromkeys(graph, 0.0)
    order = sorted(groups, key=lambda group: group[1])
    for sweep in range(4):
        for group in order if sweep % 2 == 0 else reversed(order):
            members = groups[group]
            if sweep:
                _sort_by_barycentre(graph, members, position)
            for index, node in enumerate(members):
                position[node] = (index - (len(members) - 1) / 2) / len(members)


def _tracks_per_column(groups: Mapping[tuple[int, int], list[str]], width: int, cell: tuple[float, float]) -> list[int]:
    """How many tracks each column is drawn over: every column wrapped at one row count, the one
    that brings the layout's shape nearest :data:`ASPECT`."""
    lanes = sorted({lane for lane, _ in groups})
    counts = {(lane, column): len(members) for (lane, column), members in groups.items()}
    tallest = max(counts.values(), default=1)

    def tracks_at(rows: int) -> list[int]:
        return [max([math.ceil(counts.get((lane, c), 0) / rows) for lane in lanes] + [1]) for c in range(width)]

    def size(rows: int) -> float:
        tracks = tracks_at(rows)
        height = sum(max(math.ceil(counts.get((lane, c), 0) / tracks[c]) for c in range(width)) for lane in lanes)
        return max(sum(tracks) * cell[0] / ASPECT, (height + len(lanes) - 1) * cell[1])

    return tracks_at(min(range(1, tallest + 1), key=lambda rows: (size(rows), -rows)))


def _stage_key(attrs: Mapping) -> tuple:
    return (attrs.get("stage_order") or 0, attrs.get("stage_label", ""), attrs.get("label", ""))


def _column_keys(graph: nx.DiGraph) -> dict[str, float]:
    """Each node's stage order; the unstaged placed beside their staged supply neighbours."""
    keys: dict[str, float] = {
        node: float(attrs.get("stage_order") or 0) for node, attrs in graph.nodes(data=True) if attrs.get("stage")
    }
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    by_component: dict[int, list[str]] = {}
    for node, component in members.items():
        by_component.setdefault(component, []).append(node)
    ordered = [node for component in nx.topological_sort(condensed) for node in sorted(by_component[component])]
    for node in ordered:  # downstream of a staged supplier: one column after the latest
        if node not in keys:
            above = [keys[p] for p in graph.predecessors(node) if p in keys]
            if above:
                keys[node] = max(above) + 0.5
    for node in reversed(ordered):  # upstream of a staged client: one column before the earliest
        if node not in keys:
            below = [keys[s] for s in graph.successors(node) if s in keys]
            if below:
                keys[node] = min(below) - 0.5
    last = max(keys.values(), default=0.0) + 1
    for node in graph:
        keys.setdefault(node, last)
    return keys


def _columns(graph: nx.DiGraph, keys: Mapping[str, float]) -> dict[str, int]:
    """Column numbers from the keys, a key split by supply level where its nodes supply each other."""
    by_key: dict[float, list[str]] = {}
    for node, key in keys.items():
        by_key.setdefault(key, []).append(node)
    sub: dict[str, int] = {}
    for members in by_key.values():
        sub.update(supply_levels(graph.subgraph(members)))
    ranks = {pair: rank for rank, pair in enumerate(sorted({(keys[n], sub[n]) for n in graph}))}
    return {node: ranks[(keys[node], sub[node])] for node in graph}


def lane_chains(graph: nx.DiGraph, chains: Mapping[str, Mapping] | None = None) -> list[str]:
    """The chains of the stage layout's lanes, top to bottom, in the order of their names: lane
    ``i`` is chain ``i``; a lane after them, if any, holds nodes of no chain."""
    chains = chains if chains is not None else graph.graph.get("chains", {})
    return _by_name(_chain_of(graph, chains).values(), chains)


def _by_name(chain_ids, chains: Mapping[str, Mapping]) -> list[str]:
    return sorted(set(chain_ids), key=lambda c: (chains.get(c, {}).get("label", c), c))


def _chain_of(graph: nx.DiGraph, chains: Mapping[str, Mapping]) -> dict[str, str]:
    """Each node's chain: the one its stage belongs to, else the first it is listed in."""
    chain_of: dict[str, str] = {}
    for node, attrs in graph.nodes(data=True):
        own = [c for c in attrs.get("chains", []) if attrs.get("stage") in chains.get(c, {}).get("stages", {})]
        listed = own or list(attrs.get("chains", []))
        if listed:
            chain_of[node] = min(listed)
    return chain_of


def _lanes(graph: nx.DiGraph, chains: Mapping[str, Mapping]) -> dict[str, int]:
    """A lane per chain (:func:`lane_chains`); a node of no chain joins the lane most of its supply
    neighbours are in, or a last lane of its own."""
    chain_of = _chain_of(graph, chains)
    lane_of_chain = {chain: index for index, chain in enumerate(_by_name(chain_of.values(), chains))}
    lanes = {node: lane_of_chain[chain] for node, chain in chain_of.items()}
    for node in graph:
        if node not in lanes:
            near = Counter(lanes[n] for n in nx.all_neighbors(graph, node) if n in lanes)
            lanes[node] = min(near, key=lambda lane: (-near[lane], lane)) if near else len(lane_of_chain)
    return lanes


def _sort_by_barycentre(graph: nx.DiGraph, members: list[str], position: Mapping[str, float]) -> None:
    """Order a column's nodes by the mean position of their supply neighbours, keeping each stage's
    nodes together (the stages ordered by their own mean)."""

    def barycentre(node: str) -> float:
        near = [position[n] for n in nx.all_neighbors(graph, node)]
        return sum(near) / len(near) if near else position[node]

    centre = {node: barycentre(node) for node in members}
    stage_of = {node: graph.nodes[node].get("stage", "") for node in members}
    stage_centre: dict[str, list[float]] = {}
    for node in members:
        stage_centre.setdefault(stage_of[node], []).append(centre[node])
    mean = {stage: sum(values) / len(values) for stage, values in stage_centre.items()}
    members.sort(key=lambda n: (mean[stage_of[n]], stage_of[n], centre[n], _stage_key(graph.nodes[n])))
