"""Old home of ``serve``, kept for one release: use :mod:`chaingraph.store.server`."""

from __future__ import annotations

from .store.server import check_bind, serve

__all__ = ["check_bind", "serve"]
