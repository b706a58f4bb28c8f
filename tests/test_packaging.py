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
        "chaingraph/shapes.ttl",
        "chaingraph/queries/suppliers-of.rq",
        "chaingraph/templates/view.html",
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
        [python, "-c", "import chaingraph.resources as r; print(r.data_dir())"],
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
