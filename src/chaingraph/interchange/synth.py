"""Synthetic supply networks in chaingraph's vocabulary, for scale tests and benchmarks.

Tiers follow a manufacturing chain (raw materials -> components -> assembly -> distribution).
Each firm buys from a few firms of the tier above; suppliers are drawn with a power law over the
tier, so a few firms serve very many clients (heavy-tailed out-degree) and most serve a handful.
Firms sit in regional clusters placed in the bundled graph's real places, so ``--region`` works,
and carry English and Chinese names. The same seed gives the same file.

The file is written as it is generated, in N-Triples syntax (which is also valid Turtle, so a .ttl
name works too); memory stays flat in the number of firms: nothing but the tier sizes is kept.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._runtime.fileio import atomic_open, check_target
from ..errors import InputError
from ..vocab import CG, FJ, PROV, RDF, RDFS, SKOS, XSD

__all__ = ["CONCENTRATION", "MEAN_SUPPLIERS", "NAMESPACE", "PLACES", "TIERS", "SynthSummary", "synth"]

NAMESPACE = "https://w3id.org/chaingraph/synthetic/"

TIERS = [
    # id, English, Chinese, share of firms
    ("raw-materials", "raw materials", "原材料", 0.15),
    ("components", "components", "零部件", 0.35),
    ("assembly", "assembly", "组装", 0.30),
    ("distribution", "distribution", "分销", 0.20),
]

# Regional clusters in the bundled graph's places, with their weight.
PLACES = [
    ("ningde", 0.25),
    ("fuding", 0.08),
    ("jinjiang", 0.15),
    ("quanzhou", 0.12),
    ("putian", 0.12),
    ("xiamen", 0.15),
    ("sanming", 0.08),
    ("fujian", 0.05),
]

MEAN_SUPPLIERS = 4.5  # per firm below the first tier: about 3.4 supply edges per firm overall
CONCENTRATION = 2.2  # power of the supplier draw: higher means fewer, bigger hubs
#: Share of firms two tiers or more down that also buy from a tier further up (assembly buying raw
#: materials directly): a firm then has suppliers of more than one stage, so a scenario can starve
#: it of one stage while it keeps the other.
SKIP_TIER_SHARE = 0.3
#: Share of firms below the first tier controlled by another firm of their tier (cg:controls), so
#: owner groups and ``--remove owner:`` have something to merge and remove.
CONTROLLED_SHARE = 0.02
#: With ``dated``: the share of supply edges stated as a qualified relation with a period (the
#: others stay plain, undated edges), the years periods start in, and the share left open-ended.
DATED_SHARE = 0.8
DATED_YEARS = (2015, 2025)
OPEN_ENDED_SHARE = 0.1


@dataclass
class SynthSummary:
    firms: int
    edges: int
    triples: int


def synth(
    firms: int,
    seed: int,
    path: Path,
    *,
    force: bool = False,
    dated: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic network of ``firms`` firms to ``path`` (.nt or .ttl), atomically.

    With ``dated``, :data:`DATED_SHARE` of the supply edges are also stated as qualified relations
    with a period (a start year in :data:`DATED_YEARS`, sometimes a month; an end one to six years
    later, or none), drawn from a generator of their own: the network is the same as without."""
    if not 10 <= firms <= 10_000_000:
        raise InputError(f"--firms {firms}: expected 10 to 10,000,000")
    suffix = path.suffix.lower()
    if suffix not in (".nt", ".ttl"):
        raise InputError(f"-o {path}: use a .nt or .ttl file")
    may_replace = check_target(path, force=force)
    with atomic_open(path, "w", may_replace=may_replace) as handle:
        writer = _Writer(handle)
        summary = _generate(writer, firms, seed, progress, dated)
    return summary


class _Writer:
    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.triples = 0
        self.buffer: list[str] = []

    def triple(self, subject: str, predicate: str, obj: str) -> None:
        self.buffer.append(f"<{subject}> <{predicate}> {obj} .\n")
        self.triples += 1
        if len(self.buffer) >= 10_000:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.buffer))
        self.buffer.clear()


def _iri(value: str) -> str:
    return f"<{value}>"


def _text(value: str, language: str) -> str:
    return f'"{value}"@{language}'


