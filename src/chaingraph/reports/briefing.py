"""``brief``: one chain in one region, for the people who decide. The records of the other verbs
(``gaps``, ``stats``, ``impact --all --by``, ``single-sourced --hhi-above``, ``diff``, the
``figures`` query) gathered into one :class:`Brief`, each number as its command gives it and each
figure with the source paragraph it comes from; :func:`chaingraph.views.brief.render_brief` lays
it out as a printable page.

The brief's terms are those of Chinese investment-promotion practice: the chain leaders (链主,
the region's firms the chain's supply most flows through, by PageRank), stages to fill (补链: no
local member), to strengthen (强链: one or two named local members, or only a cluster segment)
and, downstream of the local members, buyers to court (延链).
"""

from __future__ import annotations

import dataclasses
import datetime

from ..errors import InputError
from ..measures.cascade import Shock
from ..measures.shares import BASES, HIGHLY_CONCENTRATED
from ..projection.selection import Scope, make_selection, scope_for
from ..projection.source import NetworkSource, Source, network_source
from ..queries import names
from ..records import Brief, DemandShock, DisruptedFirm, Leader, RankedRemoval, SubjectFigure
from ..vocab import check_language
from ._figures import FIGURE_WORDS, sourced_figures
from ._stats import concentrated, stats
from .changes import diff
from .gap_analysis import gaps
from .rankings import RANK_KINDS, rank_removals
from .scenarios import scenario

__all__ = ["BRIEF_TOP", "CONCENTRATED_ABOVE", "DEMAND_PARTIAL", "DEMAND_THRESHOLD", "Brief", "brief"]

#: How many rows each short table of the brief keeps (leaders, dependence, each removal ranking,
#: the concentrated purchases, the leader's suppliers hit hardest) and how many firms to attract it
#: names per stage: a brief is read in minutes; the commands give the rest.
BRIEF_TOP = 3
#: The HHI above which a purchase is listed among the risks: "highly concentrated" in the 2010 US
#: Horizontal Merger Guidelines (:data:`chaingraph.measures.shares.HIGHLY_CONCENTRATED`).
CONCENTRATED_ABOVE = float(HIGHLY_CONCENTRATED["2010 US Horizontal Merger Guidelines"])
#: The leader's demand shock disrupts a supplier that loses at least half its sales (``impact
#: --direction upstream --threshold 0.5``): half its buyers' money gone, a firm cannot go on as it
#: was; a smaller loss is listed as a partial loss, not as a failure.
DEMAND_THRESHOLD = 0.5
#: ... and lists the suppliers left standing that lose at least a tenth of their sales.
DEMAND_PARTIAL = 0.1
#: The bases of a share that come from the data (stated shares, values, volumes: every basis of
#: :data:`chaingraph.measures.shares.BASES` but equal shares over the firms the network knows): the
#: brief shows the leader's demand shock only when one of them decides a loss ("where quantities exist").
STATED_BASES = frozenset(BASES) - {"equal"}


def brief(
    source: Source,
    scope: Scope,
    *,
    region: str | None = None,
    since: str | None = None,
    lang: str = "en",
) -> Brief:
    """The brief of ``scope``'s chain in ``region`` (default: the chain's own region), on the
    network in force on its ``as_of`` (``undated`` as everywhere), with what changed from ``since``
    to ``as_of`` (or today) when ``since`` is given; its ``evidence`` keeps the edges of those
    levels. The region is the brief's subject, not a filter: the chain's firms elsewhere stay in.

    >>> from chaingraph.store import open_store
    >>> found = brief(open_store(), Scope(chain="ningde"))
    >>> found.region["label"], found.leaders[0]["label"]
    ('Ningde', 'CATL')
    >>> found.demand_shock["leader"]["label"], found.worst["kind"]
    ('CATL', 'stage')
    """
    check_language(lang)
    scope = scope_for(scope, "brief", "chain", "as_of", "undated", "evidence")
    chain, as_of, evidence = scope.chain, scope.as_of, scope.evidence
    if not chain:
        raise InputError("brief needs --chain")
    source = network_source(source)
    selection = make_selection(source, scope)
    chains = sorted(selection.chains or ())
    if len(chains) != 1:
        raise InputError(f"brief --chain {chain}: names {len(chains)} chains; a brief is of one chain")
    meta = source.projection().meta
    info = meta["chains"][chains[0]]
    place = str(source.resolve(region, names.PLACE)) if region else info.get("region")
    if not place:
        raise InputError(f"brief --chain {chain}: the chain has no region of its own; give --region")
    place_info = meta["places"].get(place, {})
    asked = dataclasses.replace(scope, chain=chains[0])  # the chain by its IRI: one chain, however named
    gap_report = gaps(source, asked, region=place)
    report = stats(source, asked, sort="dependence")
    rows = report.rows
    rankings = {by: rank_removals(source, by, asked, top=BRIEF_TOP) for by in RANK_KINDS}
    found = Brief(
        chain={"id": info.get("id", chains[0]), "iri": chains[0], "label": info.get("label", ""),
               "label_zh": info.get("label_zh", "")},
        region={"iri": place, "label": place_info.get("label", place), "label_zh": place_info.get("label_zh", "")},
        lang=lang,
        as_of=as_of,
        since=since,
        stages=gap_report.stages,
        leaders=gap_report.leaders[:BRIEF_TOP],
        dependence=[row for row in rows if row["dependence"] > 0][:BRIEF_TOP],
        cut_points=[row for row in rows if row["articulation_point"]][:BRIEF_TOP],
        local_sourcing=next((c for c in report.clusters if c.chain == chains[0]), None),
        concentrated=concentrated(source, asked, hhi_above=CONCENTRATED_ABOVE)[:BRIEF_TOP],
        concentrated_above=CONCENTRATED_ABOVE,
        rankings=rankings,
        worst=_worst(rankings),
        demand_shock=_demand_shock(source, next(iter(gap_report.leaders), None), asked),
        figures=_figures(source, [chains[0], place], lang),
        top=BRIEF_TOP,
        chains=meta["chains"],
        unit_words=dict(FIGURE_WORDS[lang]["units"]),
    )  # fmt: skip
    found.sources = _cited(found)
    if since is not None:
        to_date = as_of or datetime.date.today().isoformat()
        within = Scope(chain=chains[0], evidence=evidence)
        found.changes = diff(source, within, from_date=since, to_date=to_date)
    return found


