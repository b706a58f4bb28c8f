"""Where the nodes of a view go: chain stages as columns (upstream left, downstream right) with a
lane per chain, or supply layers from upstream for networks without stages; rows ordered to keep
edges short. Pure functions of the graph: the page (templates/view.html) turns slots into pixels
once the browser has measured each label, and :mod:`chaingraph.views.page` draws the page.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

__all__ = [
    "STACKED_ROWS",
    "STAGGERED_ROWS",
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
    row within the lane, top to bottom. ``span``: the rows it takes: 2 in a lane with a staggered
    column, whose rows are half as high (a node of such a column sits one row below the one before
    it, in the other of its two tracks)."""

    lane: int
    column: int
    track: int
    row: int
    span: int = 1


#: The shape the stage layout aims at (width over height, in rows and tracks of about a label's
#: size): the part of a 1400 x 900 window beside the legend.
TRACK_WIDTH, ROW_HEIGHT, ASPECT = 170.0, 60.0, 1.25
#: Columns up to this many rows stay one track, their nodes stacked: a column wrapped over tracks
#: sends the far track's edges through the near track's nodes (Ningde's eighteen material makers
#: feeding CATL). Taller ones (networks of thousands) are wrapped to the window's shape.
STACKED_ROWS = 24
#: A column of more rows than this (and up to :data:`STACKED_ROWS`) is staggered over two tracks,
#: its nodes taking turns, each a half row below the one before: at the readable size a window of
#: 1400 x 900 holds about fourteen rows of two-line labels, and Ningde's eighteen material makers
#: would run below it. Each node of the far track faces a passage between two of the near
#: track's, so its edge is drawn through (the page sizes the passage).
STAGGERED_ROWS = 14


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
    the node's supply neighbours, sweeping downstream and back (the Sugiyama heuristic); a track
    shorter than its lane then moves towards the rows of its neighbours. When a column is taller
    than :data:`STACKED_ROWS`, the columns are wrapped over several tracks, stages kept together;
    ``cell`` (a track's width and a row's height) sets the shape the wrapping aims at. A column
    taller than :data:`STAGGERED_ROWS` (and not wrapped) in a view of one lane is staggered over
    two tracks, the lane's rows halved (every node of the lane spans two).
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
    # Only a view of one lane is staggered: in a view of several chains, which is taller than a
    # window at the readable size anyway, the staggered column's second track would shift every
    # other lane's tracks to the right, away from the routes their edges had.
    one_lane = len({lane for lane, _ in groups}) == 1
    staggered = {
        key for key, members in groups.items() if one_lane and tracks[key[1]] == 1 and len(members) > STAGGERED_ROWS
    }
    for _, column in staggered:
        tracks[column] = 2
    span = {lane: 2 if any(key[0] == lane for key in staggered) else 1 for lane, _ in groups}
    first_track = [sum(tracks[:column]) for column in range(width)]
    slots = {}
    for (lane, column), members in groups.items():
        if (lane, column) in staggered:  # the far track takes the even nodes, the near one the odd
            for index, node in enumerate(members):
                slots[node] = Slot(lane, column, first_track[column] + index % 2, index, 2)
            continue
        # A column staggered in another lane stays one track in this one.
        elsewhere = any(key[1] == column for key in staggered)
        height = len(members) if elsewhere else math.ceil(len(members) / tracks[column])
        for index, node in enumerate(members):
            track = first_track[column] + index // height
            slots[node] = Slot(lane, column, track, (index % height) * span[lane], span[lane])
    _centre_rows(graph, slots)
    return slots


def _centre_rows(graph: nx.DiGraph, slots: dict[str, Slot]) -> None:
    """Move the nodes of each track shorter than its lane towards the median row of their supply
    neighbours in other tracks, keeping their order and one node per row (per ``span`` rows): CATL
    beside the middle of its suppliers, not level with the first, so straight edges fan out to it."""
    tracks: dict[tuple[int, int], list[str]] = {}
    height: dict[int, int] = {}
    for node, slot in slots.items():
        tracks.setdefault((slot.lane, slot.track), []).append(node)
        height[slot.lane] = max(height.get(slot.lane, 0), slot.row + 1)
    for sweep in range(2):  # downstream, then back upstream
        for lane, track in sorted(tracks, key=lambda key: key[1], reverse=bool(sweep)):
            members = sorted(tracks[lane, track], key=lambda n: slots[n].row)
            span = slots[members[0]].span
            if len(members) * span >= height[lane] - (span - 1):  # no room to move (a staggered track)
                continue
            rows: list[int] = []
            for node in members:
                near = [
                    slots[n].row
                    for n in nx.all_neighbors(graph, node)
                    if n in slots and slots[n].lane == lane and slots[n].track != track
                ]
                wanted = round(statistics.median(near)) if near else slots[node].row
                rows.append(max(wanted, rows[-1] + span if rows else 0))
            for index in range(len(rows) - 1, -1, -1):  # pushed past the lane's last row: back up
                rows[index] = min(rows[index], height[lane] - span * (len(rows) - index))
            for node, row in zip(members, rows, strict=True):
                slots[node] = Slot(slots[node].lane, slots[node].column, slots[node].track, row, span)


