"""What a view is given to draw: the network and its measures, with the scenario, the selection
and the language, in one record (the page lays it out and computes nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["ViewData"]


@dataclass
class ViewData:
    """Everything a view shows, computed upstream: the network, its measures and figures."""

    graph: nx.DiGraph
    measures: Mapping[str, Mapping[str, float]]
    title: str
    figures: Mapping[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: A scenario drawn on the view (``view --remove``): node -> its tier, reason and lost stages
    #: (``{"tier": 1, "reason": "stage", "stages": [stage IRIs]}``); tier 0 is the removed set.
    scenario: Mapping[str, Mapping] = field(default_factory=dict)
    #: What each node's own loss would disrupt: node -> firms per tier beyond it (views up to
    #: :data:`OWN_LOSS_LIMIT` nodes).
    own_loss: Mapping[str, list[int]] = field(default_factory=dict)
    #: Where the year slider starts (``--as-of``: the edges in force on it are drawn, the rest
    #: hidden); ``None``: every edge shown. With ``undated="exclude"`` undated edges start hidden.
    as_of: str | None = None
    undated: str = "include"
    #: Every name each firm was given (:func:`chaingraph.reports.firm_names`): the details list
    #: those beyond the two shown, so a merge can be checked on the page.
    names: Mapping[str, list[str]] = field(default_factory=dict)
    #: What the view is about, said under its title: a focus firm and its tiers, a scenario and
    #: the firms it disrupts per tier (one line each).
    headline: list[str] = field(default_factory=list)
    #: The firm a focus view is about (its IRI): the page opens on it, its details in the panel.
    focus: str | None = None
    #: Each supply edge's share of its client's purchases of the supplier's stage, where the data
    #: gives one (:func:`chaingraph.measures.reference.edge_purchase_shares`): the edge's width.
    purchase_shares: Mapping[tuple[str, str], float] = field(default_factory=dict)
