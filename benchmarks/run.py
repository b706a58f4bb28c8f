"""Benchmarks: chaingraph's pipeline against a naive rdflib + NetworkX pipeline, side by side.

    python benchmarks/run.py                         # 1k, 5k, 10k and 100k firms
    python benchmarks/run.py --sizes 1000 --quick    # the smoke run CI does
    python benchmarks/run.py --sizes 1000000 --no-naive --skip validate view
    python benchmarks/run.py --sizes 1000000 --no-naive --only stats store virtuoso   # the scale-out path
    python benchmarks/run.py --sizes 100000 1000000 --only import tables              # sheets in (issue 30)
    python benchmarks/run.py --sizes 100000 --only dated                              # --as-of, diff (issue 31)
    python benchmarks/run.py --sizes 100000 1000000 --only spark                      # Spark local (issue 32)
    python benchmarks/run.py --sizes 5000000 --only spark-largest --timeout 3600 --folder F   # largest on Spark

Every step runs as its own process; the table gives its wall seconds and peak resident memory (the
kernel's accounting of that process, from wait4). The naive pipeline does the same work the
textbook way: rdflib's in-memory ``Graph.parse``, the projection by rdflib triple patterns, and the
same NetworkX measures with the same sampling, NetworkX only. Ratios are naive / fast, measured in
the same run, since the machines are shared and absolute times drift.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable

LOAD = "from chaingraph.store import open_store; open_store([{path!r}])"
PROJECT = (
    "from chaingraph.store import open_store; from chaingraph.projection.read import project; "
    "g = project(open_store([{path!r}])); print(g.number_of_nodes(), g.number_of_edges())"
)
QUERY = """
import json, time
from chaingraph.store import open_store
from chaingraph.queries.named import bind_named, count_rows, named_queries, query, RowWindow, run_query
store = open_store([{path!r}])
hub = "https://w3id.org/chaingraph/synthetic/firm/0"
result = {{}}
for name, params in [("suppliers-of", {{"firm": "https://w3id.org/chaingraph/synthetic/firm/{client}", "hops": "2"}}),
                     ("clients-of", {{"firm": hub}}),
                     ("firms-in", {{"place": "Ningde"}}),
                     ("single-sourced", {{}})]:
    started = time.perf_counter()
    rows = query(store, name, params).select.rows
    result[name] = [time.perf_counter() - started, len(rows)]
    named = named_queries()[name]
    started = time.perf_counter()
    rows = run_query(store, named.text, bind_named(store, named, params), rows=RowWindow(limit=100)).select.rows
    result[name + " --limit 100"] = [time.perf_counter() - started, len(rows)]
started = time.perf_counter()
counted = count_rows(store, named_queries()["single-sourced"].text)
result["single-sourced --count"] = [time.perf_counter() - started, counted]
print(json.dumps(result))
"""
NAIVE = """
import networkx as nx
from rdflib import Graph, URIRef
from chaingraph.measures import kernels
from chaingraph.measures import reference as analysis
graph = Graph()
graph.parse({path!r}, format="nt")
supplier_of = URIRef("https://w3id.org/chaingraph/ontology#supplierOf")
network = nx.DiGraph()
network.add_edges_from((str(s), str(o)) for s, _, o in graph.triples((None, supplier_of, None)))
n = network.number_of_nodes()
k = None if n <= kernels.SAMPLING_THRESHOLD else kernels.DEFAULT_SAMPLES
for function in (analysis.in_degree, analysis.out_degree, analysis.pagerank, analysis.dependence,
                 analysis.articulation_points):
    function(network)
