"""Old home of the ``load`` verb, kept for one release: use :mod:`chaingraph.projection.load`."""

from __future__ import annotations

from .projection.load import MANIFEST, STORE_FORMAT, LoadReport, load_store, open_disk_store, save_projection

__all__ = ["MANIFEST", "STORE_FORMAT", "LoadReport", "load_store", "open_disk_store", "save_projection"]
