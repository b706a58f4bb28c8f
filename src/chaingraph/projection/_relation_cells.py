"""The cells of a relations sheet a join checks and reads by column: each row's period, evidence
level and quantities, checked as the import checks them. Each takes ``failures``, the list of
``(row, check, message)`` the join reports the first of (so the import and the join fail alike).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._runtime.arrays import first_rows
from ..errors import InputError
from ..settings import EVIDENCE_LEVELS
from ..sheets import RELATION_DETAIL_FIELDS, SheetColumns, check_period, evidence_cell, period_text
from ..sheets.quantities import QUANTITY_FIELDS, row_quantities

__all__ = ["row_levels", "row_periods", "row_quantities_of"]


def row_periods(
    sheet: SheetColumns, mapping: Mapping[str, str], failures: list
) -> list[tuple[int, str, tuple[str, str]]]:
    """Each dated row, its period's text (``start/end``, ``start``, ``/end``) and bounds, checked
    as the import checks them (each distinct pair of cells once)."""
    starts, ends = sheet.column("start"), sheet.column("end")
    undated = pc.and_(pc.equal(starts, ""), pc.equal(ends, "")).to_numpy(zero_copy_only=False)
    dated = np.flatnonzero(~undated)
    if not len(dated):
        return []
    chosen = pa.array(dated)
    texts: dict[tuple[str, str], str] = {}
    periods = []
    for row, start, end in zip(
        dated.tolist(), starts.take(chosen).to_pylist(), ends.take(chosen).to_pylist(), strict=True
    ):
        text = texts.get((start, end))
        if text is None:
            try:
                check_period(sheet.where(row), start, end, mapping)
            except InputError as exc:
                failures.append((row, 3, str(exc)))
                break
            texts[(start, end)] = text = period_text(start, end)
        periods.append((row, text, (start, end)))
    return periods


def row_levels(sheet: SheetColumns, mapping: Mapping[str, str], failures: list) -> np.ndarray:
    """Each row's evidence level as a code into :data:`EVIDENCE_LEVELS` (:func:`evidence_cell`,
    each distinct cell checked once); an ``unspecified`` row with a product, period or source
    fails as in the import. Of the rows that fail, the first one is reported."""
    encoded = pc.dictionary_encode(sheet.column("evidence"))
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    cells = encoded.dictionary.to_pylist()
    first_row = first_rows(indices, len(cells), np.arange(len(sheet), dtype=np.int64), len(sheet))
    codes = np.full(len(cells), -1, dtype=np.int8)
    for code in np.argsort(first_row, kind="stable").tolist():
        row = int(first_row[code])
        try:
            codes[code] = EVIDENCE_LEVELS.index(evidence_cell(sheet.where(row), cells[code], mapping))
        except InputError as exc:
            failures.append((row, 4, str(exc)))
            break
    levels = codes[indices]
    unspecified = levels == EVIDENCE_LEVELS.index("unspecified")
    if unspecified.any():
        filled = {name: pc.not_equal(sheet.column(name), "").to_numpy(zero_copy_only=False)
                  for name in RELATION_DETAIL_FIELDS}  # fmt: skip
        bad = np.flatnonzero(unspecified & np.logical_or.reduce(list(filled.values())))
        if len(bad):
            row = int(bad[0])
            name = next(name for name, cells in filled.items() if cells[row])  # the row's first filled cell
            failures.append((row, 4, f"{sheet.where(row)}: evidence unspecified is a plain edge with no "
                                     f"{name}; say stated or inferred, or leave the cell empty"))  # fmt: skip
    return levels


def row_quantities_of(sheet: SheetColumns, mapping: Mapping[str, str], failures: list) -> dict[int, dict]:
    """The quantities of each row that states any (:func:`row_quantities`), checked as the
    import checks them; a sheet whose quantity columns are empty costs one scan a column."""
    columns = {name: sheet.column(name) for name in QUANTITY_FIELDS}
    filled = np.zeros(len(sheet), dtype=bool)
    for cells in columns.values():
        filled |= pc.not_equal(cells, "").to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(filled)
    if not len(rows):
        return {}
    chosen = pa.array(rows)
    cells_of = {name: cells.take(chosen).to_pylist() for name, cells in columns.items()}
    found = {}
    for k, row in enumerate(rows.tolist()):
        try:
            found[row] = row_quantities(sheet.where(row), {name: cells_of[name][k] for name in columns}, mapping)
        except InputError as exc:
            failures.append((row, 5, str(exc)))
            break
    return found
