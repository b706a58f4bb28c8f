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

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .changes import diff
from .errors import InputError
from .gap_analysis import gaps
from .projection.selection import make_selection
from .projection.source import Source, network_source
from .queries import names
from .reports import FIGURE_WORDS, concentrated, sourced_figures, stats
from .scenarios import RANK_KINDS, rank_removals
from .vocab import check_language

__all__ = ["BRIEF_TOP", "Brief", "brief"]

#: How many rows each short table of the brief keeps (leaders, dependence, each removal ranking, the
#: concentrated purchases): a brief is read in minutes; the commands give the rest.
BRIEF_TOP = 3
#: The HHI above which a purchase is listed among the risks: "highly concentrated" in the 2010 US
#: Horizontal Merger Guidelines (see :data:`chaingraph.measures.shares.HIGHLY_CONCENTRATED`).
CONCENTRATED_ABOVE = 2500.0


@dataclass
class Brief:
    """What a brief says, each part the record of the verb that computes it (their JSON keys).

    ``chain`` and ``region``: ``id``/``iri``, ``label``, ``label_zh``. ``stages``: ``gaps``'
    stages in chain order. ``leaders``: ``gaps``' leaders. ``dependence``: the ``stats`` rows of
    the firms the chain depends on most; ``cut_points`` those whose loss splits the network.
    ``local_sourcing``: ``stats``' cluster summary of the chain (or ``None``). ``concentrated``:
    the purchases above :data:`CONCENTRATED_ABOVE`. ``rankings``: ``impact --all --by`` per kind.
    ``figures``: the ``figures`` query's rows of the chain and the region, each with ``text``.
    ``changes``: ``diff``'s JSON from ``since`` to ``as_of`` (or today), when ``since`` is given.
    ``sources``: every source cited, in the order first cited (footnote ``n`` is ``sources[n - 1]``).
    """

    chain: dict
    region: dict
    lang: str
    as_of: str | None
    since: str | None
    stages: list[dict]
    leaders: list[dict]
    dependence: list[dict]
    cut_points: list[dict]
    local_sourcing: dict | None
    concentrated: list[dict]
    rankings: dict[str, list[dict]]
    figures: list[dict]
    changes: dict | None = None
    sources: list[str] = field(default_factory=list)
    #: Unit words of ``lang`` by QUDT local name (:data:`chaingraph.reports.FIGURE_WORDS`).
    unit_words: dict[str, str] = field(default_factory=dict)

    def cite(self, source: str) -> int:
        """The footnote number of ``source`` (numbered when first cited)."""
        if source not in self.sources:
            self.sources.append(source)
        return self.sources.index(source) + 1


def brief(
    source: Source,
    *,
    chain: str,
    region: str | None = None,
    as_of: str | None = None,
    undated: str = "include",
    since: str | None = None,
    lang: str = "en",
    evidence: str | Iterable[str] = "all",
) -> Brief:
    """The brief of ``chain`` in ``region`` (default: the chain's own region), on the network in
    force on ``as_of`` (``undated`` as everywhere), with what changed from ``since`` to ``as_of``
    (or today) when ``since`` is given; ``evidence`` keeps the edges of those levels.

    >>> from chaingraph.store import open_store
    >>> found = brief(open_store(), chain="ningde")
    >>> found.region["label"], found.leaders[0]["label"]
    ('Ningde', 'CATL')
    """
    check_language(lang)
    source = network_source(source)
    selection = make_selection(source, chain=chain, as_of=as_of, undated=undated, evidence=evidence)
    chains = sorted(selection.chains or ())
    if len(chains) != 1:
        raise InputError(f"brief --chain {chain}: names {len(chains)} chains; a brief is of one chain")
    meta = source.projection().meta
    info = meta["chains"][chains[0]]
    place = str(source.resolve(region, names.PLACE)) if region else info.get("region")
    if not place:
        raise InputError(f"brief --chain {chain}: the chain has no region of its own; give --region")
    place_info = meta["places"].get(place, {})
    asked: dict[str, Any] = {"chain": chains[0], "as_of": as_of, "undated": undated, "evidence": evidence}
    gap_report = gaps(source, region=place, **asked)
    report = stats(source, sort="dependence", **asked)
    rows = report.rows
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
        local_sourcing=next((vars(c) for c in report.clusters if c.chain == chains[0]), None),
        concentrated=concentrated(source, hhi_above=CONCENTRATED_ABOVE, **asked)[:BRIEF_TOP],
        rankings={by: rank_removals(source, by, top=BRIEF_TOP, **asked) for by in RANK_KINDS},
        figures=_figures(source, [chains[0], place], lang),
        unit_words=dict(FIGURE_WORDS[lang]["units"]),
    )  # fmt: skip
    if since is not None:
        to_date = as_of or datetime.date.today().isoformat()
        found.changes = diff(source, from_date=since, to_date=to_date, chain=chains[0], evidence=evidence).as_json()
    return found


def _figures(source, subjects: list[str], lang: str) -> list[dict]:
    """The figures of each subject (:func:`chaingraph.reports.sourced_figures`), in ``lang``."""
    every = sourced_figures(source.store, lang)
    return [{"subject": subject, **figure} for subject in subjects for figure in every.get(subject, [])]
