"""Serving the graph as a SPARQL 1.1 Protocol endpoint with the Oxigraph server.

chaingraph does not implement a server: it loads the same data the embedded store holds into an
Oxigraph database and starts ``oxigraph serve-read-only`` (or ``serve`` when writes are wanted),
which brings the SPARQL 1.1 Protocol, Graph Store Protocol and a YASGUI query page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import ChainGraphError, InputError
from .store import EmbeddedStore


def oxigraph_executable() -> str:
    """The ``oxigraph`` server program installed with the ``oxigraph`` package."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ChainGraphError("the Oxigraph server is not installed: python -m pip install oxigraph")
    return found


@dataclass(frozen=True)
class ServerPlan:
    """How to start a server on a prepared database."""

    command: list[str]
    url: str

    @property
    def query_url(self) -> str:
        return self.url + "/query"


def prepare_database(store: EmbeddedStore, location: Path) -> int:
    """Write every quad of ``store`` into an Oxigraph database at ``location``; returns the count."""
    dump = location / "data.nq"
    dump.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    completed = subprocess.run(
        [oxigraph_executable(), "load", "--location", str(location / "db"), "--file", str(dump)],
        capture_output=True,
        text=True,
        check=False,
    )
    dump.unlink()
    if completed.returncode != 0:
        message = (completed.stderr or completed.stdout).strip().splitlines()
        raise ChainGraphError("oxigraph load failed: " + (message[-1] if message else "unknown error"))
    return len(store)


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on, before saying "serving" (the server would fail)."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise InputError(f"--port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def server_plan(
    location: Path, *, host: str = "127.0.0.1", port: int = 7878, writable: bool = False, timeout: float | None = None
) -> ServerPlan:
    """The command that serves the database at ``location``: read-only unless ``writable``.

    Queries see the union of all named graphs, as they do in the embedded store.
    """
    if not 0 < port < 65536:
        raise InputError(f"--port {port}: expected 1 to 65535")
    mode = "serve" if writable else "serve-read-only"
    command = [
        oxigraph_executable(),
        mode,
        "--location",
        str(location / "db"),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
    ]
    if timeout:
        command += ["--timeout-s", str(max(1, int(timeout)))]
    shown = f"[{host}]" if ":" in host else host
    return ServerPlan(command, f"http://{shown}:{port}")
