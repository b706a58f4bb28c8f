"""``stats``: every node's measures, on this machine or on Spark (:mod:`chaingraph.engines`), with
the chains' local sourcing and the network's concentration.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast, overload

import networkx as nx
import numpy as np
from rdflib import Literal, URIRef

from .._runtime.records import RecordsOnRead
from ..engines import LOCAL, SPARK, Compute, implementation
from ..errors import InputError
from ..measures import dispatch
from ..measures import reference as analysis
from ..measures.compiled import (
    FUNCTIONS,
    AnalysisGraph,
    concentrated_purchases,
    concentration_summary,
    purchase_group_hhi,
    stage_groups,
    top_customer_share,
)
from ..measures.kernels import MeasureRun, NodeValues
from ..projection.model import Projection, stage_infos
from ..projection.read import stage_inference_note
from ..projection.selection import (
    FIRM_LEVEL_SCOPE,
    Scope,
    Selection,
    dating_counts,
    evidence_counts,
    make_selection,
    scope_for,
    select,
    select_columns,
)
from ..projection.source import NetworkSource, Source, network_source
from ..queries.texts import package_query
from ..records import ClusterSummary, ConcentratedPurchase, Concentration, Dating
from ..store import Store
from ..vocab import FJ
from ._columns import BUYER_CONCENTRATION, STAGE_KEYS, STATS_KEYS

__all__ = [
    "LOCAL_SOURCING_CLAIM",
    "ClusterSummary",
    "StatsReport",
    "StatsRows",
    "StatsRun",
    "concentrated",
    "network",
    "stats",
]

LOCAL_SOURCING_CLAIM = package_query("report-local-sourcing-claim")


@dataclass
class StatsReport:
    selection: str
    nodes: int
    edges: int
    #: How many of the edges analysed are at each evidence level.
    evidence: dict[str, int]
    #: With ``group_by="owner"``: each controller's IRI -> the IRIs merged into it.
    grouped: dict[str, list[str]]
    #: One dict per node (a :class:`StatsRows` built row by row on this machine; a list on Spark).
    rows: Sequence[dict]
    sampled: dict[str, int]
    estimated: list[str] = field(default_factory=list)
    #: The groups by name: each controller's label -> the labels merged into it.
    grouped_labels: dict[str, list[str]] = field(default_factory=dict)
    clusters: list[ClusterSummary] = field(default_factory=list)
    single_sourced: Sequence[dict] = field(default_factory=list)
    #: With ``as_of``: how many of the edges analysed are in force on that date and how many are
    #: undated (see :func:`chaingraph.projection.selection.dating_counts`).
    dating: Dating | None = None
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
    concentration: Concentration | None = None

    @property
    def ids(self) -> list[str]:
        """Each row's ``id``, in row order."""
        return self.rows.ids if isinstance(self.rows, StatsRows) else [row["id"] for row in self.rows]


def network(source: Source, scope: Scope | None = None) -> nx.DiGraph:
    """The projected supply network of a part of ``source`` (:class:`Scope`; ``None``: all of it):
    what ``stats``, ``view`` and ``export`` read."""
    source = network_source(source)
    return select(source.network(), make_selection(source, scope))


def concentrated(source: Source, scope: Scope | None = None, *, hhi_above: float = 0.0) -> list[ConcentratedPurchase]:
    """The firms' purchases of one input stage more concentrated than ``hhi_above`` (the HHI of
    the suppliers' shares by the share rule, 0-10,000), most concentrated first, each with its
    labels: what ``query single-sourced --hhi-above N`` prints. The threshold the guidelines name
    "highly concentrated": :data:`chaingraph.measures.shares.HIGHLY_CONCENTRATED`.

    >>> from chaingraph.store import open_store
    >>> rows = concentrated(open_store(), Scope(chain="ningde"), hhi_above=9999)
    >>> any(row["client"].endswith("/catl") and row["stage_label"] == "testing" for row in rows)
    True
    """
    source = network_source(source)
    selection = make_selection(source, scope_for(scope, "concentrated", *FIRM_LEVEL_SCOPE))
    table = select_columns(source.projection(), selection)
    position = {node: i for i, node in enumerate(table.nodes)}
    columns, stages = table.columns, stage_infos(table.meta)
    rows = []
    for row in concentrated_purchases(AnalysisGraph(table), hhi_above):
        client, top = position[row["client"]], position[row["top_supplier"]]
        stage = stages.get(row["stage"], {})
        rows.append(
            ConcentratedPurchase(
                **row,
                client_label=columns["label"][client],
                client_label_zh=columns["label_zh"][client],
                stage_label=stage.get("label", columns["stage_label"][top]),
                stage_label_zh=stage.get("label_zh", ""),
                top_supplier_label=columns["label"][top],
                top_supplier_label_zh=columns["label_zh"][top],
            )
        )
    return rows


