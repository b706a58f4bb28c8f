"""The Spark engine against NetworkX and the compiled path: Spark's own local mode with two cores,
started once for this module on 127.0.0.1 in a folder of its own, and stopped at the end.

Every Spark measure is held to the NetworkX reference on random graphs (cycles, self-loops,
isolated firms, several components) and to the compiled path through ``stats`` on sheets that name
the bundled graph's firms, places and chains, on the bundled graph exported as Parquet, and on a
2,500-firm synthetic network. Spark runs dozens of small jobs per measure, so the random graphs are
few and small: what they check is the algorithm, not the scale.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil

import networkx as nx
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph import Shock, stats
from chaingraph.engines import Compute
from chaingraph.measures import reference
from chaingraph.measures.cascade import cascade
from chaingraph.measures.registry import MEASURES
from chaingraph.projection.selection import Scope
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, require, run_process
from ..interchange.test_interchange import WILLEMS_MAP, willems, willems_counts
from ..measures.test_compiled import supply_graphs
from ..measures.test_scenarios import staged_graphs
from ..measures.test_weighted_cascade import RULES, quantified_graphs
from ..projection.test_tables import FIRMS_HEADER, RELATIONS_HEADER, SHEET_FIRMS, SHEET_RELATIONS, write_sheet

try:
    import pyspark

    HAVE_PYSPARK = True
except ImportError:
    HAVE_PYSPARK = False

pytestmark = pytest.mark.spark

MASTER = "local[2]"
#: Spark's PageRank runs NetworkX's iterates; only the order of the sums differs.
RELATIVE, ABSOLUTE = 1e-6, 1e-12


@pytest.fixture(scope="module")
def spark():
    require(HAVE_PYSPARK, "pyspark (pip install 'chaingraph[spark]')")
    require(
        bool(os.environ.get("JAVA_HOME") or shutil.which("java")),
        "a Java runtime (apt-get install default-jre-headless)",
    )
    from chaingraph.spark.session import spark_session, stop_session

    session = spark_session(MASTER)
    # Tables are named a batch at a time on the executors: batches of three rows, so every sheet
    # here spans several and what one batch created is never taken for granted by the next.
    session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
    yield session
    stop_session()


def spark_graph(spark, graph: nx.DiGraph):
    from chaingraph.spark.measures import SparkGraph

    ids = {node: i for i, node in enumerate(graph)}
    nodes = spark.createDataFrame([(i,) for i in ids.values()], "node long")
    edges = spark.createDataFrame([(ids[a], ids[b]) for a, b in graph.edges], "src long, dst long")
    return SparkGraph(nodes, edges, graph.number_of_nodes()), {i: node for node, i in ids.items()}


def values(frame, names, column) -> dict:
    return {names[row["node"]]: row[column] for row in frame.collect()}


def close(expected: float, got: float) -> bool:
    return math.isclose(got, expected, rel_tol=RELATIVE, abs_tol=ABSOLUTE)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(graph=supply_graphs())
def test_every_spark_measure_equals_networkx(spark, graph):
    from chaingraph.spark import measures

    assert set(measures.FUNCTIONS) | set(measures.MEASURES_NOT_ON_SPARK) == set(MEASURES)
    network, names = spark_graph(spark, graph)
    run = measures.node_measures(network)
    got = {key: values(run.values, names, key) for key in measures.FUNCTIONS}
    assert run.estimated == []  # forty nodes: every reach counted exactly
    for key in ("in_degree", "out_degree", "upstream_reach", "downstream_reach", "component_size"):
        assert got[key] == reference.REFERENCE[key](graph), key
    for key in ("pagerank", "dependence", "closeness", "harmonic"):  # forty nodes: closeness, harmonic exact
        expected = reference.REFERENCE[key](graph)
        assert all(close(expected[node], got[key][node]) for node in graph), key
    assert run.sampled == {}


def test_sampled_closeness_and_harmonic_draw_the_sources_the_other_paths_draw(spark):
    """Past the threshold both paths measure distances from the same 256 seeded sources (drawn
    from the nodes sorted by IRI), so their estimates agree to rounding; the ids given here are
    not in IRI order, so an engine that sampled by id would differ."""
    from chaingraph.measures import kernels
    from chaingraph.spark import measures

    graph = nx.gnp_random_graph(kernels.SAMPLING_THRESHOLD + 200, 0.0015, seed=5, directed=True)
    graph = nx.relabel_nodes(graph, {i: f"firm/{(i * 7919) % 100_003:06d}" for i in graph})
    network, names = spark_graph(spark, graph)
    network.names = spark.createDataFrame([(i, iri) for i, iri in names.items()], "node long, iri string")
    k = kernels.DEFAULT_SAMPLES
    assert measures.sample_size(network) == k
    for key, function in (("closeness", measures.closeness), ("harmonic", measures.harmonic)):
        expected = reference.REFERENCE[key](graph, k=k)
        got = values(function(network), names, key)
        assert all(close(expected[node], got[node]) for node in graph), key
        assert expected != reference.REFERENCE[key](graph, k=k, seed=7)  # the draw matters


def test_reach_above_the_exact_limit_is_estimated_within_the_sketch_error(spark):
    from chaingraph.spark import measures

    # 1,200 suppliers of one hub that supplies one integrator: the integrator has 1,201 suppliers
    # upstream (past the exact limit), the hub 1,200 (also past it), every supplier none.
    graph = nx.DiGraph([(f"s{i}", "hub") for i in range(1_200)] + [("hub", "integrator")])
    network, names = spark_graph(spark, graph)
    reach = measures.upstream_reach(network)
    counted = values(reach, names, "upstream_reach")
    estimated = values(reach, names, "upstream_reach_estimated")
    exact = reference.upstream_reach(graph)
    assert estimated["integrator"] and estimated["hub"] and not estimated["s0"]
    assert counted["s0"] == 0
    for node in ("hub", "integrator"):  # three standard errors of a 4,096-register sketch
        assert abs(counted[node] - exact[node]) <= 3 * measures.HLL_RELATIVE_ERROR * exact[node]


# --- stats --engine spark against stats on this machine -------------------------------------------


def assert_reports_agree(compiled, on_spark) -> None:
    from chaingraph.spark.measures import MEASURES_NOT_ON_SPARK

    assert (on_spark.nodes, on_spark.edges, on_spark.evidence) == (compiled.nodes, compiled.edges, compiled.evidence)
    assert (on_spark.selection, on_spark.dating) == (compiled.selection, compiled.dating)
    assert on_spark.left_out == MEASURES_NOT_ON_SPARK
    theirs = {row["id"]: row for row in on_spark.rows}
    assert set(theirs) == {row["id"] for row in compiled.rows}
    for row in compiled.rows:
        other = theirs[row["id"]]
        for key, expected in row.items():
            if key in MEASURES_NOT_ON_SPARK:
                assert other[key] is None
            elif isinstance(expected, float):
                assert close(expected, other[key]), (row["id"], key)
            else:
                assert other[key] == expected, (row["id"], key)


@pytest.fixture
def sheets(tmp_path):
    relations = write_sheet(tmp_path / "suppliers.csv", RELATIONS_HEADER, SHEET_RELATIONS)
    firms = write_sheet(tmp_path / "firms.csv", FIRMS_HEADER, SHEET_FIRMS)
    return relations, firms


@pytest.mark.parametrize(
    "selection",
    [Scope(), Scope(chain="ningde"), Scope(region="Ningde", evidence="stated", as_of="2021")],
)
def test_stats_on_spark_equals_stats_on_this_machine(spark, sheets, selection):
    relations, firms = sheets
    source = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms]))
    compiled = stats(source, selection, sort="in_degree")
    on_spark = stats(source, selection, sort="in_degree", compute=Compute(engine="spark", spark_master=MASTER))
    assert_reports_agree(compiled, on_spark)


def test_spellings_of_one_firm_are_one_firm_on_spark_as_here(spark, tmp_path):
    """Relation ends resolved with every end in view, on Spark as on this machine: the graph's CATL
    by its ticker and its legal name as the names issue's trial spells them, two spellings of one new
    firm, and a relation cell naming a firms sheet's row by its name, not its id. Spark had named
    each partition's ends from the graph alone: Capchem became two firms. (No ``supplies`` column:
    stages from products are inferred on this machine only, and said so.)"""
    relations = write_sheet(
        tmp_path / "more.csv",
        ["supplier", "client"],
        [
            ["Shenzhen Capchem Technology", "CATL (300750.SZ)"],
            ["Shenzhen Capchem Technology Co., Ltd.", "Contemporary Amperex Technology Co., Ltd."],
            ["Ganfeng Lithium", "CATL"],
            ["宁德时代新能源科技股份有限公司 ", "NIO Inc."],
        ],
    )
    ganfeng = [["ganfeng", "Ganfeng Lithium", "Xinyu"]]
    firms = write_sheet(tmp_path / "firms.csv", ["id", "name_en", "located_in"], ganfeng)
    source = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms]))
    compiled = stats(source, sort="in_degree")
    on_spark = stats(source, sort="in_degree", compute=Compute(engine="spark", spark_master=MASTER))
    assert_reports_agree(compiled, on_spark)
    labels = [row["label"] for row in on_spark.rows]
    assert sum("Capchem" in label for label in labels) == 1 and labels.count("Ganfeng Lithium") == 1
    assert labels.count("CATL") == 1 and len(labels) == len(compiled.rows)


def test_decisions_on_names_are_refused_on_spark_with_the_reason(tmp_path):
    relations = write_sheet(tmp_path / "r.csv", ["supplier", "client"], [["Acme", "CATL"]])
    decisions = write_sheet(tmp_path / "same.csv", ["name_a", "name_b"], [["Acme", "CATL"]])
    result = run_process("stats", "--engine", "spark", "--relations", str(relations), "--same-as", str(decisions))
    assert result.returncode == 2 and "--same-as: decisions on names are applied by --engine local" in result.stderr


def table_arguments(folder) -> list[str]:
    """The options that read the Parquet tables in ``folder`` in place of the bundled graph."""
    return ["--no-bundled", "--relations", str(folder / "relations.parquet"), "--firms", str(folder / "firms.parquet")]


def synthetic_tables(tmp_path, *, seed: int):
    """A 2,500-firm synthetic network written as RDF and exported as Parquet tables: their folder."""
    network = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "2500", "--seed", str(seed), "-o", str(network)).returncode == 0
    folder = tmp_path / "tables"
    made = run_process("export", "--no-bundled", "--data", str(network), "--format", "parquet", "-o", str(folder))
    assert made.returncode == 0, made.stderr
    return folder


def test_the_bundled_graph_as_parquet_on_spark_from_the_command_line(spark, tmp_path):
    folder = tmp_path / "tables"
    exported = run_process("export", "--format", "parquet", "-o", str(folder))
    assert exported.returncode == 0, exported.stderr
    tables = table_arguments(folder)
    output = tmp_path / "every-firm"
    on_spark = run_process(
        "stats", "--engine", "spark", "--spark-master", MASTER, *tables, "--format", "json", "--output", str(output),
        timeout=600,
    )  # fmt: skip
    assert on_spark.returncode == 0, on_spark.stderr
    assert "not computed on Spark, so empty: betweenness" in on_spark.stderr
    assert "Traceback" not in on_spark.stderr and "WARN" not in on_spark.stderr
    bundled = json.loads(run_process("stats", "--format", "json").stdout)
    spark_rows = json.loads(on_spark.stdout)
    # With --output, the screen shows the first ten; the folder has every firm's row.
    assert [row["id"] for row in spark_rows] == [row["id"] for row in bundled[:10]]
    written = {row["id"]: row for row in pq.read_table(output).to_pylist()}
    assert set(written) == {row["id"] for row in bundled}
    for row in bundled:
        for key in ("label", "place", "stage", "in_degree", "out_degree", "upstream_reach", "component_size"):
            assert written[row["id"]][key] == row[key], (row["id"], key)
        assert close(row["pagerank"], written[row["id"]]["pagerank"])
        assert written[row["id"]]["betweenness"] is None
    again = run_process("stats", "--engine", "spark", "--spark-master", MASTER, *tables, "--output", str(output))
    assert_clean_failure(again, "--output", str(output))  # never written over


def tables_store(folder):
    """The Parquet tables in ``folder``, without the bundled graph."""
    return NetworkSource(
        open_store(bundled=False), Tables(relations=[folder / "relations.parquet"], firms=[folder / "firms.parquet"])
    )


def test_a_synthetic_network_on_spark_equals_the_compiled_path(spark, tmp_path):
    store = tables_store(synthetic_tables(tmp_path, seed=7))
    compiled = stats(store, sort="out_degree", compute=Compute(backend="compiled"))
    on_spark = stats(store, sort="out_degree", compute=Compute(engine="spark", spark_master=MASTER))
    assert_agree_but_for_estimated_reach(compiled, on_spark)


def assert_agree_but_for_estimated_reach(compiled, on_spark) -> None:
    """Reach past the exact limit is estimated on Spark and exact here: compared within three
    standard errors of the sketch; every other value as :func:`assert_reports_agree` does."""
    from chaingraph.spark.measures import EXACT_REACH_IDS, HLL_RELATIVE_ERROR

    for report in (compiled, on_spark):
        for row in report.rows:
            for key in on_spark.estimated:
                row[f"{key}_large"] = row[key] > EXACT_REACH_IDS
    spark_rows = {row["id"]: row for row in on_spark.rows}
    for row in compiled.rows:
        for key in on_spark.estimated:
            if row[key] > EXACT_REACH_IDS:
                assert abs(spark_rows[row["id"]][key] - row[key]) <= 3 * HLL_RELATIVE_ERROR * row[key]
                spark_rows[row["id"]][key] = row[key]
    from chaingraph.spark.measures import MEASURES_NOT_ON_SPARK

    assert on_spark.sampled == {key: k for key, k in compiled.sampled.items() if key not in MEASURES_NOT_ON_SPARK}
    on_spark.sampled = compiled.sampled
    for row in compiled.rows:
        for key in MEASURES_NOT_ON_SPARK:
            row[key] = None
    on_spark.rows = list(spark_rows.values())
    assert_reports_agree(compiled, on_spark)


def test_a_willems_chain_imported_exported_as_parquet_and_analysed_on_spark(spark, tmp_path):
    """A published supply chain (Willems 2008, chain 28: 577 stages, 2,262 arcs) the way a user
    brings it: imported from its sheet, exported as tables, then stats and a stage scenario on
    Spark, equal to this machine's from the same tables and to the graph the import wrote."""
    source = willems("28")
    stages, arcs = willems_counts(source)
    imported = tmp_path / "willems-28.ttl"
    made = run_process(
        "import", "--relations", str(source), "--firms", str(source), *WILLEMS_MAP, "--chain", "willems-28",
        "-o", str(imported), timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "tables"
    exported = run_process("export", "--no-bundled", "--data", str(imported), "--format", "parquet", "-o", str(folder))
    assert exported.returncode == 0, exported.stderr
    store = tables_store(folder)
    compiled = stats(store, sort="in_degree", compute=Compute(backend="compiled"))
    assert (compiled.nodes, compiled.edges) == (stages, arcs)  # counted from the sheet itself
    from_rdf = stats(open_store(bundled=False, data=[imported]), sort="in_degree", compute=Compute(backend="compiled"))
    exported_pagerank = {row["id"]: row["pagerank"] for row in compiled.rows}
    assert all(close(row["pagerank"], exported_pagerank[row["id"]]) for row in from_rdf.rows)
    on_spark = stats(store, sort="in_degree", compute=Compute(engine="spark", spark_master=MASTER))
    assert_agree_but_for_estimated_reach(compiled, on_spark)
    from chaingraph.reports.scenarios import scenario

    here = scenario(store, ["stage:Manuf"], Scope(chain="willems-28"))
    there = scenario(
        store, ["stage:Manuf"], Scope(chain="willems-28"), compute=Compute(engine="spark", spark_master=MASTER)
    )
    assert [spec["members"] for spec in here.removed] == [93]  # the sheet's 93 Manuf stages
    assert here.summary.disrupted_beyond_removed > 0
    assert_scenarios_agree(here, there)
    refused = run_process("stats", "--engine", "spark", "--relations", str(source), *WILLEMS_MAP[:2])
    assert_clean_failure(refused, "--header-row")


# --- impact --remove --engine spark ----------------------------------------------------------------


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(case=staged_graphs(), share=st.sampled_from([None, 0.5, 0.25]))
def test_the_cascade_on_spark_equals_the_reference(spark, case, share):
    from chaingraph.spark import cascade as spark_cascade

    graph, removed = case
    network, names = spark_graph(spark, graph)
    ids = {node: i for i, node in names.items()}
    stage_of = spark.createDataFrame([(ids[n], graph.nodes[n]["stage"]) for n in graph], "node long, stage string")
    gone = spark.createDataFrame([(ids[n],) for n in sorted(removed)], "node long")
    essential = graph.graph.get("essential_inputs")
    found = spark_cascade.cascade(network, stage_of, gone, shock=Shock(partial=share), essential_inputs=essential)
    expected = cascade(graph, removed, partial=share)
    got = {names[row["node"]]: (row["tier"], row["reason"], tuple(row["stages"])) for row in found.disrupted.collect()}
    assert got == {node: (why.tier, why.reason, why.stages) for node, why in expected.disrupted.items()}
    losses: dict = {}
    for row in found.partial.collect() if found.partial is not None else []:
        losses.setdefault(names[row["node"]], {})[row["stage"]] = row["share"]
    assert losses == expected.partial
    rest = graph.subgraph([n for n in graph if n not in removed])
    assert spark_cascade.components(spark_cascade.without(network, gone)) == nx.number_weakly_connected_components(rest)


def spark_quantities(spark, graph: nx.DiGraph, ids: dict):
    """The graph's edge quantities as the Spark cascade reads them (a row per edge stating any)."""
    from chaingraph.spark.shares import QUANTITY_COLUMNS, QUANTITY_SCHEMA

    rows = [
        (ids[a], ids[b], *(data.get(name) for name, _ in QUANTITY_COLUMNS))
        for a, b, data in graph.edges(data=True)
        if any(name in data for name, _ in QUANTITY_COLUMNS)
    ]
    return spark.createDataFrame(rows, f"src long, dst long, {QUANTITY_SCHEMA}")


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(case=quantified_graphs(), rule=RULES, share=st.sampled_from([None, 0.25]))
def test_the_weighted_and_demand_cascades_on_spark_equal_the_reference(spark, case, rule, share):
    """Thresholds and demand shocks read shares on Spark as on this machine: the disrupted with
    their tier, reason, stages, share and basis, the partial losses and the sales lost, on random
    graphs with random shares, values and volumes (some missing)."""
    from chaingraph.spark import cascade as spark_cascade

    graph, removed = case
    threshold, direction = rule
    network, names = spark_graph(spark, graph)
    ids = {node: i for i, node in names.items()}
    stage_of = spark.createDataFrame([(ids[n], graph.nodes[n]["stage"]) for n in graph], "node long, stage string")
    gone = spark.createDataFrame([(ids[n],) for n in sorted(removed)], "node long")
    found = spark_cascade.cascade(
        network, stage_of, gone, shock=Shock(threshold, direction, share),
        essential_inputs=graph.graph.get("essential_inputs"), quantities=spark_quantities(spark, graph, ids),
    )  # fmt: skip
    expected = cascade(graph, removed, partial=share, threshold=threshold, direction=direction)
    got = {names[row["node"]]: row for row in found.disrupted.collect()}
    assert got.keys() == expected.disrupted.keys()
    for node, why in expected.disrupted.items():
        row = got[node]
        assert (row["tier"], row["reason"], tuple(row["stages"]), row["basis"]) == (
            why.tier, why.reason, why.stages, why.basis
        ), node  # fmt: skip
        assert (row["share"] is None) == (why.share is None) and close(why.share or 0, row["share"] or 0), node
    losses: dict = {}
    for row in found.partial.collect() if found.partial is not None else []:
        losses.setdefault(names[row["node"]], {})[row["stage"]] = row["share"]
    assert losses.keys() == expected.partial.keys()
    for node, stages in expected.partial.items():
        assert losses[node].keys() == stages.keys() and all(close(v, losses[node][k]) for k, v in stages.items())
    sold = {names[row["node"]]: row["share"] for row in found.sales_lost.collect()} if found.sales_lost else {}
    assert sold.keys() == expected.sales_lost.keys()
    assert all(close(v, sold[k]) for k, v in expected.sales_lost.items())


def assert_scenarios_agree(compiled, on_spark) -> None:
    from chaingraph.reports.scenarios import SUMMARY_NOT_ON_SPARK

    assert on_spark.removed == compiled.removed
    order = lambda record: (record["tier"], record["label"], record["id"])  # noqa: E731
    assert sorted(on_spark.disrupted, key=order) == sorted(compiled.disrupted, key=order)
    assert on_spark.partial == compiled.partial
    spark_summary = dataclasses.asdict(on_spark.summary)
    for key, value in dataclasses.asdict(compiled.summary).items():
        assert spark_summary[key] == (None if key in SUMMARY_NOT_ON_SPARK else value), key
    # what Spark leaves out, one line each; then the stage rule and the shock's, said alike
    assert on_spark.engine == "spark" and len(on_spark.notes) == len(SUMMARY_NOT_ON_SPARK) + len(compiled.notes)
    assert on_spark.notes[len(SUMMARY_NOT_ON_SPARK) :] == compiled.notes


@pytest.mark.parametrize(
    "remove, options",
    [
        (["region:Ningde"], {"shock": Shock(partial=0.5)}),
        (["stage:cathode materials", "Hifen"], {}),
        (["owner:CATL"], {"scope": Scope(chain="ningde-lithium-battery")}),
        (["Acme"], {}),  # a firm only the sheet names, by its English name
        (["Gamma"], {"shock": Shock(partial=0.25)}),  # by its id: the row gives no English name
        (["Delta Motors"], {}),  # a firm only a relation names: its id is its name
        (["firm:delta motors"], {}),  # case ignored, as on this machine
    ],
)
def test_a_scenario_on_spark_equals_the_scenario_on_this_machine(spark, sheets, remove, options):
    from chaingraph.reports.scenarios import scenario

    relations, firms = sheets
    source = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms]))
    compiled = scenario(source, remove, **options)
    on_spark = scenario(source, remove, **options, compute=Compute(engine="spark", spark_master=MASTER))
    assert_scenarios_agree(compiled, on_spark)


