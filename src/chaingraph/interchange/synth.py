"""Synthetic supply networks in chaingraph's vocabulary, for scale tests and benchmarks.

Tiers follow a manufacturing chain (raw materials -> components -> assembly -> distribution).
Each firm buys from a few firms of the tier above; suppliers are drawn with a power law over the
tier, so a few firms serve very many clients (heavy-tailed out-degree) and most serve a handful.
Firms sit in regional clusters placed in the bundled graph's real places, so ``--region`` works,
and carry English and Chinese names. The same seed gives the same file.

The file is written as it is generated, in N-Triples syntax (which is also valid Turtle, so a .ttl
name works too); memory stays flat in the number of firms: nothing but the tier sizes is kept.
:func:`synth_tables` writes the same network as Parquet tables in the import layout, past what one
machine's RDF store holds, in parts that a resumed run never writes again.
"""

from __future__ import annotations

import bisect
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._runtime.fileio import atomic_open, check_target, make_folder
from ..errors import InputError
from ..sheets import FIRM_FIELDS, RELATION_FIELDS
from ..vocab import CG, CURRENCY, FJ, PROV, QUDT, RDF, RDFS, SKOS, UNIT, XSD

#: The firm fields synth's tables hold: every firm is placed by ``located_in``, so no ``address``.
_SYNTH_FIRM_FIELDS = tuple(field for field in FIRM_FIELDS if field != "address")

__all__ = [
    "CONCENTRATION",
    "MEAN_SUPPLIERS",
    "NAMESPACE",
    "PART_FIRMS",
    "PLACES",
    "RDF_LIMIT",
    "STATE_FILE",
    "TABLES_LIMIT",
    "TIERS",
    "SynthSummary",
    "SyntheticNetwork",
    "synth",
    "synth_tables",
]

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
#: With ``quantities``: each supply's value in yuan is ``VALUE_SCALE * Pareto(VALUE_TAIL)`` (heavy
#: tailed: a few deals carry most of a client's purchases), and its share of the client's
#: purchases of that stage is its value over theirs, so shares add up to 1 per client and stage.
VALUE_SCALE = 1_000_000
VALUE_TAIL = 1.2


@dataclass(frozen=True)
class SyntheticNetwork:
    """The synthetic network asked for, as one request: ``firms`` firms drawn from ``seed``; with
    ``dated``, :data:`DATED_SHARE` of the supply edges are also stated as qualified relations with
    a period (a start year in :data:`DATED_YEARS`, sometimes a month; an end one to six years
    later, or none), drawn from a generator of their own, so the network is the same as without;
    with ``quantities`` every supply edge is a qualified relation with a value and the client's
    share (see :data:`VALUE_SCALE`), from a generator of its own too.

    >>> SyntheticNetwork(3_000, dated=True).seed
    1
    """

    firms: int
    seed: int = 1
    dated: bool = False
    quantities: bool = False


@dataclass
class SynthSummary:
    """What a synth run wrote: firms, supply edges, and ``triples`` (N-Triples lines, or for
    tables the relation rows); ``complete_before`` when the folder already held the whole run."""

    firms: int
    edges: int
    triples: int
    complete_before: bool = False