def _worst(rankings: dict[str, list[RankedRemoval]]) -> RankedRemoval | None:
    """The ranked removal that disrupts most firms beyond itself (the first kind's on a tie), with
    its ``kind``; ``None`` when nothing ranked disrupts anyone."""
    ranked = [RankedRemoval(**{**row, "kind": kind}) for kind, rows in rankings.items() for row in rows[:1]]
    worst = max(ranked, key=lambda row: row["summary"].disrupted_beyond_removed, default=None)
    return worst if worst and worst["summary"].disrupted_beyond_removed > 0 else None


def _demand_shock(source: NetworkSource, leader: Leader | None, asked: Scope) -> DemandShock | None:
    """``impact --remove firm:LEADER --direction upstream`` at :data:`DEMAND_THRESHOLD` (partial
    losses from :data:`DEMAND_PARTIAL`), when some loss is decided by the data's amounts or shares:
    :data:`BRIEF_TOP` of the firms disrupted (the nearest tier first, then those whose loss the
    data's shares or amounts decide, most sales lost first) and of the partial losses, and how
    many of the disrupted the data's shares or amounts decide (``stated``)."""
    if leader is None:
        return None
    found = scenario(source, [leader["id"]], asked, shock=Shock(DEMAND_THRESHOLD, "upstream", DEMAND_PARTIAL))
    hit = [row for row in found.disrupted if row["tier"] >= 1]
    partial = [row for row in found.partial if row.get("sales_lost")]
    stated = sum(row["basis"] in STATED_BASES for row in hit)
    if not stated and not partial:
        return None
    return {
        "leader": leader,
        "threshold": DEMAND_THRESHOLD,
        "partial": DEMAND_PARTIAL,
        "stated": stated,
        "disrupted": sorted(hit, key=_hardest)[:BRIEF_TOP],
        "partial_losses": sorted(partial, key=lambda row: (-(row["sales_lost"] or 0.0), row["label"]))[:BRIEF_TOP],
        "summary": found.summary,
        "notes": found.notes,
    }


def _hardest(row: DisruptedFirm) -> tuple:
    """The order of a demand shock's disrupted firms in the brief (see :func:`_demand_shock`)."""
    return (row["tier"], row["basis"] not in STATED_BASES, -(row["share_lost"] or 0), row["label"])


def _cited(found: Brief) -> list[str]:
    """Every source the page cites, in the order it cites them: the figures', the local-sourcing
    claim's, then the attraction targets' of each stage (the first :attr:`Brief.top`)."""
    cited = [s for figure in found.figures for s in figure["sources"]]
    if found.local_sourcing and found.local_sourcing.claim_source:
        cited.append(found.local_sourcing.claim_source)
    cited += [
        s for stage in found.stages for target in stage["targets"][: found.top] for s in target.get("sources", [])
    ]
    return list(dict.fromkeys(cited))


def _figures(source, subjects: list[str], lang: str) -> list[SubjectFigure]:
    """The figures of each subject (:func:`chaingraph.reports.sourced_figures`), in ``lang``."""
    every = sourced_figures(source.store, lang)
    return [SubjectFigure(subject=subject, **figure) for subject in subjects for figure in every.get(subject, [])]
