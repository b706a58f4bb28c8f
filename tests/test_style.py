"""The code stays as the project's settings say: ruff's lint rules and its formatting (pyproject.toml).

Run in the suite, so CI fails on a lint error or an unformatted file like on any other test.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

PATHS = ["src", "tests", "benchmarks", "docs"]


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(check):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *check, *PATHS], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_says_it_is_typed():
    """py.typed (PEP 561) travels with the package, so type checkers read its hints."""
    assert (ROOT / "src" / "chaingraph" / "py.typed").is_file()
