"""The reports behind ``stats`` and ``impact``: store -> projection -> measures -> plain records.

Each public function here is what one command prints, computed without printing anything.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import networkx as nx
import numpy as np
from rdflib import Literal, URIRef

from .engines import LOCAL, SPARK, implementation
from .errors import InputError
from .measures import dispatch
from .measures import reference as analysis
from .measures.compiled import (
    FUNCTIONS,
    AnalysisGraph,
    concentrated_purchases,
    concentration_summary,
    purchase_group_hhi,
    stage_groups,
    top_customer_share,
)
from .measures.impact import Impact, impact_all
from .measures.impact import impact as impact_of
from .measures.kernels import MeasureRun, NodeValues
from .projection.model import Projection, stage_infos
from .projection.read import stage_inference_note
from .projection.selection import (
    Selection,
    dating_counts,
    evidence_counts,
    evidence_levels,
    make_selection,
    neighbourhood,
    select,
    select_columns,
)
from .projection.source import NetworkSource, Source, network_source
from .queries import names
from .queries.texts import package_query
from .store import Store
from .vocab import FJ, check_language, name_in, name_of

__all__ = [
    "COLUMN_HEADERS",
    "FIGURES_QUERY",
    "FIGURE_SOURCES_QUERY",
    "FIGURE_WORDS",
    "IMPACT_HEADERS",
    "LOCAL_SOURCING_CLAIM",
    "NODE_COLUMNS",
    "STATS_KEYS",
    "STATS_TABLE_COLUMNS",
    "ClusterSummary",
    "StatsReport",
    "concentrated",
    "evidence_levels",
    "figures_by_subject",
    "firm_names",
    "format_figure",
    "impact",
    "impact_record",
    "make_selection",
    "network",
    "sourced_figures",
    "stats",
    "view",
]

if TYPE_CHECKING:
    from .views.page import View

FIGURES_QUERY = package_query("report-figures")
FIGURE_SOURCES_QUERY = package_query("report-figure-sources")

#: How a figure reads in each language: unit words by QUDT local name, number words (largest
#: first), and the punctuation around the measure's scope, value and period.
FIGURE_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "units": {
            "PERCENT": "%",
            "NUM": "",
            "CNY": " yuan",
            "W-HR-PER-KiloGM": " Wh/kg",
            "KiloM": " km",
            "AC": " acres",
            "DAY": " days",
            "HR": " hours",
            "SEC": " s",
            "PercentagePoint": " percentage points",
            "TONNE": " t",
        },
        "numbers": ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")),
        "pattern": "{measure}{scope}: {comparator}{number}{unit}{period}",
        "brackets": " ({})",
        "comparator": "{} ",
    },
    "zh": {
        "units": {
            "PERCENT": "%",
            "NUM": "",
            "CNY": "元",
            "W-HR-PER-KiloGM": " Wh/kg",
            "KiloM": "公里",
            "AC": "英亩",
            "DAY": "天",
            "HR": "小时",
            "SEC": "秒",
            "PercentagePoint": "个百分点",
            "TONNE": "吨",
        },
        "numbers": ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")),
        "pattern": "{measure}{scope}：{comparator}{number}{unit}{period}",
        "brackets": "（{}）",
        "comparator": "{}",
    },
}


#: What ``stats`` says of each node before its measures: key -> table header.
NODE_COLUMNS = {"id": "id", "label": "name", "label_zh": "名称", "kind": "kind", "place": "place", "stage": "stage"}

#: The columns of ``stats``: the contract's JSON keys, in report order.
STATS_KEYS = [*NODE_COLUMNS, *analysis.MEASURES]
#: The firm measures of a firm's purchases' concentration: at stage level, the highest of the stage's firms'.
BUYER_CONCENTRATION = ("hhi", "region_hhi", "group_hhi")
#: What a stage-level report adds: the concentration of the purchases of each stage.
STAGE_KEYS = {"purchase_hhi": "supply HHI"}

#: The table header of every column of ``stats``.
COLUMN_HEADERS = {**NODE_COLUMNS, **{key: info.header for key, info in analysis.MEASURES.items()}, **STAGE_KEYS}

#: What the stats table shows unless --columns says otherwise, in the order they are kept when
#: the terminal is narrow (the last is left out first).
STATS_TABLE_COLUMNS = ["label", "label_zh", "stage", *(key for key, m in analysis.MEASURES.items() if m.in_table)]

#: The columns of impact's csv, markdown and --all table, with their table headers, in priority order.
IMPACT_HEADERS = {
    "label": NODE_COLUMNS["label"],
    "label_zh": NODE_COLUMNS["label_zh"],
    "direct_clients": "clients",
    "downstream_reach": "downstream",
    "reach_lost": "paths cut",
    "stage_losses": "stages lost",
    "stranded": "stranded",
    "components_before": "components",
    "components_after": "after",
    "id": "IRI",
}


def impact_record(result: Impact) -> dict:
    """One impact result as the contract's JSON record (the keys of :data:`IMPACT_HEADERS`, and labels)."""
    return {
        "id": result.firm,
        "label": result.label,
        "label_zh": result.label_zh,
        "direct_clients": result.direct_clients,
        "downstream_reach": result.downstream_reach,
        "reach_lost": result.reach_lost,
        "stage_losses": [vars(loss) for loss in result.stage_losses],
        "stranded": result.stranded,
        "stranded_labels": [loss.client_label for loss in result.stage_losses if loss.client in result.stranded],
        "components_before": result.components_before,
        "components_after": result.components_after,
    }


