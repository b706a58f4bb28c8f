"""``chaingraph load``: an on-disk store with the supply network projected once and saved beside it.

The store itself is :mod:`chaingraph.store.disk`; this verb gives it the projection to save
(the store layer never imports the projection), so every reading command on the store starts from
the saved columns. The store's names stay importable from here (``open_disk_store``, ``MANIFEST``).

>>> folder = getfixture("tmp_path")
>>> report = load_store([], folder / "fujian.store")
>>> from chaingraph.store import open_store
>>> open_store(disk_store=folder / "fujian.store").ask("ASK { fj:catl a cg:Company }")
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..store.disk import MANIFEST, STORE_FORMAT, LoadExtras, LoadReport, open_disk_store
from ..store.disk import load_store as _load_store
from ..store.embedded import EmbeddedStore
from .read import project_columns
from .saved import PROJECTION_FORMAT, write_projection

__all__ = ["MANIFEST", "STORE_FORMAT", "LoadReport", "load_store", "open_disk_store", "save_projection"]


def save_projection(store: EmbeddedStore, folder: Path, database: str) -> int:
    """Project ``store`` and write the projection into ``folder``, naming ``database``; its format."""
    write_projection(project_columns(store), folder, database)
    return PROJECTION_FORMAT


def load_store(
    data: Sequence[str | os.PathLike[str]],
    directory: str | os.PathLike[str],
    *,
    bundled: bool = True,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
    recorded_as: Sequence[str] | None = None,
) -> LoadReport:
    """Bulk-load RDF files (and folders of them) into a new on-disk store at ``directory``, with
    the supply network projected and saved beside the database.

    Each file keeps its own named graph, as in the embedded store. The store appears at
    ``directory`` complete or not at all; an existing store is replaced only with ``replace``.
    """
    return _load_store(
        data,
        directory,
        bundled=bundled,
        replace=replace,
        progress=progress,
        extras=LoadExtras(save_projection, recorded_as),
    )
