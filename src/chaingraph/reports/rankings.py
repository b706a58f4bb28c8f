"""``impact --all --by region|stage|owner``: every place, stage or owner group of the network
removed in turn (the scenario cascade of :mod:`.scenarios`), ranked by the harm done.
"""

from __future__ import annotations

from ..errors import InputError
from ..measures.cascade import (
    Shock,
    compiled_cascade,
    compiled_paths_cut,
)
from ..measures.compiled import AnalysisGraph
from ..projection.model import Projection, stage_infos
from ..projection.selection import FIRM_LEVEL_SCOPE, Scope, make_selection, scope_for, select_columns
from ..projection.source import Source, network_source
from ..records import RankedRemoval
from .scenarios import Connectivity, Removal, members_of, scenario_report, weak_components

__all__ = ["RANK_KINDS", "rank_removals"]

#: What ``impact --all --by`` ranks.
RANK_KINDS = ("region", "stage", "owner")


def rank_removals(
    source: Source,
    by: str,
    scope: Scope | None = None,
    *,
    top: int | None = 10,
    shock: Shock | None = None,
) -> list[RankedRemoval]:
    """The places, stages or groups of the network ranked by the harm their removal does
    (``impact --all --by``), each a record with its ``summary``, most harmful first; the
    ``shock`` travels by its threshold and direction as in :func:`scenario`, in the part of the network
    ``scope`` chooses (:class:`~chaingraph.projection.selection.Scope`, firm level).

    Candidates: for ``region`` every place any node lies in, at every level (county, city, park),
    except a place holding every firm of the network; for ``stage`` every stage with a member; for
    ``owner`` every organization that controls another one of the network. Harm orders by the
    firms disrupted beyond the removed set, then supply paths cut, then stages left with no
    member. The cascade runs for every candidate (one pass over the edges per tier); the paths cut,
    which need searches over the graph, are counted only for the candidates the first ``top``
    places can depend on: the first ``top`` by firms disrupted, and every candidate tied with the
    last of them.
    """
    if by not in RANK_KINDS:
        raise InputError(f"--by {by!r}: use {', '.join(RANK_KINDS)}")
    if top is not None and top < 1:
        raise InputError(f"--top {top}: must be 1 or more")
    shock = (shock or Shock()).check()
    if shock.partial is not None:
        raise InputError("impact --all --by: --partial goes with --remove")
    threshold, direction = shock.threshold, shock.direction
    source = network_source(source)
    selection = make_selection(source, scope_for(scope, "impact --all --by", *FIRM_LEVEL_SCOPE))
    table = select_columns(source.projection(), selection)
    graph = AnalysisGraph(table)
    labels = _candidate_labels(table, by)
    candidates = []
    for iri, (label, _) in labels.items():
        mask = members_of(table, Removal(by, label, iri))
        if not mask.any() or (by == "region" and mask.all()):
            continue
        found = compiled_cascade(graph, mask, threshold=threshold, direction=direction)
        beyond = sum(1 for why in found.disrupted.values() if why.tier >= 1)
        candidates.append((iri, label, mask, found, beyond))
    candidates.sort(key=lambda c: (-c[4], c[1]))
    if top is not None and len(candidates) > top:
        boundary = candidates[top - 1][4]
        candidates = [c for i, c in enumerate(candidates) if i < top or c[4] == boundary]
    before = weak_components(graph)
    ranked: list[RankedRemoval] = []
    for iri, label, mask, found, _beyond in candidates:
        cut = compiled_paths_cut(graph, mask)
        after = weak_components(graph, ~mask)
        report = scenario_report(
            table,
            found,
            [{"kind": by, "name": label, "id": iri, "members": int(mask.sum())}],
            [iri] if by == "region" else [],
            Connectivity(cut, before, after),
            shock,
        )
        ranked.append(
            {
                "kind": by,
                "id": iri,
                "label": label,
                "label_zh": labels[iri][1],
                "members": int(mask.sum()),
                "summary": report.summary,
            }
        )
    ranked.sort(
        key=lambda r: (
            -r["summary"].disrupted_beyond_removed,
            -(r["summary"].paths_cut or 0),  # counted here for every candidate
            -len(r["summary"].stages_emptied),
            r["label"],
        )
    )
    return ranked[:top] if top else ranked


def _candidate_labels(table: Projection, by: str) -> dict[str, tuple[str, str]]:
    """IRI -> (English, Chinese) label of every candidate of ``by`` in the network."""
    if by == "region":
        places = table.meta["places"]
        found = {place for located in table.columns["places"] for place in located}
        return {p: (places.get(p, {}).get("label", p), places.get(p, {}).get("label_zh", "")) for p in sorted(found)}
    if by == "stage":
        stages = stage_infos(table.meta)
        present = {stage for stage in table.columns["stage"] if stage}
        return {s: (stages.get(s, {}).get("label", s), stages.get(s, {}).get("label_zh", "")) for s in sorted(present)}
    index = {node: i for i, node in enumerate(table.nodes)}
    owners = {owner for owner, owned in table.meta.get("controls", []) if owner in index and owned in index}
    columns = table.columns
    return {owner: (columns["label"][index[owner]], columns["label_zh"][index[owner]]) for owner in sorted(owners)}