LOCAL_SOURCING_CLAIM = package_query("report-local-sourcing-claim")


@dataclass
class ClusterSummary:
    """How local one chain's supply is, set against what its sources claim."""

    chain: str
    label: str
    region_label: str
    local_sourcing: dict
    claimed_share: float | None
    claim_source: str
    stage_coverage: list[dict]
    #: The claim measures material volume: how many of the located relations into the region state
    #: a volume (``None`` without a claim). Below ``local_sourcing["known"]``, neither the count nor
    #: the volume measures the claim whole.
    claim_volume_relations: int | None = None


@dataclass
class StatsReport:
    selection: str
    nodes: int
    edges: int
    #: How many of the edges analysed are at each evidence level.
    evidence: dict[str, int]
    #: With ``group_by="owner"``: each controller's IRI -> the IRIs merged into it.
    grouped: dict[str, list[str]]
    rows: list[dict]
    sampled: dict[str, int]
    estimated: list[str] = field(default_factory=list)
    #: The groups by name: each controller's label -> the labels merged into it.
    grouped_labels: dict[str, list[str]] = field(default_factory=dict)
    clusters: list[ClusterSummary] = field(default_factory=list)
    single_sourced: list[dict] = field(default_factory=list)
    #: With ``as_of``: how many of the edges analysed are in force on that date and how many are
    #: undated (see :func:`chaingraph.projection.selection.dating_counts`).
    dating: dict | None = None
    #: Where the measures were computed: ``local`` (this machine) or ``spark`` (:mod:`chaingraph.engines`).
    engine: str = LOCAL
    #: Whether ``exact=True`` computes the estimated measures exactly (Spark refuses it).
    exact_on_request: bool = True
    #: Measures the engine does not compute (their values are ``None``), each with the reason.
    left_out: dict[str, str] = field(default_factory=dict)
    #: How the estimated measures were estimated, for the line that says so.
    estimate_method: str = "sketches (about 6% error)"
    #: What else the report leaves out on this engine, one line each.
    notes: list[str] = field(default_factory=list)
    #: Firm level, this machine: :func:`chaingraph.measures.compiled.concentration_summary`.
    concentration: dict | None = None


def network(
    source: Source,
    *,
    chain: str | None = None,
    region: str | None = None,
    level: str = "firm",
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
) -> nx.DiGraph:
    """The projected supply network of a selection (what ``stats``, ``view`` and ``export`` read)."""
    source = network_source(source)
    return select(
        source.network(),
        make_selection(
            source, chain=chain, region=region, level=level, evidence=evidence, as_of=as_of, undated=undated
        ),
    )


