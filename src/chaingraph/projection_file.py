"""A projection saved in an on-disk store folder, so reading commands skip the projection's SPARQL.

``chaingraph load --store`` projects the new database once and writes the result here, beside the
database, before the store is moved into place. Every column is dictionary-encoded: the distinct
values go into a JSON file and one integer code per node into a NumPy array, so a million firms
in a handful of places cost a million small integers, and reading the file back gives each node
the same shared value object that the projection itself holds.

The file is only a faster way to the answer the database gives: :func:`database_fingerprint`
records the database's files when the projection is written, and a store whose database has been
written to since (by an Oxigraph server pointed at the folder, say) is projected from the
database again.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import orjson

from .network import Projection

ARRAYS = "projection.npz"
VALUES = "projection.json"
#: Raised when what a saved projection holds changes (2: edges carry their evidence level).
PROJECTION_FORMAT = 2


def write_projection(projection: Projection, folder: Path) -> None:
    """Write ``projection`` into ``folder`` (two files; the folder must exist)."""
    arrays: dict[str, np.ndarray] = {"suppliers": projection.suppliers, "clients": projection.clients}
    tables: dict[str, list] = {}
    for name, column in projection.columns.items():
        codes, tables[name] = _encode(column)
        arrays[f"column_{name}"] = codes
    values = {
        "format": PROJECTION_FORMAT,
        "nodes": projection.nodes,
        "columns": tables,
        "details": [[supplier, client, found] for (supplier, client), found in projection.details.items()],
        "meta": projection.meta,
    }
    with open(folder / ARRAYS, "wb") as out:
        np.savez(out, **arrays)
    (folder / VALUES).write_bytes(orjson.dumps(values))


def read_projection(folder: Path) -> Projection:
    """The projection :func:`write_projection` wrote into ``folder``."""
    values = orjson.loads((folder / VALUES).read_bytes())
    if values.get("format") != PROJECTION_FORMAT:
        raise ValueError(f"{folder / VALUES}: projection format {values.get('format')!r}")
    with np.load(folder / ARRAYS, allow_pickle=False) as arrays:
        columns = {
            name: [table[code] for code in arrays[f"column_{name}"].tolist()]
            for name, table in values["columns"].items()
        }
        suppliers, clients = arrays["suppliers"], arrays["clients"]
    return Projection(
        nodes=values["nodes"],
        columns=columns,
        suppliers=suppliers,
        clients=clients,
        details={(supplier, client): found for supplier, client, found in values["details"]},
        meta=values["meta"],
    )


def database_fingerprint(database: Path) -> list[list]:
    """Name and size of each file that changes when an Oxigraph (RocksDB) database is written to.

    Opening the database read-only changes none of them; any write adds a log or table file.
    """
    kept = []
    for entry in sorted(os.scandir(database), key=lambda e: e.name):
        if entry.name in ("LOCK", "LOG") or entry.name.startswith("LOG.old"):
            continue
        kept.append([entry.name, entry.stat().st_size])
    return kept


def _encode(column: list) -> tuple[np.ndarray, list]:
    """Integer codes and the table of distinct values they index (lists compared by content)."""
    table: list = []
    code_of: dict = {}
    codes = np.empty(len(column), dtype=np.int64)
    for i, value in enumerate(column):
        key = tuple(value) if isinstance(value, list) else value
        code = code_of.get(key)
        if code is None:
            code = code_of[key] = len(table)
            table.append(value)
        codes[i] = code
    return codes, table
