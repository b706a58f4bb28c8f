"""Starting (or joining) the Spark session the Spark engine computes on.

A master URL (``local[2]``, ``spark://host:7077``, ``yarn``, ...) gives a classic session; with
``SPARK_REMOTE`` set (``sc://host:15002``) pyspark connects to a Spark Connect server instead and
the same DataFrame code runs there. What is missing on this machine (pyspark, a Java runtime) is one
line naming what to install, never a JVM stack trace.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ChainGraphError, first_line

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "DEFAULT_MASTER",
    "SparkUnavailable",
    "first_line",
    "job_failure",
    "log_path",
    "spark_session",
    "stop_session",
]

#: Spark's own local mode on every core of this machine.
DEFAULT_MASTER = "local[*]"

#: Settings every session of ours gets: no web UI or console progress bars (a command-line tool
#: prints its own status line), the driver on loopback when local, and partitions sized for a
#: network's edges rather than Spark's default of 200 tiny shuffle outputs per step.
_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}
_LOCAL_SETTINGS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    # Small networks run dozens of rounds of tiny joins; adaptive planning costs more than it saves.
    "spark.sql.adaptive.enabled": "false",
}


class SparkUnavailable(ChainGraphError):
    """Spark cannot start here: pyspark or a Java runtime is missing, or the master refuses."""


def _shuffle_partitions(master: str) -> str:
    if master.startswith("local"):
        inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
        cores = (os.cpu_count() or 1) if inside in ("*", "") else int(inside.split(",")[0])
        return str(max(1, cores))
    return "200"


def spark_session(master: str | None = None, *, app_name: str = "chaingraph") -> SparkSession:
    """The Spark session to compute on: Spark Connect when ``SPARK_REMOTE`` is set, else a session
    on ``master`` (default :data:`DEFAULT_MASTER`); an existing session of this process is reused.

    Raises :class:`SparkUnavailable` with one line naming what to install or what failed.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "--engine spark needs pyspark: pip install 'chaingraph[spark]' (and a Java 17 runtime)"
        ) from None
    remote = os.environ.get("SPARK_REMOTE")
    if remote:
        _check_reachable(remote)
        try:
            session = SparkSession.builder.remote(remote).appName(app_name).getOrCreate()
        except ImportError as exc:  # the Connect client's own packages (grpcio, pandas ...)
            raise SparkUnavailable(
                f"SPARK_REMOTE needs Spark Connect's client: pip install 'chaingraph[spark-connect]' ({exc.name})"
            ) from None
        except Exception as exc:  # pyspark raises many kinds; one line says which server failed
            raise SparkUnavailable(f"Spark Connect server {remote} (SPARK_REMOTE): {first_line(exc)}") from None
        _REMOTE_SESSIONS.append(session)
        return session
    master = master or DEFAULT_MASTER
    if master.startswith("local") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "--engine spark needs a Java runtime (Java 17 or newer): install one (Debian: "
            "apt-get install default-jre-headless) or set JAVA_HOME"
        )
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    settings = dict(_SETTINGS, **({} if not master.startswith("local") else _LOCAL_SETTINGS))
    settings["spark.sql.shuffle.partitions"] = _shuffle_partitions(master)
    if master.startswith("local"):
        # In local mode the driver is the executor: give it half the machine (Spark's default, 1 GB,
        # holds a network of about 100k firms) unless spark.driver.memory is set some other way.
        settings["spark.driver.memory"] = os.environ.get("CHAINGRAPH_SPARK_MEMORY") or _half_the_memory()
        # Shuffle files and checkpoints in a folder of this process's own (removed by stop_session).
        _LOCAL_FOLDERS.append(tempfile.mkdtemp(prefix="chaingraph-spark-"))
        settings["spark.local.dir"] = _LOCAL_FOLDERS[-1]
        # Python workers run this interpreter, which has chaingraph, not whatever python3 is first
        # on PATH (pipx, cron and full-path runs have the venv off PATH); a PYSPARK_PYTHON the user
        # set still wins. pyspark reads the variable itself when the context starts.
        if not os.environ.get("PYSPARK_PYTHON"):
            os.environ["PYSPARK_PYTHON"] = sys.executable
    conf = SparkConf().setMaster(master).setAppName(app_name).setAll(list(settings.items()))
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
    try:
        if SparkContext._active_spark_context is None:
            # The JVM's banner, warnings and log go to a file, not the command's stderr.
            with open(log_path(), "ab") as log:
                gateway = launch_gateway(conf, popen_kwargs={"stdout": log, "stderr": log})
            SparkContext(conf=conf, gateway=gateway).setLogLevel("ERROR")
        session = SparkSession.builder.config(conf=conf).getOrCreate()
    except Exception as exc:
        raise SparkUnavailable(f"Spark master {master}: {first_line(exc)} (log: {log_path()})") from None
    return session


