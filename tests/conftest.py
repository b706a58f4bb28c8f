"""Shared fixtures: the bundled store, a CLI runner, and helpers to build small test graphs."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaingraph.cli import cli
from chaingraph.store import open_store
from chaingraph.vocab import FJ

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Set by ``.ci/run`` for its second suite run, to the reason: the Spark tests ran in the first, and
#: CI's hour does not hold them twice. Only this variable skips them in CI; a missing Java still fails.
SPARK_ALREADY_RAN = os.environ.get("CHAINGRAPH_TESTS_SPARK_ALREADY_RAN", "")


#: The files whose tests take minutes (a JVM, wheels and fresh venvs, every README example): first,
#: so that with pytest-xdist (``-n``, a file per worker) the longest file is not the last one started.
LONG_FILES = ("spark/test_spark.py", "test_readme.py", "test_packaging.py", "test_benchmarks.py")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not str(item.path).endswith(LONG_FILES))  # stable: each file's order kept
    if SPARK_ALREADY_RAN:
        for item in items:
            if item.get_closest_marker("spark"):
                item.add_marker(pytest.mark.skip(reason=f"Spark tests: {SPARK_ALREADY_RAN}"))


def quantity_rows(projection) -> list[dict]:
    """Each edge's quantities in the details form, edge by edge: two projections compare equal on
    them whatever codes their units got."""
    return [projection.quantities.details(edge) for edge in range(projection.edge_count)]


def fj(name: str) -> str:
    return str(FJ[name])


@pytest.fixture(scope="session")
def store():
    return open_store()


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("stats", "--format", "json")`` -> click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


def run_process(*args: str, cwd: Path | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run ``chaingraph`` as a real process, the way a user does."""
    return subprocess.run(
        [sys.executable, "-m", "chaingraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        **kwargs,
    )


def require(condition: bool, reason: str) -> None:
    """Skip when a component is missing, except in CI, where a missing component is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"missing in CI: {reason}")
        pytest.skip(reason)


PREFIXES = """@prefix cg: <https://w3id.org/chaingraph/ontology#> .
@prefix ex: <https://example.test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix fj: <https://w3id.org/chaingraph/fujian/> .
"""


@pytest.fixture
def ttl(tmp_path):
    """Write a Turtle file with the test prefixes: ``ttl("ex:a cg:supplierOf ex:b .")`` -> path."""
    counter = iter(range(1000))

    def write(body: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"data{next(counter)}.ttl")
        path.write_text(PREFIXES + body, encoding="utf-8")
        return path

    return write


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30) -> None:
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # the server answers, even if not 200 for this path
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up within {timeout} s")


@pytest.fixture(scope="session")
def oxigraph_endpoint(tmp_path_factory):
    """A real Oxigraph SPARQL server on 127.0.0.1, loaded with the bundled graph."""
    from chaingraph.store.server import oxigraph_executable, prepare_database, server_plan

    try:
        oxigraph_executable()
    except Exception:
        require(False, "the oxigraph server (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph")
    prepare_database(open_store(), location)
    plan = server_plan(location, port=free_port())
    process = subprocess.Popen(plan.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(plan.url + "/")
        yield plan.query_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_serve(*, temporary: Path | None = None, extra: list[str] | None = None) -> tuple[subprocess.Popen, int]:
    """``chaingraph serve`` on a free port, answering; ``temporary`` becomes its TMPDIR, ``extra``
    are more arguments (``["--writable"]``)."""
    from chaingraph.store.server import oxigraph_executable

    try:
        oxigraph_executable()
    except Exception:
        require(False, "the oxigraph server")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", "serve", "--port", str(port), *(extra or [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)} if temporary else None,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=60)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, port


# --- the suite leaves nothing behind -------------------------------------------------------------


def _descendants(pid: int) -> list[tuple[int, str]]:
    """Live processes below ``pid`` (Linux /proc), as (pid, command name)."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
        if state not in ("Z", "X"):
            parents.setdefault(int(parent), []).append((int(entry.name), name))
    found, frontier = [], [pid]
    while frontier:
        for child in parents.get(frontier.pop(), []):
            found.append(child)
            frontier.append(child[0])
    return found


def _temporary_databases() -> set[str]:
    """The databases ``chaingraph serve`` made in the suite's own temporary folder: a server that
    something else on the machine runs has its folder elsewhere and is none of the suite's business."""
    return {str(p) for p in _SUITE_TEMPORARY.glob("chaingraph-serve-*")}


def _suite_temporary_folder() -> Path:
    """A temporary folder of the suite's own, made the TMPDIR of this process and every process
    it starts, so what the suite leaves behind is told apart from what others leave."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="chaingraph-suite-"))
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


_SUITE_TEMPORARY = _suite_temporary_folder()


def pytest_sessionstart(session):
    session.config.stash[_BEFORE] = _temporary_databases()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a server, worker or temporary database outlived the tests that made it."""
    if not sys.platform.startswith("linux") or not hasattr(session.config, "stash"):
        return
    if session.config.pluginmanager.hasplugin("dsession"):
        return  # pytest-xdist's controller: each worker checks what its own tests left (its workers are alive here)
    left = [f"{name} (pid {pid})" for pid, name in _descendants(os.getpid())]
    left += sorted(_temporary_databases() - session.config.stash.get(_BEFORE, set()))
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"left behind by the tests: {', '.join(left)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[set]()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A CSV sheet at ``path``: the header, then the rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def assert_clean_failure(result: subprocess.CompletedProcess, *fragments: str, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def deeply_nested_rdf_xml(path: Path, depth: int) -> Path:
    opening = "<rdf:Description><ex:p>" * depth
    closing = "</ex:p></rdf:Description>" * depth
    path.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        f' xmlns:ex="https://example.test/">{opening}x{closing}</rdf:RDF>\n',
        encoding="utf-8",
    )
    return path