analysis.betweenness(network, k=k, backend="networkx")
analysis.closeness(network, k=k)
analysis.harmonic(network, k=k)
analysis.upstream_reach(network, exact=True)
analysis.downstream_reach(network, exact=True)
print(n, network.number_of_edges())
"""


#: The NetworkX reference of a region scenario: the projection read from the store, the region's
#: firms removed, the cascade of measures.cascade.cascade (what the compiled path is tested equal to).
SCENARIO_REFERENCE = (
    "from chaingraph.store import open_store; from chaingraph.projection.read import project; "
    "from chaingraph.measures.cascade import cascade; from chaingraph.vocab import FJ; "
    "g = project(open_store(disk_store={store!r})); "
    "gone = [n for n, d in g.nodes(data=True) if str(FJ['ningde']) in d['places']]; "
    "print(len(cascade(g, gone).disrupted))"
)


def run_step(command: list[str], timeout: float) -> dict:
    """Wall seconds and peak RSS (MB) of one process, from the kernel's rusage of that child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # Both sides run as an installed package does, reading the bytecode Python cached: a machine
        # that asks Python not to write it (PYTHONDONTWRITEBYTECODE) would compile every module again
        # on every run, a cost no user of an installed package pays.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                return {"wall": None, "rss": None, "error": f"over {timeout:.0f} s"}
            time.sleep(0.02)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "rss": usage.ru_maxrss / 1024,
            "code": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace")[-4000:],
            "stderr": err.read().decode("utf-8", "replace")[-2000:],
        }


def ratio_row(first: str, step: str, result: dict, base: float | None) -> tuple[str, float | None]:
    """One markdown row of a side-by-side benchmark (wall, peak MB, ratio to the first of its step),
    or the failure; and the base for the next row of the step."""
    if result.get("wall") is None or result.get("code"):
        why = result.get("error") or result["stderr"][-200:]
        return f"| {first} | {step} | failed: {why} | | |", base
    base = base or result["wall"]
    return f"| {first} | {step} | {result['wall']:.1f} | {result['rss']:.0f} | {result['wall'] / base:.2f}x |", base


def chaingraph(*args: str) -> list[str]:
    return [PY, "-m", "chaingraph", *args]


def python(code: str) -> list[str]:
    return [PY, "-c", code]


def python_file(path: Path, *args: str) -> list[str]:
    return [PY, str(path), *args]


VIRTUOSO = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.store.virtuoso import Virtuoso
server = Virtuoso(Path({folder!r}), max_rows=100_000_000, buffers=680_000)
server.start()
started = time.perf_counter()
server.bulk_load([Path({data!r})])
print(json.dumps({{"url": server.url, "pid": server.process.pid, "load": time.perf_counter() - started}}))
"""


def help_commands() -> list[str]:
    """The top-level help and every command's, read from the command line itself."""
    from chaingraph.cli import cli

    return ["", *sorted(cli.commands)]


