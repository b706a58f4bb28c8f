"""The places a view draws beside the firms (``--places``): their nodes, and each firm's located-in link to them."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
from pyvis.network import Network

from ..vocab import name_of
from .edges import LOCATED_DASHES
from .texts import TEXT

__all__ = ["add_places"]


def add_places(
    net: Network,
    graph: nx.DiGraph,
    links: list[tuple[str, str]],
    lang: str,
    placements: Mapping[str, dict],
    *,
    hidden: bool,
) -> None:
    """Place nodes and dashed located-in links (hidden ones still shape the layout, so the toggle
    moves nothing)."""
    places, text = graph.graph.get("places", {}), TEXT[lang]
    for place in dict.fromkeys(parent for _, parent in links):
        info = places.get(place, {})
        label = name_of(info, lang, default=place)
        net.add_node(
            place,
            label=label,
            kind="place",
            shape="hexagon",
            size=8,
            color="#e0e0e0",
            title=f"{label}\n{text['place']}\n{place}",
            hidden=hidden,
            **placements.get(place, {}),
        )
    for child, parent in links:
        net.add_edge(
            child,
            parent,
            relation="located",
            dashes=LOCATED_DASHES,
            color="#b0b0b0",
            arrows="to",
            title=text["located"],
            physics=True,
            width=1,
            hidden=hidden,
        )