def slot_positions(
    slots: Mapping[str, Slot], cell: tuple[float, float] = (TRACK_WIDTH, ROW_HEIGHT)
) -> dict[str, tuple[float, float]]:
    """Pixel positions of the slots on an even grid of ``cell`` (a track's width, a row's
    height), lanes stacked one empty row apart."""
    track_width, row_height = cell
    rows, _ = _grid_rows(slots)
    return {node: (slot.track * track_width, rows[node] * row_height) for node, slot in slots.items()}


def _grid_rows(slots: Mapping[str, Slot]) -> tuple[dict[str, int], int]:
    """Each slot's row counted from the top of the layout, lanes stacked one empty row apart, and
    the row below the last lane. A staggered lane's two half rows count as one (the nodes of one
    track are a whole row apart)."""
    rows_in_lane: dict[int, int] = {}
    for slot in slots.values():
        rows_in_lane[slot.lane] = max(rows_in_lane.get(slot.lane, 0), slot.row // slot.span + 1)
    top, offset = 0, {}
    for lane in sorted(rows_in_lane):
        offset[lane] = top
        top += rows_in_lane[lane] + 1
    return {node: offset[slot.lane] + slot.row // slot.span for node, slot in slots.items()}, top


def extra_lane(slots: Mapping[str, Slot], members: list[str], links: Sequence[tuple[str, str]] = ()) -> dict[str, Slot]:
    """Slots for ``members`` (places) in one row of a lane of their own below the others, each in
    a track of its own, so no member sits below another.

    ``links`` (child, member) are what will be drawn into each member: a member goes to the free
    track (the layout's, or new ones to its right) where the fewest nodes lie between it and its
    children, so its links can be drawn clear of them; members with the most links choose first.
    """
    lane = max((slot.lane for slot in slots.values()), default=-1) + 1
    width = max((slot.track for slot in slots.values()), default=-1) + 1
    depth, top = _grid_rows(slots)
    children: dict[str, list[str]] = {member: [] for member in members}
    for child, parent in links:
        if parent in children and child in slots:
            children[parent].append(child)

    # Each track's node depths, sorted: a link's count per track is then two bisections.
    depths_in: dict[int, list[int]] = {}
    for node, slot in slots.items():
        depths_in.setdefault(slot.track, []).append(depth[node])
    for depths in depths_in.values():
        depths.sort()

    def between(child: str, track: int) -> int:
        """Nodes below ``child`` that a straight link from it down to ``track`` passes within a
        track's width of (its boxes are about that wide): at depth ``d`` the link is at track
        ``start + (track - start) * (d - d0) / rise``, so on track ``j`` it passes the depths of
        an open interval, found exactly in whole numbers and counted by bisection."""
        start, d0 = slots[child].track, depth[child]
        rise, slope = top - d0, track - start
        if slope == 0:  # straight down its own track
            below = depths_in.get(start, [])
            return len(below) - bisect.bisect_right(below, d0)
        count = 0
        for j in range(min(start, track), max(start, track) + 1):  # the link runs from one to the other
            # Within a track of j at d = d0 + step: (j - 1 - start) * rise < slope * step < (j + 1 - start) * rise.
            low, high, scale = (j - 1 - start) * rise, (j + 1 - start) * rise, slope
            if slope < 0:
                low, high, scale = -high, -low, -slope
            first, last = max(low // scale + 1, 1), -(-high // scale) - 1  # whole steps, below the child
            if first <= last:
                depths = depths_in.get(j, [])
                count += bisect.bisect_right(depths, d0 + last) - bisect.bisect_left(depths, d0 + first)
        return count

    free = list(range(width + len(members)))
    chosen: dict[str, Slot] = {}
    for member in sorted(members, key=lambda m: (-len(children[m]), members.index(m))):
        mean = sum(slots[c].track for c in children[member]) / len(children[member]) if children[member] else 0
        track = min(free, key=lambda t: (sum(between(c, t) for c in children[member]), abs(t - mean), t))
        free.remove(track)
        chosen[member] = Slot(lane, -1, track, 0)
    return {member: chosen[member] for member in members}


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
    if tallest <= STACKED_ROWS:
        return [1] * width

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
