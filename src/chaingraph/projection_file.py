"""A projection saved in an on-disk store folder, so reading commands skip the projection's SPARQL.

``chaingraph load --store`` projects the new database once and writes the result here, beside the
database, before the store is moved into place. Every column is dictionary-encoded: the distinct
values go into a JSON file and one integer code per node into a NumPy array, so a million firms
in a handful of places cost a million small integers, and reading the file back gives each node
the same shared value object that the projection itself holds.

The file is only a faster way to the answer the database gives, so it is tied to its database
three ways, all checked when the store is opened (:func:`projection_is_current`): the database's
own id (RocksDB's ``IDENTITY``, made when the database is created) is written into the projection
and the manifest, so projection files copied from another store are not read; a digest of the two
projection files is kept in the manifest, so damaged or edited files are not read; and
:func:`database_fingerprint` records the database's files, so a database written to since (by an
Oxigraph server pointed at the folder, say) is projected again. None of them reads the database
itself (a 10M-firm store is 34 GB).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import orjson

from .network import Projection

ARRAYS = "projection.npz"
VALUES = "projection.json"
#: Raised when what a saved projection holds changes (2: edges carry their evidence level; 3: the
#: projection names its database).
PROJECTION_FORMAT = 3


def database_id(database: Path) -> str:
    """The id RocksDB gave the database at ``database`` when it was created ("" when it has none)."""
    try:
        return (database / "IDENTITY").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def projection_digest(folder: Path) -> str:
    """SHA-256 of the two projection files in ``folder``, in order."""
    digest = hashlib.sha256()
    for name in (ARRAYS, VALUES):
        with open(folder / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def projection_is_current(folder: Path, manifest: dict) -> bool:
    """Whether the projection files in ``folder`` belong to its database as the manifest records it:
    the same database id, an unchanged database (its fingerprint), projection files with the
    recorded digest."""
    database = folder / "db"
    if manifest.get("projection_format") != PROJECTION_FORMAT or not manifest.get("database_id"):
        return False
    if manifest["database_id"] != database_id(database):
        return False
    if manifest.get("projection") != database_fingerprint(database):
        return False
    try:
        return manifest.get("projection_digest") == projection_digest(folder)
    except OSError:
        return False


def write_projection(projection: Projection, folder: Path, database: str = "") -> None:
    """Write ``projection`` into ``folder`` (two files; the folder must exist), naming the id of
    the ``database`` it was projected from."""
    arrays: dict[str, np.ndarray] = {"suppliers": projection.suppliers, "clients": projection.clients}
    tables: dict[str, list] = {}
    for name, column in projection.columns.items():
        codes, tables[name] = _encode(column)
        arrays[f"column_{name}"] = codes
    values = {
        "format": PROJECTION_FORMAT,
        "database": database,
        "nodes": projection.nodes,
        "columns": tables,
        "details": [[supplier, client, found] for (supplier, client), found in projection.details.items()],
        "meta": projection.meta,
    }
    with open(folder / ARRAYS, "wb") as out:
        np.savez(out, **arrays)
    (folder / VALUES).write_bytes(orjson.dumps(values))


def read_projection(folder: Path) -> Projection:
    """The projection :func:`write_projection` wrote into ``folder``; a ``ValueError`` when it was
    projected from another database than the one in ``folder``."""
    values = orjson.loads((folder / VALUES).read_bytes())
    if values.get("format") != PROJECTION_FORMAT:
        raise ValueError(f"{folder / VALUES}: projection format {values.get('format')!r}")
    if values.get("database") != database_id(folder / "db"):
        raise ValueError(f"{folder / VALUES}: projected from another database")
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
