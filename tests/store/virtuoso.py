"""A private Virtuoso server for tests and benchmarks: its own folder, free 127.0.0.1 ports, stopped after.

Debian's ``virtuoso-opensource`` package gives ``virtuoso-t`` (the server) and ``isql-vt`` (its SQL
client). The server runs from a copy of the packaged ``virtuoso.ini`` with the database, ports and
load folder rewritten, so nothing outside the folder is touched. Data goes in through Virtuoso's
bulk loader, the path the README documents for users.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def available() -> bool:
    return PACKAGED_INI.is_file() and bool(shutil.which("virtuoso-t")) and bool(shutil.which("isql-vt"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _set(ini: str, section: str, key: str, value: str) -> str:
    """Set ``key = value`` in ``[section]`` of an ini text (a commented-out key is replaced too)."""
    lines = ini.splitlines()
    current = None
    insert_at = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped[1:-1]
            if current == section:
                insert_at = number + 1
            continue
        name = stripped.lstrip(";").split("=", 1)[0].strip()
        if current == section and "=" in stripped and name == key:
            lines[number] = f"{key} = {value}"
            return "\n".join(lines) + "\n"
    if insert_at is None:
        return "\n".join([*lines, f"[{section}]", f"{key} = {value}"]) + "\n"
    lines.insert(insert_at, f"{key} = {value}")
    return "\n".join(lines) + "\n"


class Virtuoso:
    """One Virtuoso server in ``folder``; ``max_rows`` is its ``ResultSetMaxRows`` (the silent cap)."""

    def __init__(self, folder: Path, *, max_rows: int = 10_000, buffers: int = 170_000) -> None:
        self.folder = Path(folder)
        self.load_folder = self.folder / "load"
        self.sql_port = _free_port()
        self.http_port = _free_port()
        self.max_rows = max_rows
        self.buffers = buffers
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def _ini(self) -> str:
        ini = PACKAGED_INI.read_text(encoding="utf-8").replace("/var/lib/virtuoso-opensource-7/db", str(self.folder))
        ini = _set(ini, "Parameters", "ServerPort", f"127.0.0.1:{self.sql_port}")
        ini = _set(ini, "Parameters", "DirsAllowed", f"., /usr/share/virtuoso-opensource-7/vad, {self.load_folder}")
        ini = _set(ini, "Parameters", "NumberOfBuffers", str(self.buffers))
        ini = _set(ini, "Parameters", "MaxDirtyBuffers", str(self.buffers * 3 // 4))
        ini = _set(ini, "HTTPServer", "ServerPort", f"127.0.0.1:{self.http_port}")
        ini = _set(ini, "SPARQL", "ResultSetMaxRows", str(self.max_rows))
        return _set(ini, "SPARQL", "MaxQueryExecutionTime", "600")

    def start(self, timeout: float = 60) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.load_folder.mkdir(exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(self._ini(), encoding="utf-8")
        log = (self.folder / "server.out").open("wb")
        self.process = subprocess.Popen(
            ["virtuoso-t", "-f", "-c", str(ini)], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}: see {self.folder}/server.out")
            try:
                with urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"Virtuoso did not answer within {timeout} s")

    def isql(self, script: str, timeout: float = 3600) -> str:
        completed = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0 or "*** Error" in completed.stdout:
            raise RuntimeError(f"isql failed: {completed.stdout[-2000:]}{completed.stderr[-2000:]}")
        return completed.stdout

    def bulk_load(self, files: list[Path], default_graph: str = "urn:chaingraph:default") -> None:
        """Load N-Quads (named graphs kept) or N-Triples/Turtle files with Virtuoso's bulk loader."""
        for path in files:
            shutil.copy(path, self.load_folder / Path(path).name)
        patterns = sorted({"*" + Path(p).suffix for p in files})
        script = "".join(f"ld_dir('{self.load_folder}', '{pattern}', '{default_graph}');\n" for pattern in patterns)
        self.isql(script + "rdf_loader_run();\ncheckpoint;\n")
        failed = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")
        if "0 Rows" not in failed:
            raise RuntimeError(f"Virtuoso bulk load reported errors: {failed[-2000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
