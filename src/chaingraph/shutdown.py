"""One way out for SIGINT, SIGTERM and SIGHUP, and no process left behind.

Ctrl-C raises ``KeyboardInterrupt``; :func:`install` makes SIGTERM (what ``kill``, systemd, Docker
and CI send) and SIGHUP (a closed terminal) raise :class:`Terminated` the same way, so every
``finally`` runs: temporary files and databases are removed and servers and workers we started
are stopped. The CLI then exits with 128 + the signal's number, as a shell reports it.

A child we start also gets :func:`die_with_parent`, so even a parent killed outright (SIGKILL,
where no Python code runs) takes its Oxigraph server or query worker with it.
"""

from __future__ import annotations

import signal
import sys

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
    """Turn SIGTERM and SIGHUP into :class:`Terminated` in this (main) thread."""
    for signum in HANDLED:
        signal.signal(signum, _raise_terminated)


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