def concentrated(
    source: Source,
    *,
    hhi_above: float = 0.0,
    chain: str | None = None,
    region: str | None = None,
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
) -> list[dict]:
    """The firms' purchases of one input stage more concentrated than ``hhi_above`` (the HHI of
    the suppliers' shares by the share rule, 0-10,000), most concentrated first, each with its
    labels: what ``query single-sourced --hhi-above N`` prints. The threshold the guidelines name
    "highly concentrated": :data:`chaingraph.measures.shares.HIGHLY_CONCENTRATED`.

    >>> from chaingraph.store import open_store
    >>> rows = concentrated(open_store(), hhi_above=9999, chain="ningde")
    >>> any(row["client"].endswith("/catl") and row["stage_label"] == "testing" for row in rows)
    True
    """
    source = network_source(source)
    selection = make_selection(
        source, chain=chain, region=region, level="firm", evidence=evidence, as_of=as_of, undated=undated
    )
    table = select_columns(source.projection(), selection)
    position = {node: i for i, node in enumerate(table.nodes)}
    columns, stages = table.columns, stage_infos(table.meta)
    rows = concentrated_purchases(AnalysisGraph(table), hhi_above)
    for row in rows:
        client, top = position[row["client"]], position[row["top_supplier"]]
        stage = stages.get(row["stage"], {})
        row.update(
            client_label=columns["label"][client],
            client_label_zh=columns["label_zh"][client],
            stage_label=stage.get("label", columns["stage_label"][top]),
            stage_label_zh=stage.get("label_zh", ""),
            top_supplier_label=columns["label"][top],
            top_supplier_label_zh=columns["label_zh"][top],
        )
    return rows


def _measure(
    source: NetworkSource, selection: Selection, backend: str, exact: bool, progress: Callable[[str], None] | None
) -> tuple[Projection, MeasureRun, list[dict]]:
    """The selection's columns, its measures and single-sourced findings, on the path the
    dispatcher chooses (stage level: the aggregated graph, on the reference)."""
    if selection.level == "firm":
        network_columns: Projection | nx.DiGraph = select_columns(source.projection(), selection)
    else:
        dispatch.uses_compiled(0, backend, level=selection.level)  # refuses --backend compiled early
        network_columns = select(source.network(), selection)
    run, single = dispatch.node_measures(
        network_columns, backend=backend, level=selection.level, exact=exact, progress=progress
    )
    return analysis.as_projection(network_columns), run, single


def _stats_rows(table: Projection, run: MeasureRun, sort: str, top: int | None) -> list[dict]:
    """The report's rows of the nodes that can be among the first ``top`` by ``sort``, sorted."""
    columns = table.columns
    chosen = list(_first_by(run.values[sort], table.nodes, top))
    measures = {key: _values_at(run.values[key], table.nodes, chosen) for key in analysis.MEASURES}
    rows = []
    for j, i in enumerate(chosen):
        row = {
            "id": table.nodes[i],
            "label": columns["label"][i],
            "label_zh": columns["label_zh"][i],
            "kind": columns["kind"][i],
            "place": columns["place_label"][i],
            "stage": columns["stage_label"][i],
        }
        for key, values in measures.items():
            row[key] = values[j]
        rows.append(row)
    rows.sort(key=lambda r: (-float(r[sort]), r["label"]))
    return rows


