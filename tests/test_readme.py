"""The README's examples run as written, so the documentation cannot rot.

Every ``chaingraph ...`` line of the README's ``bash`` blocks is run as a real process in a folder
holding the files the examples name (a small firm file, a rules file, CSV sheets, a query file).
Addresses of SPARQL servers are pointed at a ``chaingraph serve`` this test starts (Virtuoso's own
path is tested in test_virtuoso.py); a pipe into another program is left out and the command's own
output checked instead; ``> FILE`` writes the file.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SPARK_ALREADY_RAN, free_port, require, run_process, start_serve

README = ROOT / "README.md"

MY_FIRMS = """@prefix cg: <https://w3id.org/chaingraph/ontology#> .
@prefix fj: <https://w3id.org/chaingraph/fujian/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.test/acme> a cg:Company ; rdfs:label "Acme Cells"@en ; cg:locatedIn fj:ningde ;
    cg:supplierOf fj:catl .
"""

MY_RULES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cg: <https://w3id.org/chaingraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.test/NamedFirm> a sh:NodeShape ; sh:targetClass cg:Company ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "a company needs a name" ] .
"""

INPUTS = {
    "my-firms.ttl": MY_FIRMS,
    "my-rules.ttl": MY_RULES,
    "my-query.rq": "SELECT ?firm WHERE { ?firm a cg:Company } ORDER BY ?firm LIMIT 5\n",
    "suppliers.csv": "supplier,client,supplies\nAcme Cells,CATL,cathode powder\n",
    "sheet.csv": "Vendor,Buyer\nAcme Cells,CATL\nSeparator Co,Acme Cells\n",
    "r.csv": "supplier,client\nAcme Cells,CATL\n",
    "f.csv": "id,name_en,name_zh,located_in\nAcme Cells,Acme Cells,艾克美,宁德市\n",
    "firms.csv": (
        "id,name_en,located_in,chain,stage\nAcme Cells,Acme Cells,Ningde,ningde-lithium-battery,cathode materials\n"
    ),
    "q1.csv": "supplier,client,start\nAcme Cells,CATL,2025-01\n",
    "vendors.csv": "Vendor,Buyer\nAcme Cells,CATL\n",
}

#: README placeholders for a server, each pointed at the test's own ``chaingraph serve``.
SERVER_ADDRESSES = re.compile(r"^https?://(127\.0\.0\.1:\d+/(query|sparql)|sparql\.example\.org/query)$")


def readme_commands() -> list[str]:
    """Every command line of the README's bash blocks that runs chaingraph, continuations joined."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["chaingraph"]:
                commands.append(line.strip())
    return commands


def needs_shared(command: str) -> bool:
    return "38.csv" in command


def needs_spark(command: str) -> bool:
    return "--engine spark" in command


def test_the_readme_shows_the_commands_this_test_runs():
    commands = readme_commands()
    assert len(commands) > 40
    for example in ("query single-sourced --count", "--limit 50 --offset 100", "--shapes my-rules.ttl"):
        assert any(example in command for command in commands), example


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    for name, text in INPUTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"supplier": ["Separator Co"], "client": ["Acme Cells"]}), folder / "q2.parquet")
    import shutil

    shutil.copytree(ROOT / "examples", folder / "examples")  # the README's example sheets, by their paths
    synth = run_process("synth", "--firms", "2000", "-o", str(folder / "national-firms.nt"))
    assert synth.returncode == 0, synth.stderr
    return folder


@pytest.fixture(scope="module")
def serve_url(tmp_path_factory):
    process, port = start_serve(temporary=tmp_path_factory.mktemp("serve-tmp"))
    try:
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_example(command: str, folder: Path, serve_url: str) -> str | None:
    """Run one README line in ``folder``; what went wrong, or None."""
    words = shlex.split(command, comments=True)[1:]
    target = None
    if "|" in words:
        words = words[: words.index("|")]
    if ">" in words:
        index = words.index(">")
        words, target = words[:index], folder / words[index + 1]
    words = [serve_url if SERVER_ADDRESSES.match(word) else word for word in words]
    if words[0] == "serve":
        return _check_serve(words, folder)
    result = run_process(*words, cwd=folder, timeout=300)
    if result.returncode != 0:
        return f"exit {result.returncode}: {result.stderr.strip()[-300:]}"
    if target is not None:
        target.write_text(result.stdout, encoding="utf-8")
    if not (result.stdout.strip() or result.stderr.strip()):
        return "printed nothing"
    return None


def _check_serve(words: list[str], folder: Path) -> str | None:
    """``serve`` runs until stopped: start it on a free port instead of the README's, and ask it."""
    from .conftest import wait_for_http

    port = str(free_port())
    words = [port if previous == "--port" else word for previous, word in zip(["", *words[:-1]], words, strict=True)]
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", *words], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=60)
        url = f"http://127.0.0.1:{port}/query"
        answer = run_process("query", "ASK { fj:catl a cg:Company }", "--endpoint", url, "--format", "json")
        return None if '"boolean":true' in answer.stdout.replace(" ", "") else f"the server answered {answer.stdout!r}"
    except TimeoutError as exc:
        return str(exc)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.server
def test_every_readme_example_runs(workspace, serve_url):
    failures = []
    ran = 0
    for command in readme_commands():
        if needs_shared(command) or (SPARK_ALREADY_RAN and needs_spark(command)):
            continue
        problem = run_example(command, workspace, serve_url)
        ran += 1
        if problem:
            failures.append(f"{command}\n    {problem}")
    assert not failures, "\n".join(failures)
    assert ran > 40
    # What the examples say they write is there.
    for written in ("ningde.html", "mine.ttl", "vendors.ttl", "report.ttl", "ningde.graphml", "fujian.trig", "all.nq"):
        assert (workspace / written).stat().st_size > 0, written


@pytest.mark.server
def test_the_readme_python_example_runs(workspace):
    (block,) = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    port = str(free_port())
    script = block.replace("port=7879", f"port={port}")  # the README's port may be taken here
    result = subprocess.run([sys.executable, "-c", script], cwd=workspace, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"  # the server answered


@pytest.mark.slow
def test_the_readme_willems_example_runs(tmp_path):
    from .interchange.test_interchange import willems

    source = willems("38")  # skips outside CI without the shared data sets
    require(source.exists(), f"{source}")
    (tmp_path / "38.csv").write_bytes(source.read_bytes())
    (command,) = [command for command in readme_commands() if needs_shared(command)]
    assert run_example(command, tmp_path, "http://127.0.0.1:1/query") is None
    assert (tmp_path / "willems-38.ttl").stat().st_size > 0


def test_ci_runs_the_readme_test_command_with_the_machines_python_and_in_a_fresh_venv():
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    test_command = next(line for block in blocks for line in block.splitlines() if "python -m pytest" in line)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    body = ci.split("readme_test_command() {", 1)[1].split("}", 1)[0]
    assert body.strip() == test_command.strip()
    # The second run may only say that the Spark tests already ran (issue 32 allows it); nothing else.
    calls = [line.strip() for line in ci.splitlines() if line.strip().endswith("readme_test_command")]
    assert calls[0] == "readme_test_command"
    assert re.fullmatch(r'(CHAINGRAPH_TESTS_SPARK_ALREADY_RAN="[^"]+" )?readme_test_command', calls[1])
    assert len(calls) == 2
    second = ci.rindex("readme_test_command")
    assert ci.index("python -m venv") < ci.index("/bin/activate") < second
