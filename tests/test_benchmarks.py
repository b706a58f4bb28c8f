"""The benchmark command runs end to end (a 1k smoke run; figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_benchmark_smoke_run_at_1k_firms(tmp_path):
    out = tmp_path / "bench.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    table = out.read_text(encoding="utf-8")
    steps = (
        "synth",
        "load",
        "projection",
        "stats",
        "store load",
        "store stats",
        "store scenario region",
        "store impact --all --by region",
        "store gaps",
        "impact --all",
        "validate",
        "import",
        "tables stats",
        "import stats ttl",
        "import --store",
        "import --store stats",
        "dated store stats --as-of",
        "dated store diff",
        "view",
        "view --focus",
        "ring impact --all",
        "stats --help",
        "stats (bundled graph)",
    )
    for step in (*steps, "query firms-in", "impact"):
        assert f"| {step} |" in table or f"|   {step} |" in table, step
    assert "exit " not in table, table  # every step succeeded
    stats = next(line for line in table.splitlines() if "| stats |" in line)
    assert stats.rstrip().split("|")[7].strip().endswith("x")  # the naive ratio was measured


@pytest.mark.slow
@pytest.mark.server
def test_benchmark_scale_out_path_runs(tmp_path):
    from .conftest import require
    from .store import virtuoso

    require(virtuoso.available(), "Debian's virtuoso-opensource (apt-get install virtuoso-opensource)")
    out = tmp_path / "bench.md"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--quick", "--no-naive"]
    result = subprocess.run(
        [*command, "--only", "stats", "virtuoso", "--out", str(out)], capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr
    table = out.read_text(encoding="utf-8")
    for step in ("virtuoso: export nq", "virtuoso: bulk load", "virtuoso: stats --endpoint"):
        assert f"| {step} |" in table, step
    assert "exit " not in table and "did not start" not in table, table
