"""A projection saved in an on-disk store folder, so reading commands skip the projection's SPARQL.

``chaingraph load --store`` projects the new database once and writes the result here, beside the
database, before the store is moved into place. Every column is dictionary-encoded: the distinct
values go into a JSON file and one integer code per node into a NumPy array, so a million firms
in a handful of places cost a million small integers, and reading the file back gives each node
the same shared value object that the projection itself holds.

The files are only a faster way to the answer the database gives: the store layer offers them only
when they belong to this very database (:func:`chaingraph.store.disk.saved_projection_is_current`:
its id, its files, their digest), and this module reads them only in the format it writes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import orjson

from ..errors import InputError
from ..settings import EVIDENCE_LEVELS
from ..sheets.quantities import COMPARATORS, NUMBER_KEYS, EdgeQuantities
from ..store.disk import database_id
from .model import Projection

__all__ = [
    "ARRAYS",
    "DETAILS",
    "PROJECTION_FORMAT",
    "VALUES",
    "SavedDetails",
    "read_projection",
    "read_saved_projection",
    "write_projection",
]

ARRAYS = "projection.npz"
VALUES = "projection.json"
#: The qualified relations' details (products, sources, periods), apart: most commands never
#: read them, and a command that does parses them then (:class:`SavedDetails`).
DETAILS = "projection.details.json"
#: Raised when what a saved projection holds changes (2: edges carry their evidence level; 3: the
#: projection names its database; 4: edges carry their relations' periods as bounds, ``intervals``;
#: 5: stages inferred from products, and the stages' essential inputs, in ``meta``; 6: quantities
#: in the details; 7: quantities as arrays beside the edges; 8: evidence levels as an array, the
#: details in a file of their own).
PROJECTION_FORMAT = 8


def write_projection(projection: Projection, folder: Path, database: str = "") -> None:
    """Write ``projection`` into ``folder`` (three files; the folder must exist), naming the id of
    the ``database`` it was projected from."""
    arrays: dict[str, np.ndarray] = {
        "suppliers": projection.suppliers,
        "clients": projection.clients,
        "evidence": projection.evidence,
    }
    if projection.quantities.any:  # none stated: nothing written, :meth:`EdgeQuantities.none` read back
        arrays.update({f"quantity_{name}": column for name, column in projection.quantities.arrays().items()})
    tables: dict[str, list] = {}
    for name, column in projection.columns.items():
        codes, tables[name] = _encode(column)
        arrays[f"column_{name}"] = codes
    values = {
        "format": PROJECTION_FORMAT,
        "database": database,
        "nodes": projection.nodes,
        "columns": tables,
        "quantity_units": projection.quantities.units,
        "quantities_saved": projection.quantities.any,
        "meta": projection.meta,
    }
    with open(folder / ARRAYS, "wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]  # numpy's stub reads **kwds as allow_pickle
    (folder / VALUES).write_bytes(orjson.dumps(values))
    details = [[supplier, client, found] for (supplier, client), found in projection.details.items()]
    (folder / DETAILS).write_bytes(orjson.dumps(details))


class SavedDetails(Mapping[tuple[str, str], dict]):
    """A saved projection's details, parsed from their file on first use (a damaged file is an
    :class:`InputError` naming the store)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._found: dict[tuple[str, str], dict] | None = None

    @property
    def found(self) -> dict[tuple[str, str], dict]:
        if self._found is None:
            try:
                self._found = {(supplier, client): found for supplier, client, found in orjson.loads(
                    (self.folder / DETAILS).read_bytes()
                )}  # fmt: skip
            except (OSError, ValueError, TypeError) as exc:
                raise _damaged(self.folder, exc) from None
        return self._found

    def __getitem__(self, pair: tuple[str, str]) -> dict:
        return self.found[pair]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)


def read_saved_projection(folder: Path) -> Projection:
    """The projection saved in a store folder, checked whole; a damaged one is an
    :class:`InputError` naming the store.

    Its digest matched the manifest when the store was opened, so damage here means the files were
    changed together with the manifest, or the manifest itself was edited.
    """
    try:
        projection = read_projection(folder)
        nodes = len(projection.nodes)
        if len(projection.suppliers) != len(projection.clients) or any(
            len(column) != nodes for column in projection.columns.values()
        ):
            raise ValueError("columns of different lengths")
        for ends in (projection.suppliers, projection.clients):
            if len(ends) and (int(ends.min()) < 0 or int(ends.max()) >= nodes):
                raise ValueError("an edge names a node that is not there")
        _check_quantities(projection.quantities)
        if projection.evidence.size and not 0 <= int(projection.evidence.min()) <= int(projection.evidence.max()) < len(
            EVIDENCE_LEVELS
        ):
            raise ValueError("an edge's evidence level is not one there is")
    except (OSError, ValueError, KeyError, IndexError, TypeError, zipfile.BadZipFile) as exc:
        raise _damaged(folder, exc) from None
    return projection


def _damaged(folder: Path, exc: Exception) -> InputError:
    return InputError(f"--store {folder}: the saved projection is damaged ({str(exc)[:100]}); load the store again")


def _check_quantities(quantities: EdgeQuantities) -> None:
    """A ``ValueError`` for quantities whose codes point nowhere (a unit, a comparator)."""
    for codes, table in ((quantities.value_unit, quantities.units), (quantities.volume_unit, quantities.units),
                         (quantities.hedges, COMPARATORS)):  # fmt: skip
        if codes.size and (int(codes.min()) < -1 or int(codes.max()) >= len(table)):
            raise ValueError("a quantity names a unit or comparator that is not there")
    if quantities.hedges.shape != (len(quantities), len(NUMBER_KEYS)):
        raise ValueError("the quantities' comparators are not one row an edge")


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
        suppliers, clients, evidence = arrays["suppliers"], arrays["clients"], arrays["evidence"]
        # A network stating no quantity saves none (44 bytes an edge of nothing, 1.5 GB at 10M firms).
        quantities = (
            EdgeQuantities(
                **{name: arrays[f"quantity_{name}"] for name in EdgeQuantities.none(0).arrays()},
                units=values["quantity_units"],
            )
            if values.get("quantities_saved", True)  # a file of before this key had them always
            else EdgeQuantities.none(len(suppliers))
        )
    return Projection(
        nodes=values["nodes"],
        columns=columns,
        suppliers=suppliers,
        clients=clients,
        details=SavedDetails(folder),
        meta=values["meta"],
        quantities=quantities,
        evidence=evidence,
    )


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