@pytest.fixture
def quantified_sheets(tmp_path):
    """Relations stating shares, values and volumes (hedged, in percent and as fractions, one pair
    stated twice at two dates: the later counts), beside the bundled graph's own quantities."""
    header = [*RELATIONS_HEADER, "value", "currency", "volume", "unit", "client_share", "supplier_share"]
    empty = [""] * 7
    rows = [
        ["Acme Cells", "CATL", "", "2021", "", "", "", *empty[:4], "60%", "0.5"],
        ["Beta Foil", "CATL", "", "2022", "", "", "", "2.5e9", "CNY", "", "", "", ">50%"],
        ["Beta Foil", "CATL", "", "2020", "", "", "", "1e9", "CNY", "", "", "", "20%"],
        ["Gamma Mining", "Acme Cells", "", "", "", "", "", "", "", "3000", "t", "", ""],
        ["Delta Chem", "Acme Cells", "", "", "", "", "", "", "", "1000", "t", "", "90%"],
        ["CATL", "Omega Motors", "", "", "", "", "", *empty[:4], "", "30%"],
        ["Delta Chem", "Beta Foil", "", "", "", "", "", "4e8", "CNY", "", "", "", ""],
    ]
    relations = write_sheet(tmp_path / "quantities.csv", header, rows)
    firms = write_sheet(
        tmp_path / "firms.csv",
        ["id", "name_en", "chain", "stage"],
        [["Acme Cells", "Acme Cells", "ningde-lithium-battery", "cathode materials"],
         ["Beta Foil", "Beta Foil", "ningde-lithium-battery", "anode materials"]],
    )  # fmt: skip
    return relations, firms