_LOCAL_FOLDERS: list[str] = []
#: Spark Connect sessions this process opened: stop_session closes their connection.
_REMOTE_SESSIONS: list = []


def _half_the_memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{max(1, total // 2 // (1 << 30))}g"


#: Spark Connect's port when ``SPARK_REMOTE`` names none.
CONNECT_PORT = 15002


def _check_reachable(remote: str) -> None:
    """Fail in one line, within seconds, when nothing listens at ``SPARK_REMOTE``'s address: the
    Connect client would otherwise retry for minutes before saying so."""
    import socket
    from urllib.parse import urlsplit

    try:
        address = urlsplit(remote.split(";", 1)[0])
        host, port = address.hostname, address.port or CONNECT_PORT
    except ValueError:  # a port that is no number
        host, port = None, CONNECT_PORT
    if not remote.startswith("sc://") or not host:
        raise SparkUnavailable(f"SPARK_REMOTE={remote}: expected sc://host[:port]")
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = f"Spark Connect server {remote} (SPARK_REMOTE)"
        raise SparkUnavailable(f"{where}: cannot connect to {host}:{port}: {reason}") from None


def stop_session() -> None:
    """Stop this process's Spark session, if any, and the Java process a local one started (it
    would otherwise live until this process ends), and remove its local folder."""
    from pyspark import SparkContext

    while _REMOTE_SESSIONS:
        _REMOTE_SESSIONS.pop().stop()  # the client's connection; the server and its data stay
    context = SparkContext._active_spark_context
    if context is not None:
        gateway = context._gateway
        context.stop()
        process = getattr(gateway, "proc", None)
        if gateway is not None:
            gateway.shutdown()
        if process is not None:
            process.stdin.close()  # the JVM's gateway ends when its standard input does
            try:
                process.wait(timeout=30)
            except Exception:
                process.kill()
                process.wait()
        SparkContext._gateway = None
        SparkContext._jvm = None
    while _LOCAL_FOLDERS:
        shutil.rmtree(_LOCAL_FOLDERS.pop(), ignore_errors=True)


def log_path() -> Path:
    """Where the Spark driver's own output goes: ``CHAINGRAPH_SPARK_LOG``, else a file in the
    system's temporary folder."""
    return Path(os.environ.get("CHAINGRAPH_SPARK_LOG") or Path(tempfile.gettempdir()) / "chaingraph-spark.log")


def job_failure(exc: BaseException) -> SparkUnavailable | None:
    """A failure inside Spark (a Python worker, a reader, the JVM) as one line to show, or ``None``
    when ``exc`` is not Spark's. Called before the session stops: a Py4J error's text needs the gateway.
    """
    module = type(exc).__module__ or ""
    if not (module.startswith("pyspark") or module.startswith("py4j")):
        return None
    try:
        text = str(exc)
    except Exception:  # pyspark's own __str__ fails once the gateway is gone
        text = ""
    # A worker's failure carries the Python traceback: its last "SomethingError: ..." line says why.
    reasons = [line.strip() for line in text.splitlines() if "Error: " in line or "Exception: " in line]
    reason = reasons[-1] if reasons else (text.strip().splitlines() or [type(exc).__name__])[0]
    return SparkUnavailable(f"Spark job failed: {reason[:500]} (log: {log_path()})")
