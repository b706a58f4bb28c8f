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


def test_every_file_a_readme_example_reads_is_in_the_repository():
    """Run from the repository's root, an example finds its input: each is under examples/, or is
    written by an example above it (a command's -o or --store), or is the one not shipped (38.csv)."""
    written: set[str] = set()
    missing = []
    for command in readme_commands():
        words = shlex.split(command, comments=True)
        for previous, word in zip(["", *words[:-1]], words, strict=True):
            if previous in ("-o", "--store", ">"):
                written.add(word.rstrip("/"))
        for word in words:
            if word.startswith("examples/") and not (ROOT / word).exists():
                missing.append(f"{command}: {word}")
    assert not missing, missing
    reads = {"my-firms.ttl", "suppliers.csv", "q1.csv", "q2.parquet", "national-firms.nt"}
    for command in readme_commands():
        words = shlex.split(command, comments=True)
        for name in reads & set(words):
            assert name in written, f"{command}: {name} is neither in examples/ nor written above"


def test_the_readme_shows_the_commands_this_test_runs():
    commands = readme_commands()
    assert len(commands) > 40
    for example in ("query single-sourced --count", "--limit 50 --offset 100", "--shapes examples/my-rules.ttl"):
        assert any(example in command for command in commands), example


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    import shutil

    shutil.copytree(ROOT / "examples", folder / "examples")  # the README's example files, by their paths
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
