"""Typed records that cross the library's boundary: what a verb returns and a view or the CLI
reads. They live on the ground floor, beside the errors and the vocabulary, so that the verbs
that fill them (above) and the views that lay them out (beside the reports) share one
definition and the views import nothing of the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

__all__ = [
    "AmountShare",
    "AttractionTarget",
    "Brief",
    "ChainCoverage",
    "ChainRef",
    "ClusterSummary",
    "ConcentratedPurchase",
    "Concentration",
    "Dating",
    "DemandShock",
    "DiffReport",
    "DisruptedFirm",
    "EmptiedStage",
    "Figure",
    "FirmRef",
    "GapStage",
    "Leader",
    "LocalSourcing",
    "PartialLoss",
    "PlaceRef",
    "PurchaseConcentration",
    "RankChange",
    "RankedRemoval",
    "RelationChange",
    "RemovedSet",
    "ScenarioSummary",
    "StageCoverage",
    "SubjectFigure",
]

# The rows of the JSON contract are typed dicts: written as they are (one per line, millions of
# them, no conversion), read by key; the aggregates code reads are dataclasses, which the JSON
# writer serialises field by field under the same keys.


class RemovedSet(TypedDict):
    """One removal of a scenario: its ``kind`` (firm, region, stage, owner), the ``name`` given,
    the ``id`` (IRI) it resolved to and the organizations it removes (``members``)."""

    kind: str
    name: str
    id: str
    members: int


class DisruptedFirm(TypedDict):
    """A firm a scenario disrupts: its ``tier`` (0: removed), the ``reason`` (``stage``: every
    supplier of a stage lost; ``supply``: every supplier; ``demand``: its sales), the stages lost
    (labels and IRIs), the share lost and its ``basis`` where a share decided (else ``None``), its
    place's label and its chains' ids."""

    id: str
    label: str
    label_zh: str
    tier: int
    reason: str
    stages_lost: list[str]
    stage_ids_lost: list[str]
    share_lost: float | None
    basis: str | None
    place: str
    chains: list[str]


class PartialLoss(TypedDict):
    """A firm a scenario hits without disrupting it: the share of each stage's suppliers it lost
    (by the stage's label), the stages among them not essential to it, and with a demand shock the
    share of its sales lost (else ``None``)."""

    id: str
    label: str
    label_zh: str
    stages: dict[str, float]
    not_essential: list[str]
    sales_lost: float | None


class AmountShare(TypedDict):
    """Local sourcing over the relations stating an amount of one ``basis`` (value, volume) in one
    ``unit``: the amount from inside the region, the total, the relations counted, the share."""

    basis: str
    unit: str
    local: float
    total: float
    relations: int
    share: float | None


class LocalSourcing(TypedDict):
    """How local one chain's supply is in its ``region``: the relations into the region's members
    whose supplier lies inside (``local``), whose supplier's place is known (``known``) or not
    (``unknown``), the ``share`` local of the known, and the same by amount (``by_amount``)."""

    chain: str
    region: str
    local: int
    known: int
    unknown: int
    share: float | None
    by_amount: list[AmountShare]


class StageCoverage(TypedDict):
    """One stage of a chain in its region: its IRI, labels, place in the chain's order, the
    region's members at it and whether there is any."""

    stage: str
    label: str
    label_zh: str
    order: int
    local_members: list[str]
    covered: bool


class Dating(TypedDict):
    """With ``--as-of``: the edges in force on the date, the edges no period dates, and whether
    those are kept (``--undated include``)."""

    as_of: str
    in_force: int
    undated: int
    undated_kept: bool


class Concentration(TypedDict):
    """How concentrated a network's purchases are: the (client, input stage) purchases, those with
    an HHI above 2,500 and above 1,800, and how many purchases and sellers had their shares from
    each basis."""

    purchases: int
    above_2500: int
    above_1800: int
    purchase_bases: dict[str, int]
    sales_bases: dict[str, int]


class FirmRef(TypedDict):
    """A firm as a row names it: its IRI and its English and Chinese labels."""

    id: str
    label: str
    label_zh: str


class AttractionTarget(FirmRef):
    """A firm outside a region at a stage the region lacks (``gaps``): where it is (or that its
    place is unknown), whether it supplies the region's members, buys from them or both
    (``role``), how many of them it deals with, its dependence, and the weakest evidence and the
    sources of those relations."""

    place: str
    location_unknown: bool
    role: str
    local_partners: int
    dependence: float
    evidence: str
    sources: list[str]


class GapStage(TypedDict):
    """One stage of a chain in a region (``gaps``): its status (missing, thin, cluster, covered),
    the region's members at it and the members elsewhere, the local share of its supply into the
    region, the HHI of the region's most concentrated purchase of it, and the firms to attract."""

    chain: str
    stage: str
    label: str
    label_zh: str
    status: str
    local_members: list[FirmRef]
    elsewhere: int
    local_share: float | None
    purchase_hhi: float | None
    targets: list[AttractionTarget]


class Leader(FirmRef):
    """One of a region's chain leaders (``gaps``): a member with one of the highest PageRanks."""

    pagerank: float


class RelationChange(TypedDict):
    """A supply relation that began or ended between two dates (``diff``), with its products,
    periods and sources."""

    supplier: str
    supplier_label: str
    client: str
    client_label: str
    supplies: list[str]
    periods: list[str]
    sources: list[str]


class RankChange(FirmRef):
    """A leading firm's rank by ``measure`` on each date (``None``: out of the network then) and
    the places it moved up (``change``; ``None`` when it has no rank on a date)."""

    measure: str
    rank_from: int | None
    rank_to: int | None
    change: int | None


class ChainCoverage(TypedDict):
    """A regional chain on both dates (``diff``): the stages with a local member and the
    local-sourcing share on the ``from`` date and on the ``to`` date, of its ``stages``."""

    chain: str
    label: str
    stages_covered_from: int
    local_share_from: float | None
    stages_covered_to: int
    local_share_to: float | None
    stages: int


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
class ClusterSummary:
    """How local one chain's supply is, set against what its sources claim (``stats``' clusters)."""

    chain: str
    label: str
    region_label: str
    local_sourcing: LocalSourcing
    claimed_share: float | None
    claim_source: str
    stage_coverage: list[StageCoverage]
    #: The claim measures material volume: how many of the located relations into the region state
    #: a volume (``None`` without a claim). Below ``local_sourcing["known"]``, neither the count nor
    #: the volume measures the claim whole.
    claim_volume_relations: int | None = None


@dataclass
class DiffReport:
    """What changed between ``from_date`` and ``to_date`` (:func:`chaingraph.reports.changes.diff`): the
    supply relations begun and ended, the firms entered and left, the leading firms' rank moves, each
    regional chain's coverage then and now, and the undated edges (in force on both dates)."""

    from_date: str
    to_date: str
    selection: str
    began: list[RelationChange] = field(default_factory=list)
    ended: list[RelationChange] = field(default_factory=list)
    entered: list[FirmRef] = field(default_factory=list)
    left: list[FirmRef] = field(default_factory=list)
    rank_changes: list[RankChange] = field(default_factory=list)
    coverage: list[ChainCoverage] = field(default_factory=list)
    #: Edges no period dates: in force on both dates, so in neither list.
    undated: int = 0

    def as_json(self) -> dict:
        return {
            "from": self.from_date,
            "to": self.to_date,
            "selection": self.selection,
            "began": self.began,
            "ended": self.ended,
            "entered": self.entered,
            "left": self.left,
            "rank_changes": self.rank_changes,
            "coverage": self.coverage,
            "undated": self.undated,
        }


class Figure(TypedDict):
    """A figure the sources state, as a line of text in a language, and the sources stating it."""

    text: str
    sources: list[str]


class SubjectFigure(Figure):
    """A figure of a brief's chain or region (``subject``, its IRI)."""

    subject: str


class ChainRef(TypedDict):
    """A chain as a brief names it: its id, IRI and English and Chinese labels."""

    id: str
    iri: str
    label: str
    label_zh: str


class PlaceRef(TypedDict):
    """A place as a brief names it: its IRI and English and Chinese labels."""

    iri: str
    label: str
    label_zh: str


class PurchaseConcentration(TypedDict):
    """A client's purchases of one input stage: the suppliers, their HHI (0-10,000, by the share
    rule), the largest supplier and its share, and what the shares rest on (``basis``)."""

    client: str
    stage: str
    suppliers: int
    hhi: float
    top_supplier: str
    top_share: float
    basis: str


class ConcentratedPurchase(PurchaseConcentration):
    """A concentrated purchase with the labels of its client, stage and largest supplier
    (``query single-sourced --hhi-above``)."""

    client_label: str
    client_label_zh: str
    stage_label: str
    stage_label_zh: str
    top_supplier_label: str
    top_supplier_label_zh: str


class RankedRemoval(TypedDict):
    """A place, stage or group ranked by the harm its removal does (``impact --all --by``): its
    ``kind``, IRI, labels, the organizations it removes and the scenario's summary."""

    kind: str
    id: str
    label: str
    label_zh: str
    members: int
    summary: ScenarioSummary


class DemandShock(TypedDict):
    """The chain leader's demand shock in a brief (``impact --remove firm:LEADER --direction
    upstream``): the leader, the shock's threshold and partial share, how many disrupted firms' losses
    the data's amounts or shares decide (``stated``), the firms disrupted and partly hit shown, the
    summary and the notes."""

    leader: Leader
    threshold: float
    partial: float
    stated: int
    disrupted: list[DisruptedFirm]
    partial_losses: list[PartialLoss]
    summary: ScenarioSummary
    notes: list[str]


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

    chain: ChainRef
    region: PlaceRef
    lang: str
    as_of: str | None
    since: str | None
    stages: list[GapStage]
    leaders: list[Leader]
    dependence: list[dict]
    cut_points: list[dict]
    local_sourcing: ClusterSummary | None
    concentrated: list[ConcentratedPurchase]
    concentrated_above: float
    rankings: dict[str, list[RankedRemoval]]
    figures: list[SubjectFigure]
    top: int
    chains: dict = field(default_factory=dict)
    worst: RankedRemoval | None = None
    demand_shock: DemandShock | None = None
    changes: DiffReport | None = None
    sources: list[str] = field(default_factory=list)
    #: Unit words of ``lang`` by QUDT local name (:data:`chaingraph.reports.FIGURE_WORDS`).
    unit_words: dict[str, str] = field(default_factory=dict)

    def note(self, source: str) -> int:
        """The footnote number of ``source``."""
        return self.sources.index(source) + 1
