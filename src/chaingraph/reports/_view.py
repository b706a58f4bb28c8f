"""``view``: the network a view draws, with its measures and a scenario's tiers, as a page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from ..errors import InputError
from ..measures import dispatch
from ..measures.reference import edge_purchase_shares
from ..projection.model import Projection
from ..projection.selection import Scope, make_selection, neighbourhood, scope_for, select
from ..projection.source import NetworkSource, Source, network_source
from ..queries import names
from ..vocab import check_language, name_of
from ._figures import figures_by_subject
from ._names import firm_names
from .scenarios import Shock

if TYPE_CHECKING:
    from ..views.page import View


__all__ = ["view"]


def view(
    source: Source,
    scope: Scope,
    *,
    size_by: str = "pagerank",
    lang: str = "en",
    layout: str = "auto",
    places: bool = False,
    remove: Sequence[str] = (),
    shock: Shock | None = None,
    focus: str | None = None,
    hops: int = 1,
    progress: Callable[[str], None] | None = None,
) -> View:
    """The HTML of the view of ``scope``'s chain (a chain id or name, or a region for all its
    chains), narrowed by the rest of ``scope`` (region, level, evidence, date; no grouping): a
    string to write to a file, shown inline when it is the last value of a Jupyter cell.

    >>> from chaingraph.store import open_store
    >>> html = view(open_store(), Scope(chain="ningde"))
    >>> html.startswith("<!DOCTYPE html>") and "CATL" in html
    True
    >>> html._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    from ..views.page import check_size, render_view
    from ..views.texts import TEXT
    from ..views.tooltips import measure_name
    from ..views.viewdata import ViewData

    scope = scope_for(scope, "view", "chain", "region", "level", "evidence", "as_of", "undated")
    target, level, as_of, undated = scope.chain or "", scope.level, scope.as_of, scope.undated
    if not target.strip():
        raise InputError("view: empty chain name; name a chain or a region, such as ningde or fujian")
    check_language(lang)  # before the figures and notes are written in it
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
    if focus_iri is not None:
        graph = neighbourhood(graph, focus_iri, hops)
    check_size(graph)
    if progress:
        progress("measures")
    # The view reads the reference (igraph betweenness above the threshold), as it always has.
    run, _ = dispatch.node_measures(graph, backend="networkx")
    figures = figures_by_subject(source.store, lang)
    chains = graph.graph["chains"]
    chosen = sorted(selection.chains or chains)
    chain_names = {c: name_of(chains[c], lang) for c in chosen}
    labels = sorted(chain_names.values())
    text = TEXT[lang]
    notes = [
        text["chain_figure"].format(chain=chain_names[c], figure=line) for c in chosen for line in figures.get(c, [])
    ]
    if run.sampled:
        notes.append(
            text["sampled"].format(
                measures=", ".join(measure_name(m, lang) for m in sorted(run.sampled)),
                count=next(iter(run.sampled.values())),
            )
        )
    if graph.graph.get("unstaged"):
        notes.append(text["unstaged"].format(count=graph.graph["unstaged"]))
    headline = []  # what the view is about, under its title
    if focus_iri is not None:
        focus_label = graph.nodes[focus_iri].get("label", focus)
        headline.append(text["focus_note"].format(firm=focus_label, hops=hops, nodes=len(graph), total=total))
    rule = {"threshold": shock.threshold, "direction": shock.direction}
    scenario, own_loss = (
        _view_scenario(source, whole, graph, remove, rule, text, headline) if level == "firm" else ({}, {})
    )
    data = ViewData(
        graph=graph,
        measures=run.values,
        title=" · ".join(labels) or target,
        figures=figures,
        notes=notes,
        scenario=scenario,
        own_loss=own_loss,
        as_of=as_of if level == "firm" else None,
        names=firm_names(source, list(graph)) if level == "firm" else {},
        undated=undated,
        headline=headline,
        focus=focus_iri,
        purchase_shares=edge_purchase_shares(graph),
    )
    if progress:
        progress("rendering")
    return render_view(data, size_by=size_by, lang=lang, layout=layout, places=places)


def _view_scenario(
    source: NetworkSource,
    whole: nx.DiGraph,
    drawn: nx.DiGraph,
    remove: Sequence[str],
    rule: Mapping[str, Any],
    text: Mapping[str, str],
    headline: list[str],
) -> tuple[dict[str, dict], dict[str, list[int]]]:
    """The scenario a view draws (``--remove``) and, in views up to ``OWN_LOSS_LIMIT`` nodes,
    what each firm's own loss would disrupt, tier by tier; the cascade of
    :mod:`chaingraph.measures.cascade` on the ``whole`` selected network, as ``impact`` runs it, of
    which the view draws the ``drawn`` part (a focus window): a firm with a supplier outside the
    window is not starved by losing the ones inside it. ``rule``: the cascade's ``threshold`` and
    ``direction``, for the scenario and each firm's own loss alike."""
    from ..measures.cascade import compiled_cascade
    from ..measures.compiled import AnalysisGraph
    from ..views.page import OWN_LOSS_LIMIT, counted
    from .scenarios import removed_set

    table = Projection.from_networkx(whole)
    compiled_graph = AnalysisGraph(table)
    scenario: dict[str, dict] = {}
    if remove:
        removals, mask, _ = removed_set(source, table, remove, "this view")
        found = compiled_cascade(compiled_graph, mask, **rule)
        scenario = {
            node: {"tier": why.tier, "reason": why.reason, "stages": list(why.stages), "share": why.share}
            for node, why in found.disrupted.items()
            if node in drawn
        }
        tiers = found.tiers()
        headline.append(
            text["scenario_note"].format(
                removed=", ".join(removal.text for removal in removals),
                count=counted(text, "organizations", len(tiers.get(0, ()))),
                beyond=len(found.disrupted) - len(tiers.get(0, ())),
                where=text[f"scenario_{rule['direction']}"],
                tiers=" → ".join(str(len(tiers[t])) for t in sorted(tiers)),
            )
        )
    own_loss: dict[str, list[int]] = {}
    if len(drawn) <= OWN_LOSS_LIMIT:
        # A firm's loss reaches others through its clients (downstream) or its suppliers (upstream).
        real = table.suppliers != table.clients
        ends = {"downstream": [table.suppliers[real]], "upstream": [table.clients[real]]}
        ends["both"] = ends["downstream"] + ends["upstream"]
        reaches = np.bincount(np.concatenate(ends[rule["direction"]]), minlength=len(table)) > 0
        for i, node in enumerate(table.nodes):
            if not reaches[i] or node not in drawn:
                continue
            alone = np.zeros(len(table), dtype=bool)
            alone[i] = True
            tiers = compiled_cascade(compiled_graph, alone, **rule).tiers()
            own_loss[node] = [len(tiers[t]) for t in sorted(tiers) if t >= 1]
    return scenario, own_loss
