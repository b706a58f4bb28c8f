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


def test_sparql_lives_in_rq_files():
    """No module holds a SPARQL query as a string constant: the package's own queries are files in
    queries/internal/ (the SHACL engine's queries are built from the shapes, not written out)."""
    import ast
    import re

    query_start = re.compile(r"\s*(PREFIX|SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
    found = []
    for path in sorted((ROOT / "src" / "chaingraph").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module constants
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
                text = node.value.value if isinstance(node.value, ast.Constant) else ast.unparse(node.value)
                if isinstance(text, str) and query_start.match(text.lstrip("f\"'")):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_every_package_query_runs_on_the_bundled_graph():
    from chaingraph.queries.texts import package_query
    from chaingraph.store import open_store
    from chaingraph.vocab import ORGANIZATION_CLASSES, PLACE_CLASSES, curies

    store = open_store()
    slots = {
        "ORGANIZATION_CLASSES": curies(ORGANIZATION_CLASSES),
        "PLACE_CLASSES": curies(PLACE_CLASSES),
        "classes": "cg:IndustrialChain",
        "DATATYPES": "<http://www.w3.org/2001/XMLSchema#integer>",
        "WELL_FORMED": "true",
    }
    files = sorted((ROOT / "src" / "chaingraph" / "queries" / "internal").glob("*.rq"))
    assert len(files) >= 19
    for path in files:
        text = package_query(path.stem, **slots)
        store.select(text)  # parses and runs; a typo in a file fails here, naming it


def test_mypy_is_clean():
    """The package type-checks (pyproject.toml's [tool.mypy]: check_untyped_defs, no unused ignores)."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
