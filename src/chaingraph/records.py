"""Typed records that cross the library's boundary: what a verb returns and a view or the CLI
reads. They live on the ground floor, beside the errors and the vocabulary, so that the verbs
that fill them (above) and the views that lay them out (beside the reports) share one
definition and the views import nothing of the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Brief", "EmptiedStage", "ScenarioSummary"]


@dataclass(frozen=True)
class EmptiedStage:
    """A chain's stage that had a member in the network and has none left undisrupted: the chain's
    id, the stage's IRI and its English label."""

    chain: str
    stage: str
    label: str


@dataclass(frozen=True)
class ScenarioSummary:
    """A scenario's counts (:func:`chaingraph.reports.scenarios.scenario`), under its JSON keys:
    the organizations ``removed`` (tier 0) and the firms disrupted beyond them, the firms of each
    tier from 0, the disrupted firms outside the removed places (``None`` when no place was
    removed), the stages left with no member, the supplier-to-client paths cut (``None`` where the
    engine does not count them), the weakly connected components before and after, and the shock's
    ``direction`` and ``threshold``."""

    removed: int
    disrupted_beyond_removed: int
    firms_per_tier: list[int]
    outside_removed_places: int | None
    stages_emptied: list[EmptiedStage]
    paths_cut: int | None
    components_before: int
    components_after: int
    direction: str
    threshold: float


@dataclass
class Brief:
    """What a chain brief says (:func:`chaingraph.reports.briefing.brief`), each part the record of the
    verb that computes it, under that verb's JSON keys.

    ``chain`` and ``region``: ``id``/``iri``, ``label``, ``label_zh``. ``stages``: ``gaps``'
    stages in chain order. ``leaders``: ``gaps``' leaders. ``dependence``: the ``stats`` rows of
    the firms the chain depends on most; ``cut_points`` those whose loss splits the network.
    ``local_sourcing``: ``stats``' cluster summary of the chain (or ``None``). ``concentrated``:
    the purchases above ``concentrated_above``. ``rankings``: ``impact --all --by`` per kind;
    ``worst``: the ranked removal that disrupts most firms beyond itself (its row and ``kind``),
    whose tiers the brief draws. ``demand_shock``: what ``impact --remove firm:LEADER --direction
    upstream`` gives where the leader's purchases state amounts or shares (else ``None``):
    ``leader``, ``threshold``, ``partial``, ``disrupted`` and ``partial_losses`` rows, ``summary``,
    ``notes``. ``figures``: the ``figures`` query's rows of the chain and the region, each with
    ``text``. ``changes``: ``diff``'s JSON from ``since`` to ``as_of`` (or today), when ``since``
    is given. ``chains``: every chain the network knows with its stages (the views' colour of a
    stage is its place among them). ``sources``: every source the page cites, in the order it
    first cites them: footnote ``n`` is ``sources[n - 1]``. ``top``: the rows each short table
    keeps, and the attraction targets shown per stage.
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
    concentrated_above: float
    rankings: dict[str, list[dict]]
    figures: list[dict]
    top: int
    chains: dict = field(default_factory=dict)
    worst: dict | None = None
    demand_shock: dict | None = None
    changes: dict | None = None
    sources: list[str] = field(default_factory=list)
    #: Unit words of ``lang`` by QUDT local name (:data:`chaingraph.reports.FIGURE_WORDS`).
    unit_words: dict[str, str] = field(default_factory=dict)

    def note(self, source: str) -> int:
        """The footnote number of ``source``."""
        return self.sources.index(source) + 1
