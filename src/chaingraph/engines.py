"""Where a verb computes, chosen in one place: ``local`` (this machine; between its two backends,
the NetworkX reference and the compiled arrays, :mod:`chaingraph.measures.dispatch` chooses) or
``spark`` (Apache Spark, :mod:`chaingraph.spark`, imported only when chosen). A verb that runs on
both hands this module its two implementations and calls the one :func:`implementation` returns;
no other module compares an engine's name.

``compiled``, the local engine's name before the backends had theirs, is still accepted: scripts
use it.

>>> engine_named("compiled"), engine_named("spark")
('local', 'spark')
>>> implementation("local", local=len, spark=sum)([1, 2])
2
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from .errors import InputError

__all__ = ["ENGINES", "ENGINE_ALIASES", "LOCAL", "SPARK", "engine_named", "implementation", "local_only", "session_of"]

LOCAL, SPARK = "local", "spark"
#: The engines, the default first.
ENGINES = (LOCAL, SPARK)
#: Older names still accepted, and the engine each names.
ENGINE_ALIASES = {"compiled": LOCAL}

Verb = TypeVar("Verb", bound=Callable)


def engine_named(name: str) -> str:
    """The engine ``name`` names (an alias gives its engine); a one-line error for any other."""
    engine = ENGINE_ALIASES.get(name, name)
    if engine not in ENGINES:
        raise InputError(f"--engine {name!r}: use {', '.join(ENGINES)}")
    return engine


def implementation(engine: str, *, local: Verb, spark: Verb) -> Verb:
    """The implementation of a verb on ``engine``: ``local`` or ``spark``."""
    return {LOCAL: local, SPARK: spark}[engine_named(engine)]


def local_only(engine: str, spark_master: str | None, what: str) -> None:
    """Refuse ``--engine spark`` (or a ``--spark-master``) for ``what``, which runs on this machine."""
    if engine_named(engine) != LOCAL or spark_master is not None:
        raise InputError(f"--engine spark goes with {what}")


@contextmanager
def session_of(engine: str) -> Iterator[None]:
    """Around a command on ``engine``: on Spark, a failure inside a job becomes one line (read while
    the session still runs, since its text needs the gateway) and Spark's Java process is stopped
    when the command is done (a library user keeps the session; a command leaves nothing running).
    Nothing on the local engine."""
    if engine_named(engine) != SPARK:
        yield
        return
    from .spark.session import job_failure, stop_session

    try:
        yield
    except Exception as exc:
        failure = job_failure(exc)
        if failure is not None:
            raise failure from None
        raise
    finally:
        stop_session()