def _generate(
    out: _Writer, firms: int, seed: int, progress: Callable[[int, int], None] | None, dated: bool = False
) -> SynthSummary:
    rng = random.Random(seed)
    periods = random.Random(f"{seed}-dated") if dated else None
    # The skip-tier suppliers and the control come from a generator of their own, so the network
    # every earlier seed drew (firms, places, supply from the tier above) stays exactly as it was.
    extra = random.Random(f"{seed}-extra")
    chain = f"{NAMESPACE}chain/synthetic"
    source = f"{NAMESPACE}source/seed-{seed}"
    out.triple(source, str(RDF.type), _iri(str(CG.Source)))
    out.triple(source, str(RDFS.label), _text(f"chaingraph synth, {firms} firms, seed {seed}", "en"))
    out.triple(chain, str(RDF.type), _iri(str(CG.IndustrialChain)))
    out.triple(chain, str(RDFS.label), _text("Synthetic manufacturing chain", "en"))
    out.triple(chain, str(RDFS.label), _text("合成制造产业链", "zh-Hans"))
    out.triple(chain, str(CG.region), _iri(str(FJ["fujian"])))
    sizes = _tier_sizes(firms)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    for order, (tier, english, chinese, _) in enumerate(TIERS, 1):
        stage = f"{chain}/stage/{tier}"
        out.triple(stage, str(RDF.type), _iri(str(CG.ChainStage)))
        out.triple(stage, str(SKOS.inScheme), _iri(chain))
        out.triple(stage, str(SKOS.prefLabel), _text(english, "en"))
        out.triple(stage, str(SKOS.prefLabel), _text(chinese, "zh-Hans"))
        out.triple(stage, str(CG.stageOrder), f'"{order}"^^<{XSD.integer}>')
    places = [str(FJ[name]) for name, _ in PLACES]
    weights = [weight for _, weight in PLACES]
    edges = 0
    number = 0
    for tier_index, (tier, _, _, _) in enumerate(TIERS):
        stage = f"{chain}/stage/{tier}"
        for _ in range(sizes[tier_index]):
            firm = f"{NAMESPACE}firm/{number}"
            out.triple(firm, str(RDF.type), _iri(str(CG.Company)))
            out.triple(firm, str(RDFS.label), _text(f"Synthetic Firm {number:07d}", "en"))
            out.triple(firm, str(RDFS.label), _text(f"合成企业{number:07d}", "zh-Hans"))
            out.triple(firm, str(CG.locatedIn), _iri(rng.choices(places, weights)[0]))
            out.triple(firm, str(CG.inChain), _iri(chain))
            out.triple(firm, str(CG.atStage), _iri(stage))
            out.triple(firm, str(PROV.wasDerivedFrom), _iri(source))
            if tier_index > 0:
                upstream = sizes[tier_index - 1]
                wanted = min(upstream, 1 + int(rng.expovariate(1 / (MEAN_SUPPLIERS - 1))))
                chosen: set[int] = set()
                while len(chosen) < wanted:
                    # u ** CONCENTRATION piles the draws onto the first firms of the tier: hubs.
                    chosen.add(starts[tier_index - 1] + int(upstream * rng.random() ** CONCENTRATION))
                if tier_index >= 2 and extra.random() < SKIP_TIER_SHARE:
                    further = extra.randrange(tier_index - 1)
                    chosen.add(starts[further] + int(sizes[further] * extra.random() ** CONCENTRATION))
                for supplier in sorted(chosen):
                    out.triple(f"{NAMESPACE}firm/{supplier}", str(CG.supplierOf), _iri(firm))
                    if periods is not None and periods.random() < DATED_SHARE:
                        _dated_relation(out, periods, f"{NAMESPACE}firm/{supplier}", firm, source)
                edges += len(chosen)
                first = starts[tier_index]
                if number > first and extra.random() < CONTROLLED_SHARE:
                    owner = first + int((number - first) * extra.random() ** CONCENTRATION)
                    out.triple(f"{NAMESPACE}firm/{owner}", str(CG.controls), _iri(firm))
            number += 1
            if progress and number % 10_000 == 0:
                progress(number, firms)
    out.flush()
    if progress:
        progress(firms, firms)
    return SynthSummary(firms=firms, edges=edges, triples=out.triples)


def _dated_relation(out: _Writer, draw: random.Random, supplier: str, client: str, source: str) -> None:
    """A qualified relation for one edge with a period: a start year (a month a third of the time),
    an end one to six years later (a year or a month), or none."""
    relation = f"{NAMESPACE}relation/{supplier.rsplit('/', 1)[1]}-{client.rsplit('/', 1)[1]}"
    out.triple(relation, str(RDF.type), _iri(str(CG.SupplyRelation)))
    out.triple(relation, str(CG.supplier), _iri(supplier))
    out.triple(relation, str(CG.client), _iri(client))
    out.triple(relation, str(CG.evidence), _iri(str(CG.Stated)))
    out.triple(relation, str(PROV.wasDerivedFrom), _iri(source))
    start = draw.randint(*DATED_YEARS)
    month = draw.randint(1, 12) if draw.random() < 1 / 3 else None
    out.triple(relation, str(CG.periodStart), _bound(start, month))
    if draw.random() >= OPEN_ENDED_SHARE:
        end = start + draw.randint(1, 6)
        out.triple(relation, str(CG.periodEnd), _bound(end, draw.randint(1, 12) if month else None))


def _bound(year: int, month: int | None) -> str:
    if month is None:
        return f'"{year}"^^<{XSD.gYear}>'
    return f'"{year}-{month:02d}"^^<{XSD.gYearMonth}>'


def _tier_sizes(firms: int) -> list[int]:
    sizes = [max(1, int(firms * share)) for *_, share in TIERS]
    sizes[-1] = firms - sum(sizes[:-1])
    return sizes