def _measure(
    source: NetworkSource, selection: Selection, backend: str, exact: bool, progress: Callable[[str], None] | None
) -> tuple[Projection, MeasureRun, Sequence[dict]]:
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


def _stats_rows(table: Projection, run: MeasureRun, sort: str, top: int | None) -> StatsRows:
    """The report's rows of the nodes that can be among the first ``top`` by ``sort``, sorted."""
    chosen = list(_first_by(run.values[sort], table.nodes, top))
    measures = {key: _values_at(run.values[key], table.nodes, chosen) for key in analysis.MEASURES}
    labels, by = table.columns["label"], measures[sort]
    values = (-by.astype(float)).tolist() if isinstance(by, np.ndarray) else [-float(value) for value in by]
    keys = [(value, labels[i]) for value, i in zip(values, chosen, strict=True)]
    order = sorted(range(len(chosen)), key=keys.__getitem__)  # stable: as sorting the rows would be
    return StatsRows(table, chosen, measures, order)


class StatsRows(RecordsOnRead):
    """The rows of ``stats``, one dict per node, built when read (from the projection's columns and
    the measures' values, a block of rows at a time) rather than held: the JSON of a million firms
    is written a row at a time (issue 47). A list of the same dicts compares equal to it."""

    #: Rows built at once when iterating: each measure's values for them read in one step.
    BLOCK = 8192

    def __init__(
        self,
        table: Projection,
        chosen: list[int],
        measures: dict[str, np.ndarray | list],
        order: Sequence[int] | np.ndarray,
    ) -> None:
        self._table, self._chosen, self._measures = table, chosen, measures
        self._order = np.asarray(order, dtype=np.int64)
        self._extra: dict[str, tuple[Mapping[str, object], object]] = {}
        super().__init__(len(self._order), lambda at: next(self._rows(self._order[at : at + 1])))

    @functools.cached_property
    def _chosen_array(self) -> np.ndarray:
        return np.asarray(self._chosen, dtype=np.int64)

    @overload
    def __getitem__(self, k: int) -> dict: ...
    @overload
    def __getitem__(self, k: slice) -> list[dict]: ...
    def __getitem__(self, k: int | slice) -> dict | list[dict]:
        if isinstance(k, slice):  # a block at a time
            return list(self._rows(self._order[k]))
        return super().__getitem__(k)

    def __iter__(self) -> Iterator[dict]:
        for first in range(0, len(self._order), self.BLOCK):
            yield from self._rows(self._order[first : first + self.BLOCK])

    def __repr__(self) -> str:
        return f"StatsRows({len(self)} rows)"

    @property
    def keys(self) -> tuple[str, ...]:
        """Every row's keys, in order."""
        return ("id", *_ROW_COLUMNS, *self._measures, *self._extra)

    @property
    def ids(self) -> list[str]:
        """Each row's ``id``, in row order (no row built)."""
        nodes, chosen = self._table.nodes, self._chosen
        return [nodes[chosen[j]] for j in self._order.tolist()]

    def with_column(self, key: str, by_id: Mapping[str, object], default: object = None) -> StatsRows:
        """These rows, each with ``key`` last: ``by_id`` of the row's ``id`` (``default`` when it has
        none), built with the row (the JSON of ``stats`` adds the firms' names so)."""
        extended = StatsRows(self._table, self._chosen, self._measures, self._order)
        extended._extra = {**self._extra, key: (by_id, default)}
        return extended

    def _rows(self, block: np.ndarray) -> Iterator[dict]:
        """The rows ``block`` (positions among the chosen nodes) names, in its order: each column
        read for the whole block, the rows zipped from the columns (a dict a row in one step)."""
        columns = self._table.columns
        at = self._chosen_array[block].tolist()
        ids = _pick(self._table.nodes, at)
        cells: list[Sequence] = [ids, *(_pick(columns[column], at) for column in _ROW_COLUMNS.values())]
        positions = block.tolist()
        for found in self._measures.values():
            cells.append(found[block].tolist() if isinstance(found, np.ndarray) else _pick(found, positions))
        for by_id, default in self._extra.values():
            cells.append([by_id.get(node, default) for node in ids])
        keys = self.keys
        for values in zip(*cells, strict=True):
            yield dict(zip(keys, values, strict=True))


