"""The same commands against Virtuoso (Debian's virtuoso-opensource), loaded the way the README says.

Two servers: one as Debian ships it (10,000-row answer cap) holding the bundled graph, and one with
a 100-row cap holding the bundled graph plus a synthetic network, so that every projection query
is cut by the server and must be paged and counted to come out complete.
"""

from __future__ import annotations

import json
import math

import pytest

from ..conftest import require, run_process
from . import virtuoso
from .test_endpoint import NAMED, assert_named_query_agrees, canonical

pytestmark = pytest.mark.server

TOLERANCE = 1e-12


def _load_server(tmp_path_factory, name: str, max_rows: int, *data: str):
    require(virtuoso.available(), "Debian's virtuoso-opensource (apt-get install virtuoso-opensource)")
    folder = tmp_path_factory.mktemp(name)
    export = folder / "graph.nq"
    extra = [arg for path in data for arg in ("--data", path)]
    exported = run_process("export", "--format", "nq", *extra, "-o", str(export))
    assert exported.returncode == 0, exported.stderr
    server = virtuoso.Virtuoso(folder / "db", max_rows=max_rows)
    server.start()
    try:
        server.bulk_load([export])
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def virtuoso_endpoint(tmp_path_factory):
    """Virtuoso with Debian's sample settings, loaded with `chaingraph export --format nq`."""
    server = _load_server(tmp_path_factory, "virtuoso", 10_000)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def synthetic_network(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth-300.nt"
    result = run_process("synth", "--firms", "300", "-o", str(path))
    assert result.returncode == 0, result.stderr
    return str(path)


@pytest.fixture(scope="session")
def capped_endpoint(tmp_path_factory, synthetic_network):
    """Virtuoso that cuts every answer at 100 rows, holding the bundled graph and 300 synthetic firms."""
    server = _load_server(tmp_path_factory, "virtuoso-capped", 100, synthetic_network)
    yield server.url
    server.stop()


def assert_same_records(remote: list[dict], local: list[dict]) -> None:
    """Equal record by record, floats within :data:`TOLERANCE`."""
    assert len(remote) == len(local)
    for theirs, ours in zip(remote, local, strict=True):
        assert theirs.keys() == ours.keys()
        for key, value in ours.items():
            if isinstance(value, float) and not isinstance(value, bool):
                assert math.isclose(theirs[key], value, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (key, ours["id"])
            else:
                assert theirs[key] == value, (key, ours.get("id"))


@pytest.mark.parametrize(("name", "params"), NAMED)
def test_named_queries_agree(run, virtuoso_endpoint, name, params):
    assert_named_query_agrees(run, virtuoso_endpoint, name, params)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--chain", "ningde"],
        ["--chain", "宁德"],
        ["--level", "stage"],
        ["--chain", "jinjiang", "--level", "stage"],
        ["--region", "Quanzhou"],
        ["--region", "晋江市"],
        ["--region", "泉州"],
    ],
)
def test_stats_agree(run, virtuoso_endpoint, args):
    local = run("stats", "--format", "json", *args)
    assert local.exit_code == 0, local.stderr
    remote = run("stats", "--format", "json", *args, "--endpoint", virtuoso_endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert_same_records(json.loads(remote.stdout), json.loads(local.stdout))


def test_chinese_names_resolve(run, virtuoso_endpoint):
    result = run("query", "firms-in", "-p", "place=晋江市", "--format", "csv", "--endpoint", virtuoso_endpoint)
    assert result.exit_code == 0, result.stderr
    assert "good-one" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["impact", "CATL"],
        ["impact", "宁德时代"],
        ["impact", "--all", "--top", "5"],
        ["impact", "--remove", "region:Ningde"],
        ["impact", "--remove", "stage:separators"],
        ["impact", "--all", "--by", "stage"],
        ["gaps", "--chain", "jinjiang", "--region", "Quanzhou"],
        ["impact", "CATL", "--as-of", "2021"],
        ["stats", "--as-of", "2025", "--undated", "exclude"],
    ],
)
def test_impact_agrees(run, virtuoso_endpoint, args):
    local = run(*args, "--format", "json")
    remote = run(*args, "--format", "json", "--endpoint", virtuoso_endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)


@pytest.mark.parametrize("chain", ["ningde", "jinjiang", "fujian"])
def test_view_agrees(run, virtuoso_endpoint, tmp_path, chain):
    local, remote = tmp_path / "local.html", tmp_path / "remote.html"
    assert run("view", chain, "-o", str(local)).exit_code == 0
    result = run("view", chain, "-o", str(remote), "--endpoint", virtuoso_endpoint)
    assert result.exit_code == 0, result.stderr
    assert remote.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", [["graphml"], ["gexf"], ["csv"], ["csv", "--table", "firms"]])
