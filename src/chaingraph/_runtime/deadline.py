"""Stopping work that runs too long, such as a pathological SPARQL query on the embedded store.

Oxigraph's evaluation cannot be interrupted from Python, so the work runs in a forked child that
shares the parent's in-memory store copy-on-write; when time is up the child is killed and the
caller gets a clear error. Where ``fork`` is unavailable the work runs in-process, unbounded.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from typing import TypeVar

from ..errors import ChainGraphError, QueryError
from .shutdown import die_with_parent, forget_signals

__all__ = ["DeadlineExceeded", "T", "WorkerFailed", "in_worker", "run_with_deadline"]

T = TypeVar("T")

#: Set in a worker this module forked: work there runs in place, never in a worker of its own.
_IN_WORKER = False


def in_worker() -> bool:
    """Whether this process is a worker :func:`run_with_deadline` forked (its limits already hold)."""
    return _IN_WORKER


class DeadlineExceeded(QueryError):
    """The work ran past its time and was stopped."""


class WorkerFailed(QueryError):
    """The worker ended without an answer: killed for want of memory, or a crash."""


def run_with_deadline(
    work: Callable[[], T], seconds: float | None, what: str = "query", *, memory_bytes: int | None = None
) -> T:
    """``work()``, or :class:`DeadlineExceeded` if it takes longer than ``seconds``.

    With ``memory_bytes`` the work runs in the worker even without a deadline, its address space
    capped there: work that grows without end (Oxigraph looping on a damaged database) ends as
    :class:`WorkerFailed` instead of taking the machine's memory.
    """
    if not seconds and (not memory_bytes or _IN_WORKER):
        return work()  # nothing to bound, or a worker's cap, which holds here already
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        global _IN_WORKER
        _IN_WORKER = True
        die_with_parent()
        forget_signals()
        if memory_bytes:
            import os
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
            # Rust's allocator says "memory allocation of N bytes failed" on the way down; the
            # parent says what happened in one line.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        payload: tuple[str, object]
        try:
            payload = ("ok", work())
        except ChainGraphError as exc:
            payload = ("error", exc)
        except BaseException as exc:  # report any failure to the parent instead of dying silently
            payload = ("error", QueryError(f"{what} failed: {exc}"))
        sender.send_bytes(pickle.dumps(payload))
        sender.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds or None):
            raise DeadlineExceeded(f"{what} stopped after {seconds:g} s (--timeout); narrow it or raise the limit")
        try:
            # The bytes come from our own forked child, never from outside.
            status, value = pickle.loads(receiver.recv_bytes())  # noqa: S301
        except EOFError:
            process.join(timeout=5)
            raise WorkerFailed(f"{what} failed: {_ending(process.exitcode)}") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status == "error":
        raise value
    return value


def _ending(exitcode: int | None) -> str:
    """How the worker ended, for people: a signal by name (a crash of the engine, memory)."""
    if exitcode is not None and exitcode < 0:
        import signal

        name = signal.Signals(-exitcode).name
        cause = {
            "SIGSEGV": "a crash in the query engine",
            "SIGBUS": "a crash in the query engine (a damaged store?)",
            "SIGKILL": "killed, often by the system for want of memory",
            "SIGABRT": "aborted, often at its memory cap, CHAINGRAPH_WORKER_MEMORY bytes",
        }.get(name, "ended by a signal")
        return f"the worker ended by {name} ({cause}) without an answer"
    return f"the worker ended with status {exitcode} without an answer"
