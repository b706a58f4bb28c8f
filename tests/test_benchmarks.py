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
    for step in ("synth", "load", "projection", "stats", "validate", "query firms-in", "impact", "view"):
        assert f"| {step} |" in table or f"|   {step} |" in table, step
    assert "exit " not in table, table  # every step succeeded
    stats = next(line for line in table.splitlines() if "| stats |" in line)
    assert stats.rstrip().split("|")[7].strip().endswith("x")  # the naive ratio was measured
