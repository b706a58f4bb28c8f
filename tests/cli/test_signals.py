"""Nothing lost on Ctrl-C, SIGTERM or SIGHUP, at any moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import deeply_nested_rdf_xml


def interrupt(
    args: list[str], cwd: Path, after: float, signum: int = signal.SIGINT, writing: bool = False
) -> subprocess.CompletedProcess:
    """Run a command and send it ``signum`` ``after`` seconds; with ``writing``, ``after`` seconds
    once its temporary file has appeared beside the output (on a loaded machine the interpreter
    may take longer than ``after`` to start, and a signal before the handlers are in place would
    test nothing)."""
    before = set(cwd.iterdir())
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while writing and set(cwd.iterdir()) == before and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(after)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def test_ctrl_c_during_synth_keeps_the_previous_file(tmp_path):
    target = tmp_path / "big.nt"
    target.write_text("previous content\n", encoding="utf-8")
    result = interrupt(["synth", "--firms", "3000000", "-o", str(target), "--force"], tmp_path, after=1, writing=True)
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.nt"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_during_synth_keep_the_previous_file(tmp_path, signum):
    target = tmp_path / "big.nt"
    target.write_text("previous content\n", encoding="utf-8")
    command = ["synth", "--firms", "3000000", "-o", str(target), "--force"]
    result = interrupt(command, tmp_path, after=1, signum=signum, writing=True)
    assert result.returncode == 128 + signum, result.stderr
    assert result.stderr.strip() == f"stopped by {signal.Signals(signum).name}: nothing was written"
    assert target.read_text(encoding="utf-8") == "previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.nt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_serve_leaves_no_server_and_no_database_behind(tmp_path, signum):
    from ..conftest import start_serve

    process, _ = start_serve(temporary=tmp_path)
    try:
        servers = _children(process.pid)
        assert servers and list(tmp_path.glob("chaingraph-serve-*"))
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in servers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_running(pid) for pid in servers), "the Oxigraph server outlived serve"
        if signum == signal.SIGTERM:
            assert process.returncode == 143, stderr
            assert list(tmp_path.glob("chaingraph-serve-*")) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_ctrl_c_during_import_keeps_the_previous_file(tmp_path):
    relations = tmp_path / "r.csv"
    with relations.open("w", encoding="utf-8") as handle:
        handle.write("supplier,client\n")
        for i in range(60_000):
            handle.write(f"firm{i},firm{i + 1}\n")
    target = tmp_path / "out.ttl"
    target.write_text("previous\n", encoding="utf-8")
    result = interrupt(["import", "--relations", str(relations), "-o", str(target), "--force"], tmp_path, after=4)
    assert result.returncode == 130, result.stderr
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl", "r.csv"]


def test_interrupted_atomic_write_removes_its_temporary_file(tmp_path):
    from chaingraph._runtime.fileio import atomic_open

    target = tmp_path / "x.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as handle:
        handle.write("half")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["x.txt"]


def test_a_signal_during_a_long_native_parse_still_ends_the_process_and_cleans_up(tmp_path):
    from chaingraph._runtime.shutdown import GRACE_SECONDS

    deep = deeply_nested_rdf_xml(tmp_path / "deep.rdf", 100_000)
    marker = tmp_path / "temporary.file"
    process = subprocess.Popen(
        [sys.executable, "-c", WATCHED, str(deep), str(marker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "parsing"
    time.sleep(0.5)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=GRACE_SECONDS + 30)
    assert time.monotonic() - sent < GRACE_SECONDS + 10
    assert process.returncode == 143, stderr
    assert "finished" not in stdout  # the parse was cut short, not waited for
    assert stderr.strip() == "stopped by SIGTERM: nothing was written"
    assert not marker.exists()


WATCHED = """
import pathlib, sys
import pyoxigraph as ox
from chaingraph._runtime import shutdown

shutdown.install()
marker = pathlib.Path(sys.argv[2])
marker.write_text("temporary")
with shutdown.cleanup_on_exit(marker.unlink):
    print("parsing", flush=True)
    ox.Store().load(path=sys.argv[1], format=ox.RdfFormat.RDF_XML)  # minutes inside Oxigraph
print("finished", flush=True)
"""


def _complete(path: Path) -> bool:
    """Whether a written output is whole: RDF that parses, or a view that ends its page."""
    import pyoxigraph as ox

    if path.suffix == ".html":
        return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS}
    try:
        ox.Store().load(path=str(path), format=formats[path.suffix])
    except SyntaxError:
        return False
    return True


CHAOS = {
    "synth": (["synth", "--firms", "200000", "-o", "{out}.nt", "--force"], ".nt"),
    "import": (["import", "--relations", "{relations}", "-o", "{out}.ttl", "--force"], ".ttl"),
    "export": (["export", "--format", "ttl", "-o", "{out}.ttl", "--force"], ".ttl"),
    "view": (["view", "ningde", "-o", "{out}.html", "--force"], ".html"),
    "query": (["query", "--update", "INSERT DATA { fj:x a cg:Company }", "-o", "{out}.nq", "--force"], ".nq"),
}


@pytest.mark.parametrize("command", list(CHAOS))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_signal_at_any_moment_keeps_the_previous_file(tmp_path, command, signum):
    import random

    relations = tmp_path / "r.csv"
    relations.write_text("supplier,client\n" + "".join(f"f{i},f{i + 1}\n" for i in range(20_000)), encoding="utf-8")
    args, suffix = CHAOS[command]
    out = tmp_path / f"out{suffix}"
    moments = random.Random(f"{command}{signum}").sample([0.2, 0.5, 0.9, 1.4, 2.0, 3.0], 3)
    for moment in moments:
        out.write_text("previous\n", encoding="utf-8")
        filled = [a.replace("{out}", str(tmp_path / "out")).replace("{relations}", str(relations)) for a in args]
        process = subprocess.Popen(
            [sys.executable, "-m", "chaingraph", *filled], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        time.sleep(moment)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr
        assert out.read_text(encoding="utf-8") == "previous\n" or _complete(out), (moment, stderr)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("r.csv", out.name))
        if signum == signal.SIGTERM:
            assert left == [], (moment, left)
            # 143: stopped by our handler; -15: the signal came before it was installed (during
            # start-up) or after the work was done, and nothing of ours was open
            assert process.returncode in (0, 143, -signal.SIGTERM), (moment, process.returncode, stderr)
        for stale in left:  # SIGKILL may leave a temporary file: no code runs to remove it
            (tmp_path / stale).unlink()