def stats(
    source: Source,
    *,
    chain: str | None = None,
    region: str | None = None,
    level: str = "firm",
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
    group_by: str | None = None,
    sort: str = "pagerank",
    top: int | None = None,
    exact: bool = False,
    backend: str = "auto",
    engine: str = LOCAL,
    spark_master: str | None = None,
    output: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> StatsReport:
    """Centrality and risk measures of every node of a selection, sorted by ``sort``, highest first.

    ``backend``: ``networkx`` (the reference), ``compiled`` (:mod:`chaingraph.measures.compiled`: the same
    numbers from arrays, igraph and SciPy, firm level only), or ``auto``: compiled above
    :data:`chaingraph.measures.kernels.COMPILED_THRESHOLD` nodes at firm level.

    ``engine="spark"`` computes on Apache Spark (:mod:`chaingraph.spark`) instead of this machine:
    the source's sheets (``NetworkSource(store, Tables(...))``) are read where they lie, on
    ``spark_master`` (default ``local[*]``; ``SPARK_REMOTE`` for Spark Connect), and with ``output``
    the full per-firm table is written there as Parquet instead of being collected.

    >>> from chaingraph.store import open_store
    >>> report = stats(open_store(), chain="ningde", sort="in_degree")
    >>> report.rows[0]["label"]
    'CATL'
    """

    if sort not in analysis.MEASURES:
        raise InputError(f"--sort {sort!r}: unknown measure (measures: {', '.join(analysis.MEASURES)})")
    if top is not None and top < 1:
        raise InputError(f"--top {top}: must be 1 or more")
    dispatch.check_backend(backend)
    asked = dict(chain=chain, region=region, level=level, evidence=evidence, as_of=as_of, undated=undated,
                 group_by=group_by)  # fmt: skip
    run_stats = implementation(engine, local=_local_stats, spark=_spark_stats)
    return run_stats(
        network_source(source), asked,
        sort=sort, top=top, exact=exact, backend=backend, master=spark_master, output=output, progress=progress,
    )  # fmt: skip


def _local_stats(
    source: NetworkSource,
    asked: dict,
    *,
    sort: str,
    top: int | None,
    exact: bool,
    backend: str,
    master: str | None,
    output: str | None,
    progress: Callable[[str], None] | None,
) -> StatsReport:
    """``stats`` on this machine (see :func:`stats`)."""
    if output is not None or master is not None:
        raise InputError("--output and --spark-master go with --engine spark")
    if progress:
        progress("projection")
    level = asked["level"]
    selection = make_selection(source, **asked)
    table, run, single = _measure(source, selection, backend, exact, progress)
    rows = _stats_rows(table, run, sort, top)
    if level == "stage":
        _stage_concentration(source, selection, rows)
    chains = sorted({c for member_of in table.columns["chains"] for c in member_of})
    if level == "firm" and selection.chains is not None:
        chains = [c for c in chains if c in selection.chains]
    clusters = [_cluster(source.store, table, c) for c in chains if table.meta["chains"].get(c, {}).get("region")]
    return StatsReport(
        selection=table.meta.get("selection", ""),
        nodes=len(table),
        edges=table.edge_count,
        evidence=evidence_counts(table),
        grouped=table.meta.get("grouped", {}),
        grouped_labels=table.meta.get("grouped_labels", {}),
        rows=rows[:top] if top else rows,
        sampled=run.sampled,
        estimated=run.estimated,
        clusters=clusters if level == "firm" else [],
        single_sourced=single,
        dating=dating_counts(table, selection),
        # Sheets say it on every command (their notes); a graph read by SPARQL says it here.
        notes=[note] if (note := stage_inference_note(table)) and source.sheets is None else [],
        concentration=concentration_summary(AnalysisGraph(table)) if level == "firm" else None,
    )


def _stage_concentration(source: NetworkSource, selection: Selection, rows: list[dict]) -> None:
    """At stage level, each stage's concentration figures come from its firms, in ``rows``: its
    ``hhi`` is the highest of a firm at the stage (the most concentrated input purchase one of its
    firms makes), its ``top_customer_share`` the highest of a firm at it, and ``purchase_hhi`` the
    HHI of the most concentrated purchase *of* the stage by one firm of the selection (what ``gaps``
    reports per stage). On the stage graph itself every stage buys from one node per input stage
    and sells to one per client stage, so every purchase would read 10,000 and every sale 1: figures
    that look like answers and are not. ``None`` where no firm of the selection buys or sells so."""
    firms = select_columns(source.projection(), dataclasses.replace(selection, level="firm"))
    graph = AnalysisGraph(firms)
    groups = stage_groups(graph)
    # What each firm buys, as the firm-level measures say it: the stage takes the highest of its firms'.
    buying = {key: FUNCTIONS[key](graph) for key in BUYER_CONCENTRATION}
    selling, bought = top_customer_share(graph), purchase_group_hhi(graph)
    found: dict[str, dict[str, float]] = defaultdict(dict)

    def keep(stage: str, key: str, value: float) -> None:
        found[stage][key] = max(found[stage].get(key, value), value)

    has_inputs = np.bincount(groups.client_of_key, minlength=graph.n) > 0
    has_clients = np.bincount(graph.suppliers[groups.real], minlength=graph.n) > 0
    for i in np.flatnonzero(groups.node_stage >= 0):
        stage = groups.stage_names[groups.node_stage[i]]
        if has_inputs[i]:
            for key, values in buying.items():
                keep(stage, key, float(values[i]))
        if has_clients[i]:
            keep(stage, "top_customer_share", float(selling[i]))
    for group, value in enumerate(bought):
        keep(groups.stage_names[groups.stage_of_key[group]], "purchase_hhi", float(value))
    for row in rows:
        figures = found.get(row["id"], {})
        for key in (*BUYER_CONCENTRATION, "top_customer_share", *STAGE_KEYS):
            row[key] = figures.get(key)


def _spark_stats(
    source: NetworkSource,
    asked: dict,
    *,
    sort: str,
    top: int | None,
    exact: bool,
    backend: str,
    master: str | None,
    output: str | None,
    progress: Callable[[str], None] | None,
) -> StatsReport:
    """``stats`` on Spark: the selection's network read into Spark, its measures computed there, the
    first ``top`` rows (or, without ``output``, all of them) collected in the order the compiled
    path sorts them."""
    from .spark import measures as spark_measures
    from .spark.network import read_network, spark_source
    from .spark.session import spark_session
    from .spark.stats import run_stats

    if exact:
        raise InputError("--exact: the Spark engine counts reach exactly up to "
                         f"{spark_measures.EXACT_REACH_IDS:,} and estimates above; drop --exact")  # fmt: skip
    if sort in spark_measures.MEASURES_NOT_ON_SPARK:
        raise InputError(f"--sort {sort}: not computed on Spark ({spark_measures.MEASURES_NOT_ON_SPARK[sort]})")
    tables = source.tables
    if progress:
        progress("starting Spark")
    spark = spark_session(master)
    on_spark = spark_source(spark, source.store, tables)
    selection = make_selection(on_spark, **asked)
    if progress:
        progress("the network on Spark")
    network = read_network(spark, on_spark, tables, selection)
    run = run_stats(network, STATS_KEYS, sort=sort, top=top, output=output, progress=progress)
    lines = ["local sourcing by chain and single-sourced stages: computed by --engine local"]
    if tables.relations:
        lines.append(
            "stages from what a sheet's firms supply: inferred by --engine local only (here a firm the "
            "sheets give no stage has none)"
        )
    if output is not None:
        lines.append(f"every firm's row: {output} (Parquet)")
    return StatsReport(
        selection=network.selection,
        nodes=network.graph.n,
        edges=network.edge_count,
        evidence=network.evidence,
        grouped={},
        rows=run.rows,
        sampled=run.sampled,
        estimated=run.estimated,
        dating=network.dating,
        engine=SPARK,
        exact_on_request=False,
        left_out=run.left_out,
        estimate_method=(
            f"HyperLogLog sketches above {spark_measures.EXACT_REACH_IDS:,} "
            f"(relative standard error {spark_measures.HLL_RELATIVE_ERROR:.1%})"
        ),
        notes=lines,
    )


#: How many firms one query for names asks about (a VALUES table of this many rows at most).
NAMES_CHUNK = 500
#: From this many firms on, every label of the store is read in one query and kept for the firms
#: asked about: a million firms are 2,000 queries of 500 otherwise, each a worker on a disk store.
NAMES_READ_ALL_FROM = 20_000


def firm_names(source: Source, firms: Sequence[str]) -> dict[str, list[str]]:
    """Every name each of ``firms`` (IRIs) is known by: its labels and alternative labels in the
    graph, in every language, and the names the sheets gave it (a spelling merged into it
    included), each once, shortest first: what a reader checks a merge by.

    >>> from chaingraph.store import open_store
    >>> names = firm_names(open_store(), ["https://w3id.org/chaingraph/fujian/catl"])
    >>> "宁德时代" in names["https://w3id.org/chaingraph/fujian/catl"]
    True
    """
    from .sparql import bind_table

    source = network_source(source)
    store = source.store
    found: dict[str, set[str]] = {firm: set() for firm in firms}
    query = package_query("report-firm-names")
    if len(found) >= NAMES_READ_ALL_FROM:
        for thing, name in store.select_lexical(query):
            if thing in found:
                found[thing].add(name)
    else:
        ordered = sorted(found)
        for first in range(0, len(ordered), NAMES_CHUNK):
            chunk = [(URIRef(firm),) for firm in ordered[first : first + NAMES_CHUNK]]
            for row in store.select(bind_table(query, ["thing"], chunk)).rows or []:
                found[str(row["thing"])].add(str(row["name"]))
    tables = source.tables
    if tables.relations or tables.firms:
        given = [(firm, name) for firm, names in source.names("firm").items() for name in names]
        if tables.naming is not None:  # every relation end's name, the graph's firms' included
            given += [(firm, name) for name, (firm, _) in tables.naming.resolved.items()]
        for firm, name in given:
            if firm in found and name.strip():
                found[firm].add(name.strip())
    return {firm: sorted(names, key=lambda name: (len(name), name)) for firm, names in found.items()}


def _values_at(values: Mapping, nodes: list[str], positions: list[int]) -> list:
    """One measure's values at ``positions`` of ``nodes``, as Python numbers; an array-backed
    measure in the same node order is read in one step instead of one ``.item()`` per node."""
    if isinstance(values, NodeValues) and values.nodes is nodes:
        return values.array[positions].tolist()
    return [values[nodes[i]] for i in positions]


def _first_by(values: Mapping, nodes: list[str], top: int | None) -> Iterable[int]:
    """Indices of the nodes that can be among the first ``top`` by value (ties included, so
    sorting just these rows gives what sorting all of them would): rows are built for a screen's
    worth of nodes, not for ten million."""
    if top is None or top >= len(nodes):
        return range(len(nodes))
    if isinstance(values, NodeValues) and values.nodes is nodes:
        column = values.array.astype(float)
    else:
        column = np.fromiter((float(values[node]) for node in nodes), dtype=float, count=len(nodes))
    column[np.isnan(column)] = -np.inf
    cutoff = np.partition(column, len(column) - top)[len(column) - top]
    return np.flatnonzero(column >= cutoff).tolist()


def _cluster(store: Store, table: Projection, chain: str) -> ClusterSummary:
    info = table.meta["chains"][chain]
    claimed, claim_source = None, ""
    bindings = {"chain": URIRef(chain), "measure": FJ["measure-local-sourcing-share"]}
    rows = store.select(LOCAL_SOURCING_CLAIM, bindings).rows
    if rows:
        try:
            claimed = float(cast(Literal, rows[0]["value"]).toPython())
        except (TypeError, ValueError):
            claimed = None  # a claim that is no number is not compared
        claim_source = str(rows[0].get("source", ""))
    local_sourcing = analysis.cluster_local_sourcing(table, chain)
    volumes = max((f["relations"] for f in local_sourcing.get("by_amount", []) if f["basis"] == "volume"), default=0)
    return ClusterSummary(
        chain=chain,
        label=info.get("label", chain),
        region_label=table.meta["places"].get(info["region"], {}).get("label", ""),
        local_sourcing=local_sourcing,
        claimed_share=claimed,
        claim_source=claim_source,
        stage_coverage=analysis.stage_coverage(table, chain),
        claim_volume_relations=None if claimed is None else volumes,
    )


def figures_by_subject(store: Store, lang: str = "en") -> dict[str, list[str]]:
    """Every figure in the store as one readable line in ``lang``, by the IRI of its subject."""
    return {subject: [f["text"] for f in found] for subject, found in sourced_figures(store, lang).items()}


def sourced_figures(store: Store, lang: str = "en") -> dict[str, list[dict]]:
    """Every figure in the store by the IRI of its subject: its ``text`` (one readable line in
    ``lang``, :func:`format_figure`) and its ``sources`` (the paragraphs it was derived from)."""
    check_language(lang)
    sources: dict[str, list[str]] = {}
    for row in store.select(FIGURE_SOURCES_QUERY).rows:
        sources.setdefault(str(row["observation"]), []).append(str(row["source"]))
    figures: dict[str, list[dict]] = {}
    for row in store.select(FIGURES_QUERY).rows:
        figure = {"text": format_figure(row, lang), "sources": sources.get(str(row["observation"]), [])}
        figures.setdefault(str(row["subject"]), []).append(figure)
    return figures


def format_figure(row: dict, lang: str = "en") -> str:
    """``output value: more than 100 billion yuan (2024)`` (in ``zh``: ``产值：超过1000亿元（2024）``)
    from an observation's row; the period only where the data gives one, the scope after the
    measure where it has one, English standing in for a missing Chinese name."""
    words = FIGURE_WORDS[lang]
    unit_name = re.split(r"[/#]", str(row["unit"]))[-1]
    unit = words["units"].get(unit_name, " " + unit_name)
    try:
        value = float(cast(Literal, row["value"]).toPython())
    except (TypeError, ValueError):
        value = None  # a value that is no number ("about 80", a date) is shown as written
    if value is None or value != value:
        number = str(row["value"])
    else:
        for size, word in words["numbers"]:
            if abs(value) >= size:
                number = f"{value / size:g}{word}"
                break
        else:
            number = f"{value:g}"

    def named(key: str) -> str:
        return name_in(str(row[key]), str(row.get(f"{key}_zh", "")), lang) if key in row else ""

    return words["pattern"].format(
        measure=named("measure"),
        scope=words["brackets"].format(named("scope")) if "scope" in row else "",
        comparator=words["comparator"].format(named("comparator")) if "comparator" in row else "",
        number=number,
        unit=unit,
        period=words["brackets"].format(row["period"]) if "period" in row else "",
    )


def view(
    source: Source,
    target: str,
    *,
    region: str | None = None,
    level: str = "firm",
    size_by: str = "pagerank",
    lang: str = "en",
    layout: str = "auto",
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
    places: bool = False,
    remove: Sequence[str] = (),
    threshold: float = 1.0,
    direction: str = "downstream",
    focus: str | None = None,
    hops: int = 1,
    progress: Callable[[str], None] | None = None,
) -> View:
    """The HTML of the view of ``target`` (a chain id or name, or a region for all its chains): a
    string to write to a file, shown inline when it is the last value of a Jupyter cell.

    >>> from chaingraph.store import open_store
    >>> html = view(open_store(), "ningde")
    >>> html.startswith("<!DOCTYPE html>") and "CATL" in html
    True
    >>> html._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    from .views.page import TEXT, ViewData, check_size, measure_name, render_view

    if not target.strip():
        raise InputError("view: empty chain name; name a chain or a region, such as ningde or fujian")
    check_language(lang)  # before the figures and notes are written in it
    source = network_source(source)
    if progress:
        progress("projection")
    selection = make_selection(
        source, chain=target, region=region, level=level, evidence=evidence, as_of=as_of, undated=undated
    )
    if (remove or focus) and level != "firm":
        raise InputError("--remove and --focus draw firms: use them at firm level")
    from .scenarios import check_shock

    check_shock(threshold, direction)
    if (threshold, direction) != (1.0, "downstream") and not remove:
        raise InputError("--threshold and --direction go with --remove")
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
    rule = {"threshold": threshold, "direction": direction}
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
    from .measures.cascade import compiled_cascade
    from .measures.compiled import AnalysisGraph
    from .scenarios import removed_set
    from .views.page import OWN_LOSS_LIMIT, counted

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


def impact(
    source: Source,
    firm: str | None,
    *,
    chain: str | None = None,
    region: str | None = None,
    all_firms: bool = False,
    top: int | None = 10,
    evidence: str | Iterable[str] = "all",
    as_of: str | None = None,
    undated: str = "include",
    group_by: str | None = None,
    backend: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> list[Impact]:
    """What breaks if ``firm`` drops out; with ``all_firms``, every firm ranked by harm.

    ``backend`` as in :func:`stats`: the compiled graph answers above
    :data:`chaingraph.measures.kernels.COMPILED_THRESHOLD` nodes, the NetworkX reference below; with
    ``all_firms`` the compiled ranking answers at any size (``backend="networkx"`` asks for the
    reference).
    """
    from .measures import compiled
    from .measures.impact import CompiledImpacts

    dispatch.check_backend(backend)
    if not all_firms and not firm:
        raise InputError("impact needs a FIRM, or --all")
    source = network_source(source)
    selection = make_selection(
        source, chain=chain, region=region, evidence=evidence, group_by=group_by, as_of=as_of, undated=undated
    )
    table = select_columns(source.projection(), selection)
    use_compiled = dispatch.uses_compiled(len(table), backend)
    if all_firms:
        # The reference recomputes every reach count per firm removed (cubic on a ring of 1,500);
        # the compiled ranking, tested equal to it, answers --all at any size unless asked otherwise.
        use_compiled = use_compiled or backend == "auto"
        if use_compiled:
            return CompiledImpacts(compiled.AnalysisGraph(table)).most_harmful(top, progress=progress)
        return impact_all(table.to_networkx(), top=top, progress=progress)
    if firm is None:
        raise InputError("impact needs a FIRM, or --all")
    node = str(source.resolve(firm, names.FIRM))
    controller = next((head for head, members in table.meta.get("grouped", {}).items() if node in members), None)
    if controller is not None:
        label = table.columns["label"][table.nodes.index(controller)]
        raise InputError(f"{firm!r} is merged into {label} by --group-by owner: ask for {label}")
    try:
        position = table.nodes.index(node)
    except ValueError:
        raise InputError(f"{firm!r} is not part of the selected chain or region") from None
    if use_compiled:
        return [CompiledImpacts(compiled.AnalysisGraph(table)).impact(position)]
    return [impact_of(table.to_networkx(), node)]
