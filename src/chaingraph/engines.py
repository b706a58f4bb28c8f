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
from dataclasses import dataclass
from typing import TypeVar

from .errors import InputError

__all__ = [
    "ENGINES",
    "ENGINE_ALIASES",
    "LOCAL",
    "SPARK",
    "Compute",
    "engine_named",
    "implementation",
    "session_of",
]

LOCAL, SPARK = "local", "spark"
#: The engines, the default first.
ENGINES = (LOCAL, SPARK)
#: Older names still accepted, and the engine each names.
ENGINE_ALIASES = {"compiled": LOCAL}

Verb = TypeVar("Verb", bound=Callable)


@dataclass(frozen=True)
class Compute:
    """Where and how a verb computes, as one request (a command's ``--engine``, ``--spark-master``,
    ``--exact`` and ``--output``): ``engine`` ``local`` (this machine) or ``spark``; on this machine
    the ``backend`` (``auto``: :mod:`chaingraph.measures.dispatch` chooses by size; ``networkx``,
    the reference; ``compiled``, the arrays) and ``exact`` (the sampled measures computed exactly);
    on Spark its ``spark_master`` (default ``local[*]``) and an ``output`` folder that receives
    every row as Parquet. A verb refuses what of it does not apply to it.

    >>> Compute(engine="compiled").on
    'local'
    """

    engine: str = LOCAL
    backend: str = "auto"
    exact: bool = False
    spark_master: str | None = None
    output: str | None = None

    @property
    def on(self) -> str:
        """The engine this names (:func:`engine_named`: an alias gives its engine)."""
        return engine_named(self.engine)

    @property
    def here(self) -> bool:
        """Whether this computes on this machine (the local engine)."""
        return self.on == LOCAL

    def local(self, verb: str, *, spark_with: str | None = None) -> Compute:
        """This request for a verb that runs on this machine alone, neither exact nor written out:
        anything else is a one-line error naming the verb (and ``spark_with``, the form of the
        command that does run on Spark, where there is one).

        >>> Compute(engine="spark").local("impact", spark_with="--remove")
        Traceback (most recent call last):
        chaingraph.errors.InputError: impact runs on this machine: ... (--engine spark goes with --remove)
        """
        if not self.here or self.spark_master is not None:
            elsewhere = f" (--engine spark goes with {spark_with})" if spark_with else ""
            raise InputError(f"{verb} runs on this machine: --engine spark and --spark-master do not apply{elsewhere}")
        if self.exact or self.output is not None:
            raise InputError(f"{verb}: --exact and --output do not apply")
        return self

    def checked(self) -> Compute:
        """This request, or a one-line error for a Spark option (``spark_master``, ``output``)
        asked of the local engine."""
        if self.here and (self.spark_master is not None or self.output is not None):
            raise InputError("--output and --spark-master go with --engine spark")
        return self


def engine_named(name: str) -> str:
    """The engine ``name`` names (an alias gives its engine); a one-line error for any other."""
    engine = ENGINE_ALIASES.get(name, name)
    if engine not in ENGINES:
        raise InputError(f"--engine {name!r}: use {', '.join(ENGINES)}")
    return engine


def implementation(engine: str, *, local: Verb, spark: Verb) -> Verb:
    """The implementation of a verb on ``engine``: ``local`` or ``spark``."""
    return {LOCAL: local, SPARK: spark}[engine_named(engine)]


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