def synth(
    network: SyntheticNetwork,
    path: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Write the synthetic ``network`` to ``path`` (.nt or .ttl), atomically; ``progress`` is told
    the firms written and the firms asked for."""
    _check_size(network.firms, RDF_LIMIT)
    suffix = path.suffix.lower()
    if suffix not in (".nt", ".ttl"):
        raise InputError(f"-o {path}: use a .nt or .ttl file")
    may_replace = check_target(path, force=force)
    with atomic_open(path, "w", may_replace=may_replace) as handle:
        writer = _Triples(handle)
        summary = _generate(writer, network, progress)
    return summary


#: Firms an RDF file may have (10M firms are 34M edges and about 1.3 billion bytes of N-Triples,
#: what one machine's store still loads); tables go further.
RDF_LIMIT = 10_000_000
#: Firms the tables may have: 10^9, the largest national network a cluster holds.
TABLES_LIMIT = 1_000_000_000
#: Firms per Parquet part: one part is the unit a resumed run never writes again.
PART_FIRMS = 1_000_000
#: The file in a tables folder that says how far the run got, with the generators' states.
STATE_FILE = "synth-state.json"


def synth_tables(
    network: SyntheticNetwork,
    folder: Path,
    *,
    force: bool = False,
    part_firms: int = PART_FIRMS,
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Write the network :func:`synth` writes as RDF as tables in the import layout instead, in
    ``folder``: ``relations.parquet/`` and ``firms.parquet/``, each a folder of parts of
    ``part_firms`` firms (what Spark and ``--relations``/``--firms`` read as one table).

    The same seed gives the same firms and supply edges as :func:`synth` (firm ids are the RDF
    file's IRIs; places, the chain and its stages are named, so the bundled graph's places are
    found; ownership, which tables do not carry, is left out). Each part appears only when complete,
    and :data:`STATE_FILE` keeps the generators' state after it, so a run that is interrupted is
    resumed by the same command: the parts written stay, and the next part starts where they end;
    the same command on a finished run writes nothing and returns its summary.
    """
    firms = network.firms
    _check_size(firms, TABLES_LIMIT)
    if part_firms < 1:
        raise InputError(f"part size {part_firms}: must be 1 or more")
    asked: dict = {"firms": firms, "seed": network.seed, "dated": network.dated, "part_firms": part_firms}
    if network.quantities:  # only when asked: a run started before quantities existed resumes as it was
        asked["quantities"] = True
    make_folder(folder)
    state_path = folder / STATE_FILE
    state = _read_state(state_path, asked) if state_path.is_file() and not force else None
    if state is not None and state["asked"] != asked:
        if not force:
            raise InputError(f"-o {folder}: holds a synth run of other options ({state['asked']}); --force replaces it")
        state = None
    if state is not None and state["done"]:
        # Running a finished run again is how a user checks it finished: nothing to write.
        return SynthSummary(firms=firms, edges=state["edges"], triples=state["rows"], complete_before=True)
    if state is None:
        if folder.exists() and any(folder.iterdir()) and not force:
            raise InputError(f"-o {folder}: exists and is not empty (--force replaces what synth wrote there)")
        for table in ("relations.parquet", "firms.parquet"):
            shutil.rmtree(folder / table, ignore_errors=True)
        state_path.unlink(missing_ok=True)
    tables = _Tables(folder, asked, part_firms, state)
    return _generate(tables, network, progress, resume=tables.resume)


def _check_size(firms: int, limit: int) -> None:
    if not 10 <= firms <= limit:
        raise InputError(f"--firms {firms}: expected 10 to {limit:,}")


class _Triples:
    """The network as N-Triples, written as it is generated."""

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

    def header(self, seed: int, firms: int) -> None:
        source, chain = f"{NAMESPACE}source/seed-{seed}", f"{NAMESPACE}chain/synthetic"
        self.triple(source, str(RDF.type), _iri(str(CG.Source)))
        self.triple(source, str(RDFS.label), _text(f"chaingraph synth, {firms} firms, seed {seed}", "en"))
        self.triple(chain, str(RDF.type), _iri(str(CG.IndustrialChain)))
        self.triple(chain, str(RDFS.label), _text(CHAIN_LABEL, "en"))
        self.triple(chain, str(RDFS.label), _text("合成制造产业链", "zh-Hans"))
        self.triple(chain, str(CG.region), _iri(str(FJ["fujian"])))
        for order, (tier, english, chinese, _) in enumerate(TIERS, 1):
            stage = f"{chain}/stage/{tier}"
            self.triple(stage, str(RDF.type), _iri(str(CG.ChainStage)))
            self.triple(stage, str(SKOS.inScheme), _iri(chain))
            self.triple(stage, str(SKOS.prefLabel), _text(english, "en"))
            self.triple(stage, str(SKOS.prefLabel), _text(chinese, "zh-Hans"))
            self.triple(stage, str(CG.stageOrder), f'"{order}"^^<{XSD.integer}>')

    def firm(self, number: int, place: str, tier_index: int, source: str) -> None:
        firm = f"{NAMESPACE}firm/{number}"
        stage = f"{NAMESPACE}chain/synthetic/stage/{TIERS[tier_index][0]}"
        self.triple(firm, str(RDF.type), _iri(str(CG.Company)))
        self.triple(firm, str(RDFS.label), _text(f"Synthetic Firm {number:07d}", "en"))
        self.triple(firm, str(RDFS.label), _text(f"合成企业{number:07d}", "zh-Hans"))
        self.triple(firm, str(CG.locatedIn), _iri(str(FJ[place])))
        self.triple(firm, str(CG.inChain), _iri(f"{NAMESPACE}chain/synthetic"))
        self.triple(firm, str(CG.atStage), _iri(stage))
        self.triple(firm, str(PROV.wasDerivedFrom), _iri(source))

    def supply(
        self, supplier: int, client: int, period: _Period | None, source: str, amounts: _Amounts | None = None
    ) -> None:
        supplier_iri, client_iri = f"{NAMESPACE}firm/{supplier}", f"{NAMESPACE}firm/{client}"
        self.triple(supplier_iri, str(CG.supplierOf), _iri(client_iri))
        if period is None and amounts is None:
            return
        relation = f"{NAMESPACE}relation/{supplier}-{client}"
        self.triple(relation, str(RDF.type), _iri(str(CG.SupplyRelation)))
        self.triple(relation, str(CG.supplier), _iri(supplier_iri))
        self.triple(relation, str(CG.client), _iri(client_iri))
        self.triple(relation, str(CG.evidence), _iri(str(CG.Stated)))
        self.triple(relation, str(PROV.wasDerivedFrom), _iri(source))
        if period is not None:
            self.triple(relation, str(CG.periodStart), _bound(*period.start))
            if period.end is not None:
                self.triple(relation, str(CG.periodEnd), _bound(*period.end))
        if amounts is not None:
            for key, prop, number, unit in (
                ("value", CG.tradeValue, f"{amounts.value:.2f}", CURRENCY.CNY),
                ("client-share", CG.clientShare, f"{amounts.client_share * 100:.6f}", UNIT.PERCENT),
            ):
                quantity = f"{relation}/{key}"
                self.triple(relation, str(prop), _iri(quantity))
                self.triple(quantity, str(QUDT.numericValue), f'"{number}"^^<{XSD.decimal}>')
                self.triple(quantity, str(QUDT.unit), _iri(str(unit)))

    def control(self, owner: int, owned: int) -> None:
        self.triple(f"{NAMESPACE}firm/{owner}", str(CG.controls), _iri(f"{NAMESPACE}firm/{owned}"))

    def checkpoint(self, number: int, generators: dict[str, random.Random | None], edges: int) -> None:
        """Nothing to do: a file is written whole or not at all."""

    def close(self, edges: int) -> int:
        self.flush()
        return self.triples


class _Tables:
    """The network as Parquet parts in the import layout, a part per ``part_firms`` firms."""

    def __init__(self, folder: Path, asked: dict, part_firms: int, state: dict | None) -> None:
        self.folder = folder
        self.asked = asked
        self.part_firms = part_firms
        self.firms: list[dict] = []
        self.relations: list[dict] = []
        self.parts = state["parts"] if state else 0
        self.resume = state
        self.rows = state["rows"] if state else 0

    def header(self, seed: int, firms: int) -> None:
        """Nothing: the chain and its stages are named in each firm row."""

    def firm(self, number: int, place: str, tier_index: int, source: str) -> None:
        self.firms.append(
            {
                "id": f"{NAMESPACE}firm/{number}",
                "name_en": f"Synthetic Firm {number:07d}",
                "name_zh": f"合成企业{number:07d}",
                "located_in": place.title(),
                "chain": CHAIN_LABEL,
                "stage": TIERS[tier_index][1],
                "kind": "firm",
            }
        )

    def supply(
        self, supplier: int, client: int, period: _Period | None, source: str, amounts: _Amounts | None = None
    ) -> None:
        row = {"supplier": f"{NAMESPACE}firm/{supplier}", "client": f"{NAMESPACE}firm/{client}"}
        if period is not None:
            row.update(start=_date(*period.start), end=_date(*period.end) if period.end else "", source=source)
            row["evidence"] = "stated"
        if amounts is not None:
            row.update(value=f"{amounts.value:.2f}", currency="CNY", client_share=f"{amounts.client_share * 100:.6f}%")
            row["evidence"] = "stated"
        self.relations.append(row)
        self.rows += 1

    def control(self, owner: int, owned: int) -> None:
        """Nothing: ownership is RDF's (``cg:controls``), not the tables'."""

    def checkpoint(self, number: int, generators: dict[str, random.Random | None], edges: int) -> None:
        """After every ``part_firms`` firms: write the part, then the state that follows it."""
        if number % self.part_firms == 0 and self.firms:
            self._write_part()
            self._write_state(number, generators, edges, done=False)

    def close(self, edges: int) -> int:
        if self.firms:
            self._write_part()
        self._write_state(None, {}, edges, done=True)
        return self.rows

    def _write_part(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = f"part-{self.parts:05d}.parquet"
        for table, rows, fields in (
            ("firms.parquet", self.firms, _SYNTH_FIRM_FIELDS),
            ("relations.parquet", self.relations, RELATION_FIELDS),
        ):
            folder = self.folder / table
            folder.mkdir(parents=True, exist_ok=True)
            columns = {field: [row.get(field, "") for row in rows] for field in fields}
            # Typed as text even when the part has no rows (a null-typed column reads as no sheet).
            schema = pa.schema([(field, pa.string()) for field in fields])
            with atomic_open(folder / name, "wb", may_replace=True) as handle:
                pq.write_table(pa.table(columns, schema=schema), handle)
        self.parts += 1
        self.firms, self.relations = [], []

    def _write_state(
        self, number: int | None, generators: dict[str, random.Random | None], edges: int, *, done: bool
    ) -> None:
        state = {
            "asked": self.asked,
            "done": done,
            "parts": self.parts,
            "next_firm": number,
            "edges": edges,
            "rows": self.rows,
            "generators": {key: _state(rng) for key, rng in generators.items()},
        }
        with atomic_open(self.folder / STATE_FILE, "w", may_replace=True) as handle:
            handle.write(json.dumps(state))


def _read_state(path: Path, asked: dict) -> dict:
    """The state a run left, checked whole before anything is resumed from it: a damaged file is
    an :class:`InputError` naming it, never a crash or a run that writes the wrong firms."""

    def damaged(reason: str) -> InputError:
        return InputError(f"{path}: not a synth state that can be resumed ({reason}); --force starts the run again")

    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(f"not JSON: {type(exc).__name__}") from None
    if not isinstance(state, dict):
        raise damaged("not a JSON object")
    for key in ("parts", "edges", "rows"):
        value = state.get(key)
        if type(value) is not int or value < 0:
            raise damaged(f"{key!r} missing or not a count")
    for key, kind in (("asked", dict), ("done", bool), ("generators", dict)):
        if not isinstance(state.get(key), kind):
            raise damaged(f"{key!r} missing or not a {kind.__name__}")
    if state["asked"] != asked:
        return state  # another run's options: the caller says so
    if not state["done"]:
        expected = state["parts"] * asked["part_firms"]
        if state.get("next_firm") != expected or not 0 < expected <= asked["firms"]:
            raise damaged(f"'next_firm' is {state.get('next_firm')!r}, where {state['parts']} parts end at {expected}")
        probe = random.Random()
        for key in ("firms", "dated", "extra"):
            saved = state["generators"].get(key)
            if saved is None and (key != "dated" or asked["dated"]):
                raise damaged(f"the {key!r} generator's state is missing")
            try:
                _restore(probe, saved)
            except (TypeError, ValueError):
                raise damaged(f"the {key!r} generator's state is not one") from None
    return state


def _state(rng: random.Random | None) -> list | None:
    if rng is None:
        return None
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _restore(rng: random.Random | None, saved: list | None) -> None:
    if rng is not None and saved is not None:
        version, internal, gauss = saved
        if not isinstance(internal, list) or not all(type(word) is int for word in internal):
            raise ValueError("the generator's words are not whole numbers")
        rng.setstate((version, tuple(internal), gauss))


def _iri(value: str) -> str:
    return f"<{value}>"


def _text(value: str, language: str) -> str:
    return f'"{value}"@{language}'


CHAIN_LABEL = "Synthetic manufacturing chain"


@dataclass(frozen=True)
class _Amounts:
    """A supply's value in yuan and its share of the client's purchases of the supplier's stage."""

    value: float
    client_share: float


@dataclass(frozen=True)
class _Period:
    """A relation's period: start (year, month or None) and end (the same, or None: open-ended)."""

    start: tuple[int, int | None]
    end: tuple[int, int | None] | None


def _generate(
    out: _Triples | _Tables,
    network: SyntheticNetwork,
    progress: Callable[[int, int], None] | None,
    resume: dict | None = None,
) -> SynthSummary:
    firms, seed, dated, quantities = network.firms, network.seed, network.dated, network.quantities
    rng = random.Random(seed)
    periods = random.Random(f"{seed}-dated") if dated else None
    amounts = random.Random(f"{seed}-quantities") if quantities else None
    # The skip-tier suppliers and the control come from a generator of their own, so the network
    # every earlier seed drew (firms, places, supply from the tier above) stays exactly as it was.
    extra = random.Random(f"{seed}-extra")
    generators = {"firms": rng, "dated": periods, "extra": extra, "quantities": amounts}
    source = f"{NAMESPACE}source/seed-{seed}"
    sizes = _tier_sizes(firms)
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    places = [name for name, _ in PLACES]
    weights = [weight for _, weight in PLACES]
    edges = 0
    begin = 0
    if resume is not None:
        for key, rng_of in generators.items():
            _restore(rng_of, resume["generators"].get(key))
        begin, edges = resume["next_firm"], resume["edges"]
    else:
        out.header(seed, firms)
    for number in range(begin, firms):
        tier_index = bisect.bisect_right(starts, number) - 1
        out.firm(number, rng.choices(places, weights)[0], tier_index, source)
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
            stated = _amounts(amounts, sorted(chosen), starts) if amounts is not None else {}
            for supplier in sorted(chosen):
                period = _period(periods) if periods is not None and periods.random() < DATED_SHARE else None
                out.supply(supplier, number, period, source, stated.get(supplier))
            edges += len(chosen)
            first = starts[tier_index]
            if number > first and extra.random() < CONTROLLED_SHARE:
                out.control(first + int((number - first) * extra.random() ** CONCENTRATION), number)
        if progress and (number + 1) % 10_000 == 0:
            progress(number + 1, firms)
        out.checkpoint(number + 1, generators, edges)
    written = out.close(edges)
    if progress:
        progress(firms, firms)
    return SynthSummary(firms=firms, edges=edges, triples=written)


def _amounts(draw: random.Random, suppliers: list[int], starts: list[int]) -> dict[int, _Amounts]:
    """Each supplier's value and its share of the client's purchases of the supplier's tier."""
    values = {supplier: VALUE_SCALE * draw.paretovariate(VALUE_TAIL) for supplier in suppliers}
    tier_of = {supplier: bisect.bisect_right(starts, supplier) - 1 for supplier in suppliers}
    totals: dict[int, float] = {}
    for supplier, value in values.items():
        totals[tier_of[supplier]] = totals.get(tier_of[supplier], 0.0) + value
    return {s: _Amounts(round(v, 2), v / totals[tier_of[s]]) for s, v in values.items()}


def _period(draw: random.Random) -> _Period:
    """A period: a start year (a month a third of the time), an end one to six years later (a year
    or a month), or none."""
    start = draw.randint(*DATED_YEARS)
    month = draw.randint(1, 12) if draw.random() < 1 / 3 else None
    if draw.random() < OPEN_ENDED_SHARE:
        return _Period((start, month), None)
    end = start + draw.randint(1, 6)
    return _Period((start, month), (end, draw.randint(1, 12) if month else None))


def _bound(year: int, month: int | None) -> str:
    if month is None:
        return f'"{year}"^^<{XSD.gYear}>'
    return f'"{year}-{month:02d}"^^<{XSD.gYearMonth}>'


def _date(year: int, month: int | None) -> str:
    return f"{year}" if month is None else f"{year}-{month:02d}"


def _tier_sizes(firms: int) -> list[int]:
    sizes = [max(1, int(firms * share)) for *_, share in TIERS]
    sizes[-1] = firms - sum(sizes[:-1])
    return sizes
