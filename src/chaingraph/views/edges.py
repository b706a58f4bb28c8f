"""A view's edges: supply edges styled by evidence level and drawn as wide as the client's share of
the purchase where the data gives it, and the located-in links.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx
from pyvis.network import Network

from ..projection import periods
from ..projection.model import edge_evidence
from .tooltips import edge_inference, edge_products, edge_tooltip

__all__ = [
    "AGAINST_STYLE",
    "EVIDENCE_STYLES",
    "INFERRED_DASHES",
    "LOCATED_DASHES",
    "SHARE_WIDTH",
    "add_supply_edges",
    "edge_spans",
    "edge_width",
    "located_links",
    "years_of",
]

# Dash patterns (px): located-in edges long and light, inferred supply edges dotted and dark.
LOCATED_DASHES = [10, 8]

INFERRED_DASHES = [2, 4]

#: How a supply edge of each evidence level is drawn: vis-network dashes and colour, and the
#: legend's CSS class for it (templates/view.html).
EVIDENCE_STYLES: dict[str, dict[str, Any]] = {
    "stated": {"dashes": False, "color": "#555555", "css": "line"},
    "inferred": {"dashes": INFERRED_DASHES, "color": "#555555", "css": "line dotted"},
    "unspecified": {"dashes": False, "color": "#a8a8a8", "css": "line light"},
}

#: How a supply edge that runs against the chain's stage order is drawn in the stage layout:
#: curved (so it does not run through the columns between) and in its own colour.
AGAINST_STYLE = {"color": "#9b59b6", "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25}}


#: A supply edge whose share of its client's purchases the data gives is drawn from 1 px (none)
#: to 1 + SHARE_WIDTH px (all of them).
SHARE_WIDTH = 7.0


def add_supply_edges(
    net: Network,
    graph: nx.DiGraph,
    text: Mapping[str, str],
    against: set[tuple[str, str]],
    shares: Mapping[tuple[str, str], float],
) -> tuple[set[str], bool]:
    """Draw each supply edge in its evidence level's style (curved, in its own colour, when it runs
    against the stage order; as wide as its share of the client's purchases, ``shares``, where the
    data gives one); the levels drawn, and whether a width shows a share, for the legend."""
    levels_shown = set()
    for supplier, client, attrs in graph.edges(data=True):
        level = edge_evidence(attrs)
        levels_shown.add(level)
        style = {"dashes": EVIDENCE_STYLES[level]["dashes"], "color": EVIDENCE_STYLES[level]["color"]}
        about = edge_products(attrs, text) + edge_inference(attrs, text)
        if about:  # the side panel's lines (left out where empty: a large view has many edges)
            style["about"] = about
        if attrs.get("sources"):
            style["sources"] = list(attrs["sources"])
        style.update(edge_spans(attrs))
        if (supplier, client) in against:
            style.update(AGAINST_STYLE, against=True)
        net.add_edge(
            supplier,
            client,
            relation="supply",
            title=edge_tooltip(attrs, text),
            arrows="to",
            width=edge_width(attrs, shares.get((supplier, client))),
            **style,
        )
    return levels_shown, bool(shares)


def edge_width(attrs: Mapping, share: float | None) -> float:
    """An edge's share of its client's purchases where known; else the relations it stands for."""
    if share is not None:
        return 1 + SHARE_WIDTH * share
    return 1 + math.log(attrs.get("weight", 1), 2)


def edge_spans(attrs: Mapping) -> dict:
    """What the year slider reads of an edge: its dated relations' first and last days
    (``spans``) and whether one of its relations has no period (``undated``); nothing for an edge
    no period dates at all (it stays drawn)."""
    intervals = attrs.get("intervals") or []
    spans = [
        [periods.first_day(start) if start else "0000-01-01", periods.last_day(end) if end else "9999-12-31"]
        for start, end in intervals
        if start or end
    ]
    if not spans:
        return {}
    return {"spans": spans, "undated": len(spans) < len(intervals)}


def years_of(edges: list[dict]) -> list[int] | None:
    """The slider's first and last year (from the earliest start to the latest end or start given)
    and the year it starts at: the latest year a relation starts in, the newest the data says (the
    last year may be a contract's end, years ahead, when nothing new is known)."""
    years = [int(day[:4]) for edge in edges for span in edge.get("spans", ()) for day in span]
    years = [year for year in years if 0 < year < 9999]
    if not years:
        return None
    starts = [int(span[0][:4]) for edge in edges for span in edge.get("spans", ()) if 0 < int(span[0][:4]) < 9999]
    return [min(years), max(years), max(starts, default=max(years))]


def located_links(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """The located-in links a view draws, (child, place): each node to the places it is in that no
    other of its places lies in, and each place to the places the data says it lies in."""
    places = graph.graph.get("places", {})
    links: dict[tuple[str, str], None] = {}
    for node, attrs in graph.nodes(data=True):
        located = attrs.get("places", [])
        # ``places`` holds the node's places and all they lie in.
        above = {parent for place in located for parent in places.get(place, {}).get("parents", [])}
        for place in located:
            if place not in above:
                links[(node, place)] = None
        for place in located:
            for parent in places.get(place, {}).get("parents", []):
                links[(place, parent)] = None
    return list(links)
