"""Starting (or joining) the Spark session the Spark engine computes on.

A master URL (``local[2]``, ``spark://host:7077``, ``yarn``, ...) gives a classic session; with
``SPARK_REMOTE`` set (``sc://host:15002``) pyspark connects to a Spark Connect server instead and
the same DataFrame code runs there. What is missing on this machine (pyspark, a Java runtime) is one
line naming what to install, never a JVM stack trace.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from ..errors import ChainGraphError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["DEFAULT_MASTER", "SparkUnavailable", "spark_session"]

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
        try:
            return SparkSession.builder.remote(remote).appName(app_name).getOrCreate()
        except Exception as exc:  # pyspark raises many kinds; one line says which server failed
            raise SparkUnavailable(f"Spark Connect server {remote} (SPARK_REMOTE): {_first_line(exc)}") from None
    master = master or DEFAULT_MASTER
    if master.startswith("local") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "--engine spark needs a Java runtime (Java 17 or newer): install one (Debian: "
            "apt-get install default-jre-headless) or set JAVA_HOME"
        )
    builder = SparkSession.builder.master(master).appName(app_name)
    settings = dict(_SETTINGS, **({} if not master.startswith("local") else _LOCAL_SETTINGS))
    settings["spark.sql.shuffle.partitions"] = _shuffle_partitions(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise SparkUnavailable(f"Spark master {master}: {_first_line(exc)}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