def help_timings(timeout: float, runs: int = 7) -> list[dict]:
    """``chaingraph --help`` and each ``chaingraph COMMAND --help`` (target 0.3 s, median of 7), and
    a cold ``chaingraph stats`` on the bundled graph (target 0.8 s): what a newcomer waits for first."""
    rows = []
    for name, command in [
        *((f"{c} --help".strip(), [c, "--help"] if c else ["--help"]) for c in help_commands()),
        ("stats (bundled graph)", ["stats"]),
    ]:
        walls = sorted(run_step(chaingraph(*command), timeout)["wall"] for _ in range(runs))
        rows.append(
            {"size": 0, "step": name, "fast": {"wall": walls[runs // 2], "rss": None}, "note": f"median of {runs}"}
        )
    return rows


def write_ring(path: Path, size: int) -> None:
    """``size`` firms in one supply ring, each the only supplier of the next: one strongly connected
    component, where removing any firm leaves a path."""
    lines = [
        "@prefix cg: <https://w3id.org/chaingraph/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix r: <https://example.test/ring/> .",
    ]
    lines += [
        f'r:f{i} a cg:Company ; rdfs:label "Ring firm {i}"@en ; cg:locationUnknown true ;'
        f" cg:supplierOf r:f{(i + 1) % size} ."
        for i in range(size)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def benchmark(size: int, folder: Path, *, naive: bool, skip: set[str], only: set[str], timeout: float) -> list[dict]:
    data = folder / f"synth-{size}.nt"
    store = folder / f"synth-{size}.store"
    rows: list[dict] = []

    def step(name: str, command: list[str], baseline: list[str] | None = None) -> dict:
        if name in skip or (only and name.split()[0] not in only):
            return {}
        fast = run_step(command, timeout)
        row = {"size": size, "step": name, "fast": fast}
        if baseline is not None and naive and f"naive-{name}" not in skip:
            row["naive"] = run_step(baseline, timeout)
        rows.append(row)
        return fast

    step("synth", chaingraph("synth", "--firms", str(size), "-o", str(data), "--force"))
    step(
        "load",
        python(LOAD.format(path=str(data))),
        python(f"from rdflib import Graph; Graph().parse({str(data)!r}, format='nt')"),
    )
    step("projection", python(PROJECT.format(path=str(data))))
    step("stats", chaingraph("stats", "--data", str(data), "--format", "json"), python(NAIVE.format(path=str(data))))
    step("store load", chaingraph("load", str(data), "--store", str(store), "--force"))
    step("store stats", chaingraph("stats", "--store", str(store), "--format", "json"))
    step("impact --all", chaingraph("impact", "--all", "--top", "10", "--data", str(data), "--format", "json"))
    step("store impact --all", chaingraph("impact", "--all", "--top", "10", "--store", str(store), "--format", "json"))
    # Issue 29: a region scenario, the ranking of places and the gaps of a region, from the store;
    # the scenario's NetworkX reference (the cascade alone: its paths cut need a search per firm)
    # in the same run.
    step(
        "store scenario region",
        chaingraph("impact", "--remove", "region:Ningde", "--store", str(store), "--format", "json"),
        python(SCENARIO_REFERENCE.format(store=str(store))),
    )
    step(
        "store impact --all --by region",
        chaingraph("impact", "--all", "--by", "region", "--store", str(store), "--format", "json"),
    )
    step(
        "store gaps",
        chaingraph("gaps", "--chain", "synthetic", "--region", "Ningde", "--store", str(store), "--format", "json"),
    )
    # Issue 31: a dated network from a store, --as-of and diff beside plain stats in the same run.
    dated = folder / f"synth-{size}-dated.nt"
    dated_store = folder / f"synth-{size}-dated.store"
    if step("dated synth", chaingraph("synth", "--firms", str(size), "--dated", "-o", str(dated), "--force")):
        step("dated store load", chaingraph("load", str(dated), "--store", str(dated_store), "--force"))
        plain = step("dated store stats", chaingraph("stats", "--store", str(dated_store), "--format", "json"))
        for name, command in (
            (
                "dated store stats --as-of",
                ["stats", "--as-of", "2020", "--store", str(dated_store), "--format", "json"],
            ),
            (
                "dated store diff",
                ["diff", "--from", "2018", "--to", "2024", "--store", str(dated_store), "--format", "json"],
            ),
        ):
            timed = step(name, chaingraph(*command))
            if timed.get("wall") and plain.get("wall"):
                target = "1.3x" if "as-of" in name else "2x"
                rows[-1]["note"] = f"{timed['wall'] / plain['wall']:.2f}x plain stats --store (target <= {target})"
    if "virtuoso" in only:
        rows.extend(scale_out(size, folder, data, timeout))
    step(
        "validate",
        chaingraph("validate", "--data", str(data), "--format", "json"),
        chaingraph("validate", "--engine", "pyshacl", "--data", str(data), "--format", "json"),
    )
    # A supplier sheet of every edge (3.4 a firm), imported with validation as a user would.
    sheet = folder / f"synth-{size}-edges.csv"
    step(
        "import export csv",
        chaingraph("export", "--format", "csv", "--no-bundled", "--data", str(data), "-o", str(sheet), "--force"),
    )
    if sheet.exists():
        relations = f"{sum(1 for _ in sheet.open(encoding='utf-8')) - 1:,} relations"
        # Issue 30: the sheet straight into the analysis, beside what an expert writes instead
        # (pandas + igraph, benchmarks/expert_igraph.py), in the same run.
        peer = python_file(HERE / "expert_igraph.py", str(sheet))
        tables = step("tables stats", chaingraph("stats", "--relations", str(sheet), "--format", "json"), peer)
        if tables.get("wall") and rows[-1].get("naive", {}).get("wall"):
            rows[-1]["note"] = (
                f"{relations}; naive = the pandas + igraph script; chaingraph / script "
                f"{tables['wall'] / rows[-1]['naive']['wall']:.2f}x wall, "
                f"{tables['rss'] / rows[-1]['naive']['rss']:.2f}x memory (target <= 1.5x)"
            )
        # Issue 47's target: the same with the firms sheet beside it (names, stages, chains).
        firms = folder / f"synth-{size}-firms.csv"
        export_firms = ("export", "--format", "csv", "--table", "firms", "--no-bundled", "--data", str(data))
        run_step(chaingraph(*export_firms, "-o", str(firms), "--force"), timeout)
        if firms.exists():
            with_firms = chaingraph("stats", "--relations", str(sheet), "--firms", str(firms), "--format", "json")
            tables = step("tables stats --firms", with_firms, peer)
            if tables.get("wall") and rows[-1].get("naive", {}).get("wall"):
                rows[-1]["note"] = (
                    f"{relations} and the firms sheet; naive = the pandas + igraph script on the relations; "
                    f"chaingraph / script {tables['wall'] / rows[-1]['naive']['wall']:.2f}x wall, "
                    f"{tables['rss'] / rows[-1]['naive']['rss']:.2f}x memory (targets <= 1.0x, 1.5x at 100k)"
                )
        ttl = folder / f"import-{size}.ttl"
        if step("import", chaingraph("import", "--relations", str(sheet), "-o", str(ttl), "--force")).get("code") == 0:
            rows[-1]["note"] = f"{relations}, with validation"
        if ttl.exists():
            read_back = step(
                "import stats ttl",
                chaingraph("stats", "--data", str(ttl), "--format", "json"),
                chaingraph("stats", "--data", str(data), "--format", "json"),
            )
            if read_back.get("wall") and rows[-1].get("naive", {}).get("wall"):
                rows[-1]["note"] = (
                    f"naive = stats on the network's synthetic N-Triples; Turtle / N-Triples "
                    f"{read_back['wall'] / rows[-1]['naive']['wall']:.2f}x (target <= 1.5x)"
                )
        imported_store = folder / f"import-{size}.store"
        into_store = chaingraph("import", "--relations", str(sheet), "--store", str(imported_store), "--force")
        if step("import --store", into_store).get("code") == 0:
            rows[-1]["note"] = f"{relations}, with validation, then projected and saved"
            step("import --store stats", chaingraph("stats", "--store", str(imported_store), "--format", "json"))
    # Issue 32: the network as Parquet tables, on Spark's local mode and on this machine's compiled
    # path from the same tables, in the same run.
    parquet = folder / f"synth-{size}-tables"
    if (
        step(
            "spark export parquet",
            chaingraph(
                "export", "--format", "parquet", "--no-bundled", "--data", str(data), "-o", str(parquet), "--force"
            ),
        ).get("code")
        == 0
    ):
        tables = [
            "--no-bundled",
            "--relations",
            str(parquet / "relations.parquet"),
            "--firms",
            str(parquet / "firms.parquet"),
        ]
        on_spark = step(
            "spark stats",
            chaingraph("stats", "--engine", "spark", *tables, "--top", "10", "--format", "json"),
            chaingraph("stats", *tables, "--top", "10", "--format", "json"),
        )
        if on_spark.get("wall") and rows[-1].get("naive", {}).get("wall"):
            rows[-1]["note"] = (
                f"local[*]; naive = --engine local from the same tables; Spark / compiled "
                f"{on_spark['wall'] / rows[-1]['naive']['wall']:.2f}x wall, "
                f"{on_spark['rss'] / rows[-1]['naive']['rss']:.2f}x peak memory (driver and JVM)"
            )
    queries = step("queries", python(QUERY.format(path=str(data), client=size - 1)))
    if queries.get("stdout"):
        try:
            timings = json.loads(queries["stdout"].strip().splitlines()[-1])
            for name, (seconds, count) in timings.items():
                rows.append(
                    {
                        "size": size,
                        "step": f"  query {name}",
                        "fast": {"wall": seconds, "rss": None},
                        "note": f"{count} rows, query alone",
                    }
                )
        except (ValueError, IndexError):
            pass
    step(
        "impact",
        chaingraph("impact", "https://w3id.org/chaingraph/synthetic/firm/0", "--data", str(data), "--format", "json"),
    )
    if size <= 5_000:  # issue 25: impact --all on a ring of 5,000 firms within 30 s (it was quadratic on cycles)
        ring = folder / f"ring-{size}.ttl"
        write_ring(ring, size)
        step(
            "ring impact --all", chaingraph("impact", "--all", "--no-bundled", "--data", str(ring), "--format", "json")
        )
    if size <= 20_000:  # the largest view chaingraph writes (chaingraph.reports.NODE_LIMIT)
        step(
            "view",
            chaingraph("view", "synthetic", "--data", str(data), "-o", str(folder / f"view-{size}.html"), "--force"),
        )
        # Issue 41: two tiers around one firm (Synthetic Firm 0003059 at 20k firms, the first hour's case).
        focus = f"Synthetic Firm {3059 if size > 3059 else size * 3 // 20:07d}"
        focus_view = folder / f"focus-{size}.html"
        step("view --focus", chaingraph("view", "synthetic", "--data", str(data), "--focus", focus, "--hops", "2",
                                      "-o", str(focus_view), "--force"))  # fmt: skip
    return rows


def scale_out(size: int, folder: Path, data: Path, timeout: float) -> list[dict]:
    """The documented path to a SPARQL server: export N-Quads, bulk-load Virtuoso, stats --endpoint."""
    import signal

    rows = []
    export = folder / f"synth-{size}.nq"
    exported = run_step(
        chaingraph("export", "--format", "nq", "--data", str(data), "-o", str(export), "--force"), timeout
    )
    rows.append({"size": size, "step": "virtuoso: export nq", "fast": exported})
    loaded = run_step(
        python(VIRTUOSO.format(root=str(HERE.parent), folder=str(folder / f"virtuoso-{size}"), data=str(export))),
        timeout,
    )
    try:
        server = json.loads(loaded["stdout"].strip().splitlines()[-1])
    except (KeyError, ValueError, IndexError):
        rows.append({"size": size, "step": "virtuoso: bulk load", "fast": loaded, "note": "server did not start"})
        return rows
    try:
        rows.append(
            {
                "size": size,
                "step": "virtuoso: bulk load",
                "fast": {"wall": server["load"], "rss": None},
                "note": "server-side load time (start-up excluded)",
            }
        )
        endpoint = chaingraph("stats", "--endpoint", server["url"], "--timeout", "3600", "--format", "json")
        rows.append(
            {
                "size": size,
                "step": "virtuoso: stats --endpoint",
                "fast": run_step(endpoint, timeout),
                "note": "peak RSS is the client's",
            }
        )
    finally:
        os.kill(server["pid"], signal.SIGTERM)
    return rows


SPARK_EVENT_LOG = "spark.eventLog.enabled true\nspark.eventLog.dir file://{folder}\nspark.eventLog.compress false\n"


def spark_largest(size: int, folder: Path, timeout: float, *, compiled: bool = True) -> list[dict]:
    """The largest network on Spark's local mode: ``synth --format parquet`` straight to tables
    (resumable: a folder kept with ``--folder`` keeps the parts written), then ``stats --engine
    spark`` with Spark's event log on, beside ``--engine local`` from the same tables, and the
    stage timings read back from the event log (what a cluster would change is worked out from
    them in docs/benchmarks.md). ``compiled=False`` (``--skip compiled``) leaves the
    one-machine path out."""
    tables = folder / f"synth-{size}-parquet"
    rows: list[dict] = []
    synth = run_step(chaingraph("synth", "--format", "parquet", "--firms", str(size), "-o", str(tables)), timeout)
    rows.append({"size": size, "step": "spark-largest synth parquet", "fast": synth, "note": _last_line(synth)})
    if synth.get("code") != 0:
        return rows
    events = folder / f"spark-events-{size}"
    events.mkdir(exist_ok=True)
    conf = folder / f"spark-conf-{size}"
    conf.mkdir(exist_ok=True)
    (conf / "spark-defaults.conf").write_text(SPARK_EVENT_LOG.format(folder=events), encoding="utf-8")
    arguments = [
        "--no-bundled",
        "--relations",
        str(tables / "relations.parquet"),
        "--firms",
        str(tables / "firms.parquet"),
        "--top",
        "10",
        "--format",
        "json",
    ]
    os.environ["SPARK_CONF_DIR"] = str(conf)
    try:
        on_spark = run_step(chaingraph("stats", "--engine", "spark", *arguments), timeout)
    finally:
        del os.environ["SPARK_CONF_DIR"]
    row: dict = {"size": size, "step": "spark-largest stats --engine spark", "fast": on_spark}
    if compiled:
        row["naive"] = run_step(chaingraph("stats", *arguments), timeout)
    logs = sorted(events.iterdir(), key=lambda path: path.stat().st_mtime)
    if logs:
        row["note"] = "naive = --engine local from the same tables; " + stage_summary(logs[-1])
    rows.append(row)
    return rows


def _last_line(result: dict, width: int = 120) -> str:
    """The last line a step wrote to standard error, cut to ``width``."""
    return ((result.get("stderr") or "").strip().splitlines() or [""])[-1][:width]


def stage_summary(event_log: Path) -> str:
    """Spark's own timings of one application, from its event log: the application's wall time,
    the time some stage was running, the task time summed over tasks, and a lower bound of the
    time on ``c`` cores: the task time spread over them (on a cluster each shuffle has Spark's
    200 partitions), plus the time no stage ran (driver work, which a cluster does not shorten).
    Shuffles over a network are not in it."""
    stages: dict[int, dict] = {}
    started = ended = None
    # Spark 4 writes a folder of rolled files (events_1_..., events_2_...), earlier ones one file.
    parts = sorted(event_log.glob("events_*"), key=lambda path: int(path.name.split("_")[1]))
    lines = [line for part in parts or [event_log] for line in part.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        event = json.loads(line)
        kind = event.get("Event")
        if kind == "SparkListenerApplicationStart":
            started = event["Timestamp"]
        elif kind == "SparkListenerApplicationEnd":
            ended = event["Timestamp"]
        elif kind == "SparkListenerTaskEnd":
            info = event["Task Info"]
            stage = stages.setdefault(event["Stage ID"] * 1000 + event["Stage Attempt ID"], {"tasks": []})
            stage["tasks"].append(info["Finish Time"] - info["Launch Time"])
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            stage = stages.setdefault(info["Stage ID"] * 1000 + info.get("Stage Attempt ID", 0), {"tasks": []})
            stage["span"] = (info.get("Submission Time"), info.get("Completion Time"))
    spans = sorted(stage["span"] for stage in stages.values() if stage.get("span") and None not in stage["span"])
    busy, reach = 0, None
    for start, end in spans:  # the union of the stages' intervals
        if reach is None or start > reach:
            busy += end - start
            reach = end
        elif end > reach:
            busy += end - reach
            reach = end
    if started is None or ended is None or not spans:
        return "no event log timings"
    wall = ended - started
    task_time = sum(sum(stage["tasks"]) for stage in stages.values())

    def on(cores: int) -> float:
        # In local mode chaingraph gives each shuffle a partition per core; on a cluster Spark's
        # default of 200, so up to 200 cores a stage's task time divides among them.
        return (wall - busy + task_time / cores) / 1000

    tasks = sorted(len(stage["tasks"]) for stage in stages.values() if stage["tasks"])
    return (
        f"Spark application {wall / 1000:,.0f} s, stages running {busy / 1000:,.0f} s, "
        f"{len(stages):,} stages of {tasks[0]}-{tasks[-1]} tasks, task time {task_time / 1000:,.0f} s; "
        f"lower bound on 16 / 64 / 256 cores {on(16):,.0f} / {on(64):,.0f} / {on(256):,.0f} s "
        "(shuffles over a network not in it)"
    )


def browser_open_seconds(html: Path) -> tuple[float, float, bool | None] | None:
    """Seconds from navigation until the view is first drawn (and can be used), and until it is
    laid out from its measured labels and framed (``window.arranged``), in Debian's Chromium; and
    for a focus view whether its firm is on screen then (``None`` for other views)."""
    import shutil

    chromium = shutil.which("chromium")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        started = time.perf_counter()
        page.goto(html.as_uri(), wait_until="commit", timeout=300_000)  # the page's script runs before "load"
        page.wait_for_function("() => typeof network !== 'undefined'", timeout=300_000)
        page.evaluate("new Promise(resolve => { network.once('afterDrawing', resolve); network.redraw(); })")
        drawn = time.perf_counter() - started
        page.wait_for_function("() => window.arranged === true", timeout=300_000)
        arranged = time.perf_counter() - started
        on_screen = page.evaluate(
            """() => {
              if (!window.focusNode) { return null; }
              var p = network.canvasToDOM(network.getPosition(window.focusNode));
              var graph = document.getElementById("graph");
              return p.x >= 0 && p.y >= 0 && p.x <= graph.clientWidth && p.y <= graph.clientHeight;
            }"""
        )
        browser.close()
    return drawn, arranged, on_screen


def cell(result: dict | None, key: str) -> str:
    if not result:
        return ""
    if result.get("error"):
        return result["error"]
    value = result.get(key)
    if value is None:
        return ""
    return f"{value:.2f}" if key == "wall" else f"{value:,.0f}"


def table(rows: list[dict]) -> str:
    lines = [
        "| firms | step | wall s | peak RSS MB | naive wall s | naive RSS MB | naive / fast | note |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        fast, naive = row.get("fast"), row.get("naive")
        ratio = ""
        if fast and naive and fast.get("wall") and naive.get("wall"):
            ratio = f"{naive['wall'] / fast['wall']:.1f}x"
        elif naive and naive.get("error"):
            ratio = f"> {float(naive['error'].split()[1]) / fast['wall']:.1f}x" if fast and fast.get("wall") else ""
        for result in (fast, naive):
            if result and result.get("code") not in (None, 0):
                row["note"] = f"exit {result['code']}: {_last_line(result, 80)}"
        lines.append(
            f"| {row['size']:,} | {row['step']} | {cell(fast, 'wall')} | {cell(fast, 'rss')} | "
            f"{cell(naive, 'wall')} | {cell(naive, 'rss')} | {ratio} | {row.get('note', '')} |"
        )
    return "\n".join(lines)


def environment() -> str:
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("chaingraph", "pyoxigraph", "rdflib", "networkx", "igraph", "pyshacl", "pyvis")
    )
    meminfo = Path("/proc/meminfo")
    memory = f", {int(meminfo.read_text().split()[1]) // 1024 // 1024} GiB" if meminfo.exists() else ""
    return (
        f"{dt.date.today().isoformat()}; {platform.machine()}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}; {versions}"
    )


@contextlib.contextmanager
def _work_folder(kept: Path | None) -> Iterator[str]:
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
        yield str(kept)
        return
    with tempfile.TemporaryDirectory(prefix="chaingraph-bench-") as folder:
        yield folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 10_000, 100_000])
    parser.add_argument("--no-naive", action="store_true", help="Skip the naive pipeline.")
    parser.add_argument("--skip", nargs="*", default=[], help="Steps to leave out (validate, view, naive-stats ...).")
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        help="Only these steps (first word: synth, stats, store, impact, virtuoso ...).",
    )
    parser.add_argument("--quick", action="store_true", help="Smoke run: no browser timing.")
    parser.add_argument("--timeout", type=float, default=1800, help="Seconds one step may take.")
    parser.add_argument("--out", type=Path, help="Also write the table (with machine and versions) here.")
    parser.add_argument(
        "--folder", type=Path, help="Work here instead of a temporary folder (kept; resumes spark-largest)."
    )
    args = parser.parse_args()
    rows: list[dict] = []
    if not args.only or "help" in args.only:
        rows += help_timings(args.timeout, runs=1 if args.quick else 7)
    if "spark-largest" in args.only:
        with _work_folder(args.folder) as folder:
            for size in args.sizes:
                print(f"spark-largest {size:,} firms ...", file=sys.stderr)
                rows += spark_largest(size, Path(folder), args.timeout, compiled="compiled" not in args.skip)
        args.only = [name for name in args.only if name != "spark-largest"] or ["none"]
    with _work_folder(args.folder) as folder:
        for size in args.sizes if args.only != ["none"] else []:
            print(f"benchmarking {size:,} firms ...", file=sys.stderr)
            only = set(args.only) | ({"synth"} if args.only else set())
            rows += benchmark(
                size, Path(folder), naive=not args.no_naive, skip=set(args.skip), only=only, timeout=args.timeout
            )
            for kind in ("view", "focus"):
                html = Path(folder) / f"{kind}-{size}.html"
                seconds = browser_open_seconds(html) if not args.quick and html.exists() else None
                if seconds is None:
                    continue
                name = "view" if kind == "view" else "view --focus (2 hops)"
                shown = "" if seconds[2] is None else f"; focus firm on screen: {'yes' if seconds[2] else 'no'}"
                for step, wall, note in (
                    (f"{name} opens in Chromium", seconds[0], "navigation to first drawing"),
                    (f"{name} laid out in Chromium", seconds[1], f"navigation to labels measured and framed{shown}"),
                ):
                    rows.append({"size": size, "step": step, "fast": {"wall": wall}, "note": note})
    report = f"{environment()}\n\n{table(rows)}\n"
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
