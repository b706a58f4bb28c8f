"""The installed package works outside the repository: data files travel inside the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("chaingraph-*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_one_copy_of_each_data_file(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for required in (
        "chaingraph/data/ontology.ttl",
        "chaingraph/validation/shapes.ttl",
        "chaingraph/queries/suppliers-of.rq",
        "chaingraph/views/templates/view.html",
        "chaingraph/py.typed",
    ):
        assert required in names
    graph_files = sorted(p.name for p in (ROOT / "graph").glob("*.ttl"))
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("chaingraph/data/graph/")) == graph_files


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_from_an_empty_folder(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    # The dependencies come from this interpreter's own site-packages (a venv's, when the suite runs
    # in one: system_site_packages would give the base interpreter's instead), listed in a .pth file
    # after the new venv's own; the package itself comes only from the wheel.
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "chaingraph-test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run(
        [python, "-c", "import chaingraph._runtime.resources as r; print(r.data_dir())"],
        cwd=empty,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(environment) in where.stdout
    stats = subprocess.run(
        [environment / "bin" / "chaingraph", "stats", "--format", "json"],
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert stats.returncode == 0, stats.stderr
    assert any(row["label"] == "CATL" for row in json.loads(stats.stdout))
    check = subprocess.run(
        [environment / "bin" / "chaingraph", "validate"], cwd=empty, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, check.stderr
    assert list(empty.iterdir()) == []
    view = subprocess.run(
        [environment / "bin" / "chaingraph", "view", "ningde"], cwd=empty, capture_output=True, text=True, timeout=120
    )
    assert view.returncode == 0, view.stderr
    assert [p.name for p in empty.iterdir()] == ["ningde.html"]


def test_the_package_verbs_stay_functions_whatever_is_imported():
    import importlib
    import pkgutil

    import chaingraph

    # Importing a submodule sets it as an attribute of the package: none may take a verb's name.
    for module in pkgutil.walk_packages(chaingraph.__path__, "chaingraph."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for name in chaingraph.__all__:
        if name != "__version__":
            assert callable(getattr(chaingraph, name)) and not isinstance(getattr(chaingraph, name), type(chaingraph))


def _package_modules():
    import importlib
    import pkgutil

    import chaingraph

    for module in pkgutil.walk_packages(chaingraph.__path__, "chaingraph."):
        if not module.name.endswith("__main__"):
            yield module.name, importlib.import_module(module.name)


def test_every_module_says_what_it_exports_and_exports_what_it_defines():
    import inspect

    problems = []
    # Every module imported first: a package's __all__ may name its submodules (chaingraph.spark),
    # which are its attributes once imported, whatever order the walk meets them in.
    for name, module in list(_package_modules()):
        exported = getattr(module, "__all__", None)
        if exported is None:
            problems.append(f"{name}: no __all__")
            continue
        problems += [f"{name}: __all__ names {n!r}, which it lacks" for n in exported if not hasattr(module, n)]
        problems += [f"{name}: __all__ names {n!r} twice" for n in set(exported) if exported.count(n) > 1]
        for attribute, value in vars(module).items():
            defined_here = (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == name
            if defined_here and not attribute.startswith("_") and attribute not in exported:
                problems.append(f"{name}: public {attribute!r} is not in __all__")
    assert not problems, "\n".join(problems)


def test_the_verbs_of_the_package_are_the_documented_ones():
    import chaingraph

    # The README's library section and the list: every command's library function.
    verbs = {"open_store", "stats", "impact", "view", "query", "count", "validate", "export", "import_csv"}
    verbs |= {"load_store", "serve", "synth", "gaps", "diff", "resolve", "brief"}
    # ... and the requests the analysis verbs take: a part of the network, a scenario's shock
    # (the README's example)
    requests = {"Scope", "Shock"}
    assert set(chaingraph.__all__) == verbs | requests | {"__version__"}
    assert set(dir(chaingraph)) >= verbs | requests
    from chaingraph.measures.cascade import Shock
    from chaingraph.projection.selection import Scope
    from chaingraph.views.chain_view import view

    assert chaingraph.Scope is Scope and chaingraph.Shock is Shock and chaingraph.view is view


def test_each_verb_has_one_home():
    """The old homes kept "for one release" of a package never released are gone: one import path
    per name (the library section of the README names the package's own)."""
    import importlib

    for gone in ("csvimport", "diskstore", "server", "endpoint"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(f"chaingraph.{gone}")
    from chaingraph.measures import reference

    assert not {"MeasureRun", "NodeValues", "MeasureInfo", "EXACT_REACH_LIMIT"} & set(reference.__all__)


def _readme_extras() -> list[str]:
    """The extras the README tells users to install (``pip install 'chaingraph[NAME]'``)."""
    import re

    return sorted(set(re.findall(r"chaingraph\[([a-z-]+)\]", (ROOT / "README.md").read_text(encoding="utf-8"))))


def test_the_architecture_page_names_every_room_of_the_package_and_no_other():
    """docs/architecture.md's table of rooms against the tree: each module and folder of the
    package is a row (under its own name), and each name a row gives exists."""
    import re

    root = Path(__file__).resolve().parents[1]
    rows = [line for line in (root / "docs" / "architecture.md").read_text().splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}
    package = root / "src" / "chaingraph"
    rooms = {
        entry.name + ("/" if entry.is_dir() else "")
        for entry in package.iterdir()
        if entry.name not in {"__init__.py", "__main__.py", "__pycache__", "py.typed"}
    }
    assert rooms - named == set(), "rooms the page does not name"
    assert named - rooms == set(), "rows naming no room"


def test_every_extra_the_readme_documents_has_a_fresh_venv_test():
    assert set(_readme_extras()) == set(EXTRA_CHECKS), "add the new extra to EXTRA_CHECKS below"


#: What each documented extra must make work, run with the wheel and that extra alone in a fresh venv.
#: ``spark``: the README's command on a small sheet, run by the venv's full path with the venv off PATH
#: (pipx, cron), so Spark's Python workers must find chaingraph's own interpreter.
#: ``spark-connect``: the Connect client's own dependencies (a server is started in tests/spark).
EXTRA_CHECKS = {
    "spark": ["stats", "--engine", "spark", "--no-bundled", "--relations", "sheet.csv", "--format", "json"],
    "spark-connect": ["-c", "from pyspark.sql.connect.utils import check_dependencies; check_dependencies()"],
}


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.parametrize("extra", sorted(EXTRA_CHECKS))
def test_each_documented_extra_installed_alone_in_a_fresh_venv_works(wheel, tmp_path, extra):
    import shutil

    from .conftest import require

    require(shutil.which("java") is not None, "a Java runtime for Spark's local mode")
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", f"{wheel}[{extra}]"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    (tmp_path / "sheet.csv").write_text("supplier,client\nA,B\nB,C\n", encoding="utf-8")
    # The venv is not on PATH; python3 there is the machine's, without chaingraph.
    environment_variables = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    command = EXTRA_CHECKS[extra]
    program = [python] if command[0] == "-c" else [environment / "bin" / "chaingraph"]
    result = subprocess.run(
        [*program, *command], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=environment_variables
    )
    assert result.returncode == 0, result.stderr[-2000:]
    if command[0] == "stats":
        rows = json.loads(result.stdout)
        # A -> B -> C: in-degrees by the definition.
        assert {row["label"]: row["in_degree"] for row in rows} == {"A": 0, "B": 1, "C": 1}