def test_exports_agree(run, virtuoso_endpoint, fmt):
    local = run("export", "--format", *fmt)
    remote = run("export", "--format", *fmt, "--endpoint", virtuoso_endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


def test_syntax_errors_point_at_the_users_line(run, virtuoso_endpoint):
    result = run("query", "SELECT ?x WHERE {\n  ?x ?y }", "--endpoint", virtuoso_endpoint)
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert "SPARQL query:" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_http_errors_show_text_not_markup(run, virtuoso_endpoint):
    result = run("query", "chains", "--endpoint", virtuoso_endpoint.replace("/sparql", "/no-such-service"))
    assert result.exit_code == 2
    assert "404" in result.stderr and "<" not in result.stderr


# --- a server that cuts answers ------------------------------------------------------------------


def test_stats_are_complete_through_a_row_cap(run, capped_endpoint, synthetic_network):
    local = run("stats", "--format", "json", "--data", synthetic_network)
    assert local.exit_code == 0, local.stderr
    assert len(json.loads(local.stdout)) > 100  # the cap would cut the projection
    remote = run("stats", "--format", "json", "--endpoint", capped_endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert_same_records(json.loads(remote.stdout), json.loads(local.stdout))


def test_paged_query_keeps_its_own_order(run, capped_endpoint, synthetic_network):
    local = run("query", "firms-in", "-p", "place=Fujian", "--format", "json", "--data", synthetic_network)
    remote = run("query", "firms-in", "-p", "place=Fujian", "--format", "json", "--endpoint", capped_endpoint)
    assert remote.exit_code == 0, remote.stderr
    ours, theirs = json.loads(local.stdout)["results"]["bindings"], json.loads(remote.stdout)["results"]["bindings"]
    assert len(ours) > 100
    assert canonical(remote.stdout) == canonical(local.stdout)

    def order(rows):  # firms-in orders by ?kind ?label; rows tied on both may come in any order
        return [(r["kind"]["value"], r.get("label", {}).get("value")) for r in rows]

    assert order(theirs) == order(ours)


def test_cut_answer_that_cannot_be_paged_is_an_error(run, capped_endpoint):
    result = run(
        "query",
        "SELECT ?s ?o WHERE { ?s cg:supplierOf ?o } LIMIT 500",
        "--endpoint",
        capped_endpoint,
    )
    assert result.exit_code == 2
    assert "ResultSetMaxRows" in result.stderr and "100 rows" in result.stderr
    assert result.stdout == ""


@pytest.fixture(scope="session")
def packaged_large_endpoint(tmp_path_factory):
    """Virtuoso with Debian's packaged limits as they are (10,000 rows, MaxQueryCostEstimationTime
    400 s), holding the bundled graph and 12,000 synthetic firms: the size at which the named
    queries that spelled out every tier in one query were refused by the cost estimate (2,600 s
    estimated for four tiers, 446 s for three). They walk tier by tier now, one step a query."""
    path = tmp_path_factory.mktemp("synth-12k") / "synth-12k.nt"
    result = run_process("synth", "--firms", "12000", "-o", str(path))
    assert result.returncode == 0, result.stderr
    server = _load_server(tmp_path_factory, "virtuoso-packaged-large", 10_000, str(path))
    yield server.url, str(path)
    server.stop()


@pytest.mark.parametrize(
    "name, params",
    [
        ("suppliers-of", ["-p", "firm=宁德时代", "-p", "hops=2"]),
        ("suppliers-of", ["-p", "firm=CATL", "-p", "hops=3"]),
        ("suppliers-of", ["-p", "firm=CATL", "-p", "hops=4"]),
        ("clients-of", ["-p", "firm=Skeqi", "-p", "hops=3"]),
        ("clients-of", ["-p", "firm=https://w3id.org/chaingraph/synthetic/firm/17", "-p", "hops=4"]),
        ("suppliers-of", ["-p", "firm=https://w3id.org/chaingraph/synthetic/firm/11999", "-p", "hops=2"]),
    ],
)
def test_tiered_queries_run_under_the_packaged_limits_at_scale(run, packaged_large_endpoint, name, params):
    url, data = packaged_large_endpoint
    local = run("query", name, *params, "--data", data, "--format", "json")
    remote = run("query", name, *params, "--format", "json", "--endpoint", url, "--timeout", "120")
    assert remote.exit_code == 0, remote.stderr
    assert canonical(remote.stdout) == canonical(local.stdout)
    assert canonical(local.stdout)
