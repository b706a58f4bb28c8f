"""One way out for SIGINT, SIGTERM and SIGHUP, and no process left behind.

Ctrl-C raises ``KeyboardInterrupt``; :func:`install` makes SIGTERM (what ``kill``, systemd, Docker
and CI send) and SIGHUP (a closed terminal) raise :class:`Terminated` the same way, so every
``finally`` runs: temporary files and databases are removed and servers and workers we started
are stopped. The CLI then exits with 128 + the signal's number, as a shell reports it.

A child we start also gets :func:`die_with_parent`, so even a parent killed outright (SIGKILL,
where no Python code runs) takes its Oxigraph server or query worker with it.

Python runs a signal handler only when the main thread is back in Python code, and Oxigraph can
parse one file for many minutes. So a watcher thread also hears every signal (through
``signal.set_wakeup_fd``); if the process is still alive :data:`GRACE_SECONDS` later, it runs the
cleanups registered with :func:`cleanup_on_exit` (temporary files and folders) and ends the process
with the same exit code.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["GRACE_SECONDS", "HANDLED", "Terminated", "cleanup_on_exit", "die_with_parent", "forget_signals", "install"]

#: How long the main thread has to stop by itself after a signal before the watcher ends it.
GRACE_SECONDS = 5.0
_cleanups: dict[int, Callable[[], object]] = {}
_keys = itertools.count()

HANDLED = (signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; a ``BaseException`` so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


def install() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` in this (main) thread, and start the
    watcher that ends the process if the main thread cannot answer a signal in time."""
    for signum in HANDLED:
        signal.signal(signum, _raise_terminated)
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    signal.set_wakeup_fd(writer, warn_on_full_buffer=False)
    threading.Thread(target=_watch, args=(reader,), daemon=True, name="chaingraph-signals").start()


def forget_signals() -> None:
    """In a forked child: signals are the child's own, not a reason to end the parent."""
    signal.set_wakeup_fd(-1)
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_DFL)


@contextlib.contextmanager
def cleanup_on_exit(action: Callable[[], object]) -> Iterator[None]:
    """Run ``action`` if a signal has to end the process while this block runs."""
    key = next(_keys)
    _cleanups[key] = action
    try:
        yield
    finally:
        _cleanups.pop(key, None)


def _watch(reader: int) -> None:
    while True:
        received = os.read(reader, 1)
        if not received:
            return
        signum = received[0]
        if signum not in (signal.SIGINT, *HANDLED):
            continue
        time.sleep(GRACE_SECONDS)
        # Still running: the main thread is inside a long native call (a parse, a bulk load).
        for action in list(_cleanups.values()):
            with contextlib.suppress(Exception):
                action()
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        with contextlib.suppress(OSError):
            os.write(2, f"stopped by {name}: nothing was written\n".encode())
        os._exit(128 + signum)


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