@pytest.mark.parametrize(
    "remove, options",
    [
        (["CATL"], Shock(threshold=0.4, direction="upstream", partial=0.1)),
        (["Delta Chem"], Shock(threshold=0.5, direction="both")),
        (["stage:cathode materials"], Shock(threshold=0.3, partial=0.2)),
    ],
)
def test_a_weighted_or_demand_scenario_on_spark_equals_this_machines(spark, quantified_sheets, remove, options):
    """The same records, summary and notes from a sheet with quantities and the bundled graph's
    (Hunan Yuneng's 44.46% of sales to CATL, Tinci's over half), on Spark and on this machine."""
    from chaingraph.reports.scenarios import scenario

    relations, firms = quantified_sheets
    source = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms]))
    compiled = scenario(source, remove, shock=options)
    on_spark = scenario(source, remove, shock=options, compute=Compute(engine="spark", spark_master=MASTER))
    assert compiled.summary.disrupted_beyond_removed > 0
    order = lambda record: (record["tier"], record["label"], record["id"])  # noqa: E731
    here, there = sorted(compiled.disrupted, key=order), sorted(on_spark.disrupted, key=order)
    assert [{**r, "share_lost": None} for r in there] == [{**r, "share_lost": None} for r in here]
    assert all(close(a["share_lost"] or 0, b["share_lost"] or 0) for a, b in zip(here, there, strict=True))
    assert [r["id"] for r in on_spark.partial] == [r["id"] for r in compiled.partial]
    for a, b in zip(compiled.partial, on_spark.partial, strict=True):
        assert a["stages"].keys() == b["stages"].keys()
        assert all(close(v, b["stages"][k]) for k, v in a["stages"].items())
        assert (a["sales_lost"] is None) == (b["sales_lost"] is None)
        assert close(a["sales_lost"] or 0, b["sales_lost"] or 0)
    assert on_spark.notes[-len(compiled.notes) :] == compiled.notes


