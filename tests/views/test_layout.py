"""The stage-column layout as a pure function: columns follow the stage order, lanes the chains."""

from __future__ import annotations

import itertools

import networkx as nx

from chaingraph.views.layout import against_stage_order, extra_lane, slot_positions, stage_slots

CHAINS = {
    "battery": {"label": "battery", "stages": {"materials": {}, "cells": {}, "recycling": {}}},
    "food": {"label": "food", "stages": {"ingredients": {}, "factories": {}}},
}


def staged(graph: nx.DiGraph, node: str, stage: str, order: int, chain: str) -> None:
    graph.add_node(node, stage=stage, stage_order=order, stage_label=stage, label=node, chains=[chain])


def battery_and_food() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name in ("lithium", "cobalt", "nickel"):
        staged(graph, name, "materials", 1, "battery")
    staged(graph, "cathode", "materials", 1, "battery")  # a materials firm supplying another
    staged(graph, "cell maker", "cells", 2, "battery")
    staged(graph, "recycler", "recycling", 3, "battery")
    staged(graph, "flour", "ingredients", 1, "food")
    staged(graph, "bakery", "factories", 2, "food")
    graph.add_node("car maker", label="car maker", chains=[])  # no stage, a client
    graph.add_node("bureau", label="bureau", chains=[])  # no stage, no supply edge
    graph.add_edges_from(
        [
            ("lithium", "cathode"),
            ("cobalt", "cathode"),
            ("nickel", "cell maker"),
            ("cathode", "cell maker"),
            ("recycler", "cell maker"),
            ("cell maker", "car maker"),
            ("flour", "bakery"),
        ]
    )
    return graph


def test_columns_follow_the_stage_order_and_split_where_a_stage_supplies_itself():
    graph = battery_and_food()
    slots = stage_slots(graph, CHAINS)
    column = {node: slot.column for node, slot in slots.items()}
    assert column["lithium"] == column["cobalt"] < column["cathode"] < column["cell maker"]
    assert column["nickel"] == column["lithium"]
    assert column["cell maker"] < column["recycler"]
    assert column["car maker"] > column["cell maker"]  # after its staged supplier
    assert column["bakery"] > column["flour"]
    # Only the recycler's edge runs against the stage order.
    assert [e for e in graph.edges() if against_stage_order(slots, *e)] == [("recycler", "cell maker")]


def test_a_lane_per_chain_and_no_two_nodes_in_one_slot():
    graph = battery_and_food()
    slots = stage_slots(graph, CHAINS)
    lane = {node: slot.lane for node, slot in slots.items()}
    assert lane["flour"] == lane["bakery"] != lane["lithium"] == lane["cell maker"] == lane["car maker"]
    assert lane["bureau"] not in {lane["flour"], lane["lithium"]}  # in no chain, linked to none
    cells = [(slot.lane, slot.track, slot.row) for slot in slots.values()]
    assert len(cells) == len(set(cells)) == graph.number_of_nodes()
    positions = slot_positions(slots)
    assert len(set(positions.values())) == graph.number_of_nodes()
    below = extra_lane(slots, ["town", "province"])
    assert {slot.lane for slot in below.values()} == {max(lane.values()) + 1}


def test_a_tall_column_is_wrapped_over_tracks_and_keeps_its_stages_together():
    graph = nx.DiGraph()
    staged(graph, "maker", "cells", 2, "battery")
    for index in range(30):
        stage = "anodes" if index < 15 else "cathodes"
        staged(graph, f"s{index:02}", stage, 1, "battery")
        graph.add_edge(f"s{index:02}", "maker")
    slots = stage_slots(graph, CHAINS)
    tracks = {slots[f"s{i:02}"].track for i in range(30)}
    assert len(tracks) > 1 and max(tracks) < slots["maker"].track
    rows = max(slot.row for slot in slots.values()) + 1
    assert rows < 30
    # Read down each track, then across, the anode makers all come before the cathode makers.
    reading = sorted((f"s{i:02}" for i in range(30)), key=lambda n: (slots[n].track, slots[n].row))
    stages = [graph.nodes[n]["stage"] for n in reading]
    assert stages == sorted(stages)


def test_rows_are_ordered_to_avoid_crossings():
    graph = nx.DiGraph()
    for index in range(4):
        staged(graph, f"supplier {index}", "materials", 1, "battery")
        staged(graph, f"client {index}", "cells", 2, "battery")
    # Supplier i supplies client 3 - i: sorted by name the edges would all cross.
    graph.add_edges_from((f"supplier {i}", f"client {3 - i}") for i in range(4))
    slots = stage_slots(graph, CHAINS)
    for i in range(4):
        assert slots[f"supplier {i}"].row == slots[f"client {3 - i}"].row


def test_a_column_too_tall_for_a_window_is_staggered_over_two_tracks_in_a_view_of_one_lane():
    """Eighteen suppliers of one client (Ningde's material makers feeding CATL): each takes the
    next row in the other of two tracks, every row of the lane halved (a node spans two); with a
    second chain's lane beside it the column stays one track."""
    graph = nx.DiGraph()
    staged(graph, "maker", "cells", 2, "battery")
    suppliers = [f"s{index:02}" for index in range(18)]
    for name in suppliers:
        staged(graph, name, "materials", 1, "battery")
        graph.add_edge(name, "maker")
    slots = stage_slots(graph, CHAINS)
    reading = sorted(suppliers, key=lambda n: slots[n].row)
    assert [slots[n].row for n in reading] == list(range(18))
    tracks = [slots[n].track for n in reading]
    assert set(tracks) == {0, 1} and all(a != b for a, b in itertools.pairwise(tracks))
    assert {slot.span for slot in slots.values()} == {2}
    assert slots["maker"].track == 2 and slots["maker"].row in (8, 9)  # beside the middle of its suppliers
    cells = {(slot.lane, slot.track, slot.row) for slot in slots.values()}
    assert len(cells) == len(slots)
    # The pixel grid keeps every node apart and one track's nodes a whole row apart.
    positions = slot_positions(slots)
    assert len(set(positions.values())) == len(slots)
    staged(graph, "flour", "ingredients", 1, "food")
    staged(graph, "bakery", "factories", 2, "food")
    graph.add_edge("flour", "bakery")
    two_lanes = stage_slots(graph, CHAINS)
    assert {two_lanes[n].track for n in suppliers} == {0} and {s.span for s in two_lanes.values()} == {1}


def test_a_column_of_fourteen_stays_one_track():
    graph = nx.DiGraph()
    staged(graph, "maker", "cells", 2, "battery")
    for index in range(14):
        staged(graph, f"s{index:02}", "materials", 1, "battery")
        graph.add_edge(f"s{index:02}", "maker")
    slots = stage_slots(graph, CHAINS)
    assert {slots[f"s{i:02}"].track for i in range(14)} == {0} and {s.span for s in slots.values()} == {1}