#: A stats row's columns from the projection, beside ``id`` and the measures: key -> column.
_ROW_COLUMNS = {
    "label": "label",
    "label_zh": "label_zh",
    "kind": "kind",
    "place": "place_label",
    "stage": "stage_label",
}


def _pick(values: Sequence, at: list[int]) -> Sequence:
    """``values`` at the positions ``at``, in one C call (``itemgetter`` of one gives no tuple)."""
    if len(at) == 1:
        return [values[at[0]]]
    return operator.itemgetter(*at)(values) if at else []


@dataclass(frozen=True)
class StatsRun:
    """How ``stats`` runs, beside what it selects: the order and the rows kept, exactness, the local
    backend, Spark's master and output, and the progress callback (see :func:`stats`)."""

    sort: str
    top: int | None
    exact: bool
    backend: str
    master: str | None
    output: str | None
    progress: Callable[[str], None] | None


def stats(
    source: Source,
    scope: Scope | None = None,
    *,
    sort: str = "pagerank",
    top: int | None = None,
    compute: Compute | None = None,
    progress: Callable[[str], None] | None = None,
) -> StatsReport:
    """Centrality and risk measures of every node of the part of the network ``scope`` chooses,
    sorted by ``sort``, highest first, the first ``top`` of them (``None``: all).

    ``compute`` (:class:`~chaingraph.engines.Compute`) says where: on this machine its ``backend``
    is ``networkx`` (the reference), ``compiled`` (:mod:`chaingraph.measures.compiled`: the same
    numbers from arrays, igraph and SciPy, firm level only), or ``auto``: compiled above
    :data:`chaingraph.measures.kernels.COMPILED_THRESHOLD` nodes at firm level; ``exact`` computes
    the sampled measures exactly. ``engine="spark"`` computes on Apache Spark
    (:mod:`chaingraph.spark`): the source's sheets (``NetworkSource(store, Tables(...))``) are read
    where they lie, on ``spark_master`` (default ``local[*]``; ``SPARK_REMOTE`` for Spark Connect),
    and with ``output`` the full per-firm table is written there as Parquet instead of being collected.

    >>> from chaingraph.store import open_store
    >>> report = stats(open_store(), Scope(chain="ningde"), sort="in_degree")
    >>> report.rows[0]["label"]
    'CATL'
    """

    if sort not in analysis.MEASURES:
        raise InputError(f"--sort {sort!r}: unknown measure (measures: {', '.join(analysis.MEASURES)})")
    if top is not None and top < 1:
        raise InputError(f"--top {top}: must be 1 or more")
    compute = (compute or Compute()).checked()
    dispatch.check_backend(compute.backend)
    run_stats = implementation(compute.engine, local=_local_stats, spark=_spark_stats)
    how = StatsRun(sort, top, compute.exact, compute.backend, compute.spark_master, compute.output, progress)
    return run_stats(network_source(source), scope or Scope(), how)


def _local_stats(source: NetworkSource, scope: Scope, how: StatsRun) -> StatsReport:
    """``stats`` on this machine (see :func:`stats`)."""
    sort, top, exact, backend, progress = how.sort, how.top, how.exact, how.backend, how.progress
    if progress:
        progress("projection")
    level = scope.level
    selection = make_selection(source, scope)
    table, run, single = _measure(source, selection, backend, exact, progress)
    rows: Sequence[dict] = _stats_rows(table, run, sort, top)
    if level == "stage":  # a few rows, each given its stage's concentration
        rows = list(rows)
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


def _spark_stats(source: NetworkSource, scope: Scope, how: StatsRun) -> StatsReport:
    """``stats`` on Spark: the selection's network read into Spark, its measures computed there, the
    first ``top`` rows (or, without ``output``, all of them) collected in the order the compiled
    path sorts them."""
    sort, top, exact, master, output, progress = how.sort, how.top, how.exact, how.master, how.output, how.progress
    from ..spark import measures as spark_measures
    from ..spark.network import read_network, spark_source
    from ..spark.session import spark_session
    from ..spark.stats import run_stats

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
    selection = make_selection(on_spark, scope)
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


def _values_at(values: Mapping, nodes: list[str], positions: list[int]) -> np.ndarray | list:
    """One measure's values at ``positions`` of ``nodes``: an array-backed measure in the same
    node order as an array (read into Python numbers a block of rows at a time), else a list."""
    if isinstance(values, NodeValues) and values.nodes is nodes:
        return values.array if len(positions) == len(nodes) else values.array[positions]
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