def test_a_scenario_on_spark_from_the_command_line(spark, tmp_path):
    tables = table_arguments(synthetic_tables(tmp_path, seed=3))
    here = run_process("impact", "--remove", "stage:components", *tables, "--format", "json")
    assert here.returncode == 0, here.stderr
    on_spark_options = ["--engine", "spark", "--spark-master", MASTER]
    asked = ["impact", "--remove", "stage:components", *tables]
    there = run_process(*asked, "--format", "json", *on_spark_options, timeout=600)
    assert there.returncode == 0, there.stderr
    assert "Traceback" not in there.stderr and "WARN" not in there.stderr
    compiled, on_spark = json.loads(here.stdout), json.loads(there.stdout)
    assert compiled["summary"]["disrupted_beyond_removed"] > 0
    assert on_spark["summary"]["paths_cut"] is None and "paths cut" in on_spark["notes"][0]
    on_spark["summary"]["paths_cut"] = compiled["summary"]["paths_cut"]
    assert on_spark["summary"] == compiled["summary"]
    order = lambda record: (record["tier"], record["label"], record["id"])  # noqa: E731
    assert sorted(on_spark["disrupted"], key=order) == sorted(compiled["disrupted"], key=order)
    table = run_process(*asked, *on_spark_options, timeout=600)
    assert table.returncode == 0 and "not computed on Spark: paths cut" in table.stdout
    refused = run_process("impact", "Hifen", "--engine", "spark")
    assert_clean_failure(refused, "--engine spark goes with --remove")
    # The bundled demand shock of the README, on Spark as here: CATL stops buying; Hunan Yuneng sold
    # it 44.46% of its sales and Tinci over half, so both stop at a threshold of 0.4.
    shock = ["impact", "--remove", "firm:CATL", "--direction", "upstream", "--threshold", "0.4", "--format", "json"]
    here, there = run_process(*shock), run_process(*shock, *on_spark_options, timeout=600)
    assert here.returncode == 0 and there.returncode == 0, there.stderr
    compiled, on_spark = json.loads(here.stdout), json.loads(there.stdout)
    rows = {record["label"]: record for record in on_spark["disrupted"]}
    assert rows["Hunan Yuneng"]["share_lost"] == pytest.approx(0.4446) and rows["Hunan Yuneng"]["basis"] == "stated"
    assert rows["Tinci Materials"]["reason"] == "demand-lost"
    assert sorted(on_spark["disrupted"], key=order) == sorted(compiled["disrupted"], key=order)


