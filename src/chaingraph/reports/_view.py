"""``view``'s report: the network a view draws, with its measures, a scenario's tiers and what each
firm's own loss would disrupt, as one record (:class:`ViewData`) in which nothing is worded: the
page (:mod:`chaingraph.views`) writes its notes and headline from the record's counts in its own
language, and lays the network out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from ..errors import InputError
from ..measures import dispatch
from ..measures.cascade import Disruption, Shock
from ..measures.reference import edge_purchase_shares
from ..projection.model import Projection
from ..projection.selection import Scope, make_selection, neighbourhood, scope_for, select
from ..projection.source import NetworkSource, Source, network_source
from ..queries import names
from ..vocab import check_language, name_of
from ._figures import figures_by_subject
from ._names import firm_names

__all__ = [
    "NODE_LIMIT",
    "OWN_LOSS_LIMIT",
    "Drawing",
    "FocusWindow",
    "ScenarioDrawn",
    "ViewData",
    "check_size",
    "view_data",
]

#: The most nodes a view is drawn of: a browser shows no more usefully.
NODE_LIMIT = 20_000
#: Up to this many nodes, each node's tooltip and side panel say what its own loss would disrupt.
OWN_LOSS_LIMIT = 800


@dataclass(frozen=True)
class Drawing:
    """How a view draws the network, as one request: the measure that sizes the nodes
    (``size_by``, any ``stats`` measure), the language of its names and texts (``lang``), the
    ``layout`` (:data:`chaingraph.vocab.VIEW_LAYOUTS`), whether places start shown (``places``),
    and a ``focus`` firm (a name, CURIE or IRI) drawn with ``hops`` tiers up and down of it
    (``None``: the whole selection).

    >>> Drawing(lang="zh", focus="CATL").hops
    1
    """

    size_by: str = "pagerank"
    lang: str = "en"
    layout: str = "auto"
    places: bool = False
    focus: str | None = None
    hops: int = 1


@dataclass(frozen=True)
class FocusWindow:
    """A focus view's window: the firm's label, the tiers drawn up and down of it, the nodes drawn
    and the nodes of the whole selection."""

    label: str
    hops: int
    nodes: int
    total: int


@dataclass(frozen=True)
class ScenarioDrawn:
    """The scenario a view draws (``--remove``), counted: the removals as given, the organizations
    removed, the firms disrupted beyond them, the shock's direction and the firms of each tier
    (tier 0, the removed, first)."""

    removed: tuple[str, ...]
    members: int
    beyond: int
    direction: str
    per_tier: tuple[int, ...]


@dataclass
class ViewData:
    """Everything a view shows, computed here: the network, its measures and figures, and what the
    page says of them, as counts and names (the page words them in its language)."""

    graph: nx.DiGraph
    measures: Mapping[str, Mapping[str, float]]
    title: str
    figures: Mapping[str, list[str]] = field(default_factory=dict)
    #: The sources' figures of each chain drawn: (the chain's name, one figure), in chain order.
    chain_figures: list[tuple[str, str]] = field(default_factory=list)
    #: The measures sampled rather than computed exactly, and the sources each was sampled from.
    sampled: Mapping[str, int] = field(default_factory=dict)
    #: Firms drawn with no stage (an "unstaged" note).
    unstaged: int = 0
    #: A scenario drawn on the view (``view --remove``): node -> why it is disrupted (its tier,
    #: reason, lost stages and share lost: :class:`~chaingraph.measures.cascade.Disruption`); tier
    #: 0 is the removed set.
    scenario: Mapping[str, Disruption] = field(default_factory=dict)
    #: The same scenario counted, for the headline.
    scenario_drawn: ScenarioDrawn | None = None
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
    #: The firm a focus view is about (its IRI): the page opens on it, its details in the panel.
    focus: str | None = None
    #: The focus view's window, for the headline.
    focus_window: FocusWindow | None = None
    #: Each supply edge's share of its client's purchases of the supplier's stage, where the data
    #: gives one (:func:`chaingraph.measures.reference.edge_purchase_shares`): the edge's width.
    purchase_shares: Mapping[tuple[str, str], float] = field(default_factory=dict)


def check_size(graph: nx.DiGraph) -> None:
    """Refuse views a browser cannot show usefully: empty ones, and ones above :data:`NODE_LIMIT`."""
    if graph.number_of_nodes() == 0:
        raise InputError("nothing to show: the selection has no organizations or supply edges")
    if graph.number_of_nodes() > NODE_LIMIT:
        raise InputError(
            f"{graph.number_of_nodes()} nodes is more than a browser view can show ({NODE_LIMIT}); "
            "narrow it with --region or --chain, or use --level stage"
        )


def view_data(
    source: Source,
    scope: Scope,
    drawing: Drawing,
    *,
    remove: Sequence[str] = (),
    shock: Shock | None = None,
    progress: Callable[[str], None] | None = None,
) -> ViewData:
    """What the view of ``scope``'s chain (a chain id or name, or a region for all its chains)
    draws, narrowed by the rest of ``scope`` (region, level, evidence, date; no grouping), in
    ``drawing``'s language and focus, with the scenario of ``remove`` and ``shock`` (as
    ``impact --remove`` runs it) drawn on it.

    >>> from chaingraph.store import open_store
    >>> data = view_data(open_store(), Scope(chain="ningde"), Drawing(focus="CATL"))
    >>> data.focus_window.label, data.focus_window.hops
    ('CATL', 1)
    """
    scope = scope_for(scope, "view", "chain", "region", "level", "evidence", "as_of", "undated")
    target, level, as_of, undated = scope.chain or "", scope.level, scope.as_of, scope.undated
    lang, focus = drawing.lang, drawing.focus
    if not target.strip():
        raise InputError("view: empty chain name; name a chain or a region, such as ningde or fujian")
    check_language(lang)  # before the figures are read in it
    source = network_source(source)
    if progress:
        progress("projection")
    selection = make_selection(source, scope)
    if (remove or focus) and level != "firm":
        raise InputError("--remove and --focus draw firms: use them at firm level")
    shock = (shock or Shock()).check()
    if not shock.plain and not remove:
        raise InputError("--threshold and --direction go with --remove")
    if shock.partial is not None:
        raise InputError("view: --partial goes with impact --remove")
    if level == "firm" and selection.as_of is not None:
        # At firm level every edge is drawn and the page's year slider hides those not in force,
        # starting from --as-of; a stage-level view aggregates edges, so it is drawn for the date.
        selection = dataclasses.replace(selection, as_of=None, undated="include")
    graph = whole = select(source.network(), selection)
    total = graph.number_of_nodes()
    focus_iri = str(source.resolve(focus, names.FIRM)) if focus is not None else None
    window = None
    if focus_iri is not None:
        graph = neighbourhood(graph, focus_iri, drawing.hops)
        label = graph.nodes[focus_iri].get("label", focus)
        window = FocusWindow(label=label, hops=drawing.hops, nodes=len(graph), total=total)
    check_size(graph)
    if progress:
        progress("measures")
    # The view reads the reference (igraph betweenness above the threshold), as it always has.
    run, _ = dispatch.node_measures(graph, backend="networkx")
    figures = figures_by_subject(source.store, lang)
    chains = graph.graph["chains"]
    chosen = sorted(selection.chains or chains)
    chain_names = {c: name_of(chains[c], lang) for c in chosen}
    scenario, drawn, own_loss = (
        _view_scenario(source, whole, graph, remove, shock) if level == "firm" else ({}, None, {})
    )
    return ViewData(
        graph=graph,
        measures=run.values,
        title=" · ".join(sorted(chain_names.values())) or target,
        figures=figures,
        chain_figures=[(chain_names[c], line) for c in chosen for line in figures.get(c, [])],
        sampled=dict(run.sampled),
        unstaged=graph.graph.get("unstaged") or 0,
        scenario=scenario,
        scenario_drawn=drawn,
        own_loss=own_loss,
        as_of=as_of if level == "firm" else None,
        names=firm_names(source, list(graph)) if level == "firm" else {},
        undated=undated,
        focus=focus_iri,
        focus_window=window,
        purchase_shares=edge_purchase_shares(graph),
    )


def _view_scenario(
    source: NetworkSource, whole: nx.DiGraph, drawn: nx.DiGraph, remove: Sequence[str], shock: Shock
) -> tuple[dict[str, Disruption], ScenarioDrawn | None, dict[str, list[int]]]:
    """The scenario a view draws (``--remove``), also counted, and, in views up to
    :data:`OWN_LOSS_LIMIT` nodes, what each firm's own loss would disrupt, tier by tier; the cascade
    of :mod:`chaingraph.measures.cascade` on the ``whole`` selected network, as ``impact`` runs it,
    of which the view draws the ``drawn`` part (a focus window): a firm with a supplier outside the
    window is not starved by losing the ones inside it. The ``shock``'s threshold and direction
    rule the scenario and each firm's own loss alike."""
    from ..measures.cascade import compiled_cascade
    from ..measures.compiled import AnalysisGraph
    from .scenarios import removed_set

    table = Projection.from_networkx(whole)
    compiled_graph = AnalysisGraph(table)
    scenario: dict[str, Disruption] = {}
    counted = None
    if remove:
        removals, mask, _ = removed_set(source, table, remove, "this view")
        found = compiled_cascade(compiled_graph, mask, threshold=shock.threshold, direction=shock.direction)
        scenario = {node: why for node, why in found.disrupted.items() if node in drawn}
        tiers = found.tiers()
        counted = ScenarioDrawn(
            removed=tuple(removal.text for removal in removals),
            members=len(tiers.get(0, ())),
            beyond=len(found.disrupted) - len(tiers.get(0, ())),
            direction=shock.direction,
            per_tier=tuple(len(tiers[t]) for t in sorted(tiers)),
        )
    own_loss: dict[str, list[int]] = {}
    if len(drawn) <= OWN_LOSS_LIMIT:
        # A firm's loss reaches others through its clients (downstream) or its suppliers (upstream).
        real = table.suppliers != table.clients
        ends = {"downstream": [table.suppliers[real]], "upstream": [table.clients[real]]}
        ends["both"] = ends["downstream"] + ends["upstream"]
        reaches = np.bincount(np.concatenate(ends[shock.direction]), minlength=len(table)) > 0
        for i, node in enumerate(table.nodes):
            if not reaches[i] or node not in drawn:
                continue
            alone = np.zeros(len(table), dtype=bool)
            alone[i] = True
            tiers = compiled_cascade(
                compiled_graph, alone, threshold=shock.threshold, direction=shock.direction
            ).tiers()
            own_loss[node] = [len(tiers[t]) for t in sorted(tiers) if t >= 1]
    return scenario, counted, own_loss
