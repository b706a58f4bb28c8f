"""Serving the graph as a SPARQL 1.1 Protocol endpoint with the Oxigraph server.

chaingraph does not implement a server: it loads the same data the embedded store holds into an
Oxigraph database and starts ``oxigraph serve-read-only`` (or ``serve`` when writes are wanted),
which brings the SPARQL 1.1 Protocol, Graph Store Protocol and a YASGUI query page.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import ChainGraphError, InputError
from . import LocalDataset

__all__ = [
    "LOOPBACK_HOSTS",
    "READY_WITHIN",
    "RunningServer",
    "ServerPlan",
    "check_bind",
    "check_port_free",
    "oxigraph_executable",
    "prepare_database",
    "serve",
    "server_plan",
]


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


def prepare_database(store: LocalDataset, location: Path) -> int:
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

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.create_server((host.strip("[]"), port), family=family):
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
    return ServerPlan(command, f"http://{_shown(host)}:{port}")


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


#: Addresses only this machine can reach.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def check_bind(host: str, writable: bool, allow_remote_writes: bool) -> None:
    """Refuse a writable server on an address other machines reach, unless asked for by name:
    anyone on the network could then change the data."""
    if writable and host.lower() not in LOOPBACK_HOSTS and not allow_remote_writes:
        raise InputError(
            f"--host {host} --writable: anyone who reaches {host} could change the data; "
            "serve writable on 127.0.0.1, or add --allow-remote-writes"
        )


@dataclass
class RunningServer:
    """An Oxigraph server started by :func:`serve`, answering at ``query_url``."""

    plan: ServerPlan
    process: subprocess.Popen
    quads: int

    @property
    def url(self) -> str:
        return self.plan.url

    @property
    def query_url(self) -> str:
        return self.plan.query_url

    def wait(self) -> int:
        """Block until the server stops; its exit status."""
        return self.process.wait()


#: Seconds a server may take to answer after it starts (copying a large store into its database
#: happens before, and does not count).
READY_WITHIN = 60.0


@contextlib.contextmanager
def serve(
    store: LocalDataset,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    allow_remote_writes: bool = False,
    timeout: float | None = None,
) -> Iterator[RunningServer]:
    """Serve ``store`` as a SPARQL 1.1 endpoint while the ``with`` block runs: its data copied into
    a temporary Oxigraph database, the server started and answering before the block begins, then
    stopped and the database removed (also on Ctrl-C or SIGTERM).

    A writable server, and a read-only one on a loopback address, listen on a private loopback port
    behind a :class:`~chaingraph.store.writeguard.WriteGuard`, which refuses requests for another host
    name (a web page's DNS rebinding would otherwise read a private network served on 127.0.0.1) and
    writes from another site; a writable one binds a non-loopback ``host`` only with
    ``allow_remote_writes``.

    >>> from chaingraph.store import open_store
    >>> import socket
    >>> with socket.socket() as probe:
    ...     _ = probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]
    >>> with serve(open_store(), port=port) as server:
    ...     open_store(endpoint=server.query_url).ask("ASK { fj:catl a cg:Company }")
    True
    """
    from .._runtime.shutdown import cleanup_on_exit, die_with_parent
    from .writeguard import WriteGuard

    check_bind(host, writable, allow_remote_writes)
    if not 0 < port < 65536:
        raise InputError(f"--port {port}: expected 1 to 65535")
    check_port_free(host, port)
    with (
        tempfile.TemporaryDirectory(prefix="chaingraph-serve-") as folder,
        cleanup_on_exit(functools.partial(shutil.rmtree, folder, ignore_errors=True)),
    ):
        location = Path(folder)
        quads = prepare_database(store, location)
        # A guarded Oxigraph listens where only the guard reaches it.
        guarded = writable or host.lower() in LOOPBACK_HOSTS
        backend_host, backend_port = ("127.0.0.1", _free_loopback_port()) if guarded else (host, port)
        plan = server_plan(location, host=backend_host, port=backend_port, writable=writable, timeout=timeout)
        # The server's own banner and log go to a file beside its database, not to our output
        # (the library never prints); the last line explains a server that stops at once.
        log = open(location / "server.log", "wb")  # noqa: SIM115 - open while the server runs
        process = subprocess.Popen(plan.command, preexec_fn=die_with_parent, stdout=log, stderr=subprocess.STDOUT)
        guard = None
        try:
            _wait_until_answering(
                process, backend_host.strip("[]"), backend_port, READY_WITHIN, location / "server.log"
            )
            if guarded:
                guard = WriteGuard(host, port, backend_port, any_host=host.lower() not in LOOPBACK_HOSTS)
                plan = ServerPlan(plan.command, f"http://{_shown(host)}:{port}")
            yield RunningServer(plan, process, quads)
        finally:
            if guard is not None:
                guard.close()
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
            log.close()


def _free_loopback_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(process: subprocess.Popen, host: str, port: int, within: float, log: Path) -> None:
    import socket
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace").strip().splitlines() if log.exists() else []
            detail = f": {said[-1][:200]}" if said else ""
            raise ChainGraphError(f"the Oxigraph server stopped at once (exit {process.returncode}){detail}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise ChainGraphError(f"the Oxigraph server did not answer on {host}:{port} within {within:.0f} s")