def test_bad_tables_fail_in_one_line(spark, tmp_path):
    relations = write_sheet(tmp_path / "rel.csv", ["supplier", "customer"], [["Acme", "CATL"]])
    failed = run_process("stats", "--engine", "spark", "--spark-master", MASTER, "--relations", str(relations))
    assert_clean_failure(failed, "rel.csv", "missing column 'client'")
    missing = run_process("stats", "--engine", "spark", "--relations", str(tmp_path / "nowhere.parquet"))
    assert_clean_failure(missing, "nowhere.parquet", "cannot read the relations table")
    refused = run_process("stats", "--engine", "spark", "--level", "stage")
    assert_clean_failure(refused, "--engine spark computes firm-level measures")
    person = "https://w3id.org/chaingraph/fujian/zheng-ting"  # the graph's person: never a firm, here too
    people = write_sheet(tmp_path / "people.csv", ["supplier", "client"], [[person, "CATL"]])
    named = run_process("stats", "--engine", "spark", "--spark-master", MASTER, "--relations", str(people))
    assert_clean_failure(named, "people.csv", "cg:Person", "not a firm")
    # Two rows with one identifier are one firm: Spark names rows apart, so it says it cannot.
    code = "91440300MA0000000H"
    firms = write_sheet(tmp_path / "firms.csv", ["id", "identifier"], [["a", code], ["b", code.lower()]])
    both = write_sheet(tmp_path / "both.csv", ["supplier", "client"], [["a", "CATL"], ["b", "CATL"]])
    shared = run_process(
        "stats", "--engine", "spark", "--spark-master", MASTER, "--relations", str(both), "--firms", str(firms)
    )
    assert_clean_failure(shared, "firms.csv", f"identifier {code} is on 2 firm rows", "--engine local")
    shares = write_sheet(tmp_path / "shares.csv", ["supplier", "client", "client_share"], [["a", "CATL", "most"]])
    cell = run_process("stats", "--engine", "spark", "--spark-master", MASTER, "--relations", str(shares))
    here = run_process("stats", "--relations", str(shares))
    assert_clean_failure(cell, "shares.csv", "client_share")
    assert here.returncode == cell.returncode  # refused here too
    vocabulary = write_sheet(tmp_path / "products.csv", ["product", "stage"], [["solvents", "electrolytes"]])
    stages = run_process("stats", "--engine", "spark", "--relations", str(both), "--stages", str(vocabulary))
    assert_clean_failure(stages, "--stages", "--engine local")


def test_without_java_the_engine_says_what_to_install(tmp_path):
    require(HAVE_PYSPARK, "pyspark (pip install 'chaingraph[spark]')")
    environment = {key: value for key, value in os.environ.items() if key != "JAVA_HOME"}
    environment["PATH"] = os.path.dirname(shutil.which("python") or "/usr/bin/python")
    failed = run_process("stats", "--engine", "spark", env=environment)
    assert_clean_failure(failed, "needs a Java runtime", "default-jre-headless")


# --- Spark Connect ------------------------------------------------------------------------------


@pytest.fixture
def connect_server(tmp_path):
    """A Spark Connect server from pyspark's own jars, on 127.0.0.1 with a folder of its own, in
    local mode with two cores; stopped at the end. Its Python workers (mapInArrow, which names the
    tables' firms) run this interpreter, where chaingraph is installed."""
    require(HAVE_PYSPARK, "pyspark (pip install 'chaingraph[spark]')")
    require(bool(os.environ.get("JAVA_HOME") or shutil.which("java")), "a Java runtime")
    try:
        import grpc  # noqa: F401
    except ImportError:
        require(False, "Spark Connect's client (pip install 'chaingraph[spark-connect]')")
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    from ..conftest import free_port

    home = Path(pyspark.__file__).parent
    port = free_port()
    log = (tmp_path / "connect-server.log").open("wb")
    server = subprocess.Popen(
        [
            str(home / "bin" / "spark-submit"),
            "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
            "--master", MASTER,
            "--conf", f"spark.connect.grpc.binding.port={port}",
            "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", "spark.ui.enabled=false",
            "--conf", f"spark.local.dir={tmp_path / 'spark-local'}",
            "spark-internal",
        ],
        env={**os.environ, "SPARK_HOME": str(home), "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(tmp_path)},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    said = (tmp_path / "connect-server.log").read_text(errors="replace")[-800:]
                    pytest.fail(f"the Spark Connect server did not start: {said}")
                time.sleep(1)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_stats_through_spark_connect_equals_the_compiled_path(connect_server, tmp_path):
    """SPARK_REMOTE: the same command, computed by a Spark Connect server, gives the same rows."""
    tables = table_arguments(synthetic_tables(tmp_path, seed=11))
    here = run_process("stats", *tables, "--format", "json", "--top", "40", "--sort", "in_degree")
    assert here.returncode == 0, here.stderr
    remote = {**os.environ, "SPARK_REMOTE": connect_server}
    there = run_process(
        "stats", "--engine", "spark", *tables, "--format", "json", "--top", "40", "--sort", "in_degree",
        env=remote, timeout=900,
    )  # fmt: skip
    assert there.returncode == 0, there.stderr
    compiled, connected = json.loads(here.stdout), json.loads(there.stdout)
    assert [row["id"] for row in connected] == [row["id"] for row in compiled]
    for mine, theirs in zip(compiled, connected, strict=True):
        for key in ("in_degree", "out_degree", "component_size"):
            assert theirs[key] == mine[key], (mine["id"], key)
        assert close(mine["pagerank"], theirs["pagerank"]) and close(mine["dependence"], theirs["dependence"])
    unreachable = run_process(
        "stats", "--engine", "spark", *tables, env={**os.environ, "SPARK_REMOTE": "sc://127.0.0.1:9"}
    )
    assert_clean_failure(unreachable, "Spark Connect server sc://127.0.0.1:9")
