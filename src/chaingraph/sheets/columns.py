"""A sheet read whole into Arrow columns: a plain CSV by Arrow's reader (Python's rules for what a
cell is kept where Arrow's differ), a Parquet table or folder, anything else row by row through
:mod:`.layout`'s readers; and a sheet's digest, which says whether a saved projection is still its own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa

from .._runtime.fileio import open_input
from ..errors import InputError
from .cells import joined_cells
from .layout import MAX_CELL, NAME_FIELDS, header_columns, sheet_rows
from .workbook import is_workbook, sheet_of

__all__ = ["PARQUET_SUFFIXES", "SheetColumns", "read_sheet"]

#: File names read as Parquet (a folder is read as a Parquet dataset, as Spark writes one).
PARQUET_SUFFIXES = (".parquet", ".pq")

_Key = TypeVar("_Key")


@dataclass
class SheetColumns:
    """A whole sheet read by columns: one Arrow string array per field it has (``""`` for an empty
    cell), the line (CSV) or row (Parquet) each row comes from, and the rows skipped as empty."""

    path: Path
    values: dict[str, pa.StringArray]
    lines: np.ndarray
    skipped: int
    parquet: bool

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> pa.StringArray:
        """The cells of a field, all empty when the sheet has no such column."""
        found = self.values.get(name)
        return found if found is not None else _empty_cells(len(self.lines))

    def where(self, row: int) -> str:
        """``file:line`` of a row, for messages (``file: row N`` in Parquet)."""
        return f"{self.path}: row {self.lines[row]}" if self.parquet else f"{self.path}:{self.lines[row]}"


def _empty_cells(rows: int) -> pa.StringArray:
    """``rows`` empty cells: zero offsets and no text, with no Python list of them on the way."""
    return pa.StringArray.from_buffers(rows, pa.py_buffer(np.zeros(rows + 1, dtype=np.int32)), pa.py_buffer(b""))


def _share_empty_columns(values: dict[_Key, pa.StringArray]) -> dict[_Key, pa.StringArray]:
    """``values`` with every column whose cells are all empty the same one array: a table's empty
    columns (eleven of thirteen in a plain relations table) then cost four bytes a row once, not
    each (1.4 GB at ten million firms' 35 million relations)."""
    shared: pa.StringArray | None = None
    result = {}
    for name, cells in values.items():
        if cells.null_count == 0 and _text_bytes(cells) == 0:
            if shared is None or len(shared) != len(cells):
                shared = cells  # the first empty column is the one the others become
            cells = shared
        result[name] = cells
    return result


def _text_bytes(cells: pa.StringArray) -> int:
    """How many bytes of text the cells hold (an array's offsets' span, read without a scan)."""
    if len(cells) == 0:
        return 0
    width = np.int64 if pa.types.is_large_string(cells.type) else np.int32
    offsets = np.frombuffer(cells.buffers()[1], dtype=width)
    return int(offsets[cells.offset + len(cells)]) - int(offsets[cells.offset])


def read_sheet(
    path: Path,
    fields: tuple[str, ...],
    role: str,
    mapping: Mapping[str, str],
    header_row: int | None = None,
    sheet: str | None = None,
) -> SheetColumns:
    """Every row of a sheet (CSV, a workbook's sheet, or Parquet by its suffix or as a folder) by
    columns, each cell read as the import reads it (:func:`sheet_rows`); :class:`InputError` naming
    file, line and column for what is wrong.

    A CSV file without quote characters, bare carriage returns or NULs, whose every line has the
    header's number of fields, is parsed by Arrow (its lines are then its records); any other is
    read by :class:`CsvRows`, record by record, which also names the line of any error.
    """
    path, sheet = sheet_of(path, sheet)
    if path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path, fields, role, mapping)
    if not is_workbook(path):
        fast = _read_plain_csv(path, fields, role, mapping, header_row or 1)
        if fast is not None:
            return fast
    rows = sheet_rows(path, fields, role, mapping, header_row, sheet)
    cells: dict[str, list[str]] = {}
    lines: list[int] = []
    for line, row in rows:
        if not cells:
            cells = {name: [] for name in row}
        lines.append(line)
        for name, found in cells.items():
            found.append(row[name])
    values = _share_empty_columns({name: pa.array(found, pa.string()) for name, found in cells.items()})
    return SheetColumns(rows.shown, values, np.array(lines, dtype=np.int64), rows.skipped, parquet=False)


#: What ``str.strip()`` removes: a cell read by Arrow is trimmed of exactly these, as CsvRows trims.
#: Written out: working it out over every code point took 0.3 s of every command's start.
_PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


#: A cell that starts or ends with whitespace as Python's ``str.strip`` counts it (RE2's syntax).
_WHITESPACE_CLASS = "".join(f"\\x{{{ord(char):04x}}}" for char in _PYTHON_WHITESPACE)
_LEADING_WHITESPACE = f"^[{_WHITESPACE_CLASS}]"
_TRAILING_WHITESPACE = f"[{_WHITESPACE_CLASS}]$"
#: The bytes of the ASCII characters among them but the line ends (the rest are not ASCII).
_ASCII_BLANKS = [bytes([ord(char)]) for char in _PYTHON_WHITESPACE if char.isascii() and char not in "\r\n"]


def _read_plain_csv(
    path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str], header_row: int
) -> SheetColumns | None:
    """The sheet parsed by Arrow when it is plain (see :func:`read_sheet`), else ``None``.

    Only a regular file is read whole (a pipe or a device is streamed by :class:`CsvRows`, so
    nothing is consumed twice and ``/dev/zero`` does not fill the memory), and only the mapped
    columns are converted: a sheet of 100,000 columns costs what its mapped ones do.
    """
    import pyarrow.csv as pacsv

    try:
        if not path.is_file():
            return None
        with open_input(path) as handle:
            data = handle.read()
    except (InputError, OSError):
        return None  # CsvRows says what is wrong with the file
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data or b'"' in data or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = _positions_of(raw, ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    stops = np.concatenate((newlines, [len(data)]))
    if data.endswith(b"\n"):
        starts, stops = starts[:-1], stops[:-1]
    stops = stops - (stops > starts) * (raw[np.maximum(stops - 1, 0)] == ord("\r"))  # CRLF: the CR is not a cell's
    if len(starts) < header_row:
        return None
    head = header_row - 1
    try:
        header = [cell.strip() for cell in data[starts[head] : stops[head]].decode("utf-8").split(",")]
    except UnicodeDecodeError:
        return None
    if not header or header == [""]:
        return None
    columns = header_columns(path, header, fields, role, mapping, header_row)
    if any(isinstance(index, tuple) for index in columns.values()):
        return None  # a field of several columns: CsvRows joins them
    single = {name: index for name, index in columns.items() if isinstance(index, int)}
    body_starts, body_stops = starts[head + 1 :], stops[head + 1 :]
    nonempty = body_stops > body_starts
    # A row of another width, or a blank line of spaces, Arrow refuses (then CsvRows decides).
    if len(body_starts) and int(np.max(body_stops - body_starts)) > MAX_CELL:
        return None  # a line that may hold a cell over the limit, in any column: CsvRows decides
    lines = (np.flatnonzero(nonempty) + header_row + 1).astype(np.int64)
    # the body as a view of the file's bytes, not a copy (400 MB at a million firms)
    body = memoryview(data)[int(starts[head + 1]) :] if head + 1 < len(starts) else b""
    names = [f"c{i}" for i in range(len(header))]
    mapped = [names[index] for index in sorted(set(single.values()))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(quote_char=False, escape_char=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=mapped,
                column_types=dict.fromkeys(mapped, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None  # not UTF-8, for one: CsvRows names the line
    if table.num_rows != len(lines):
        return None
    # No cell of a file of ASCII text without a space, tab or other blank needs trimming.
    spaced = not data.isascii() or any(blank in data for blank in _ASCII_BLANKS)
    # Each column made one array and dropped from the table at once: its chunks are freed before
    # the next is copied (at a million firms' relations, 330 MB less at the read's peak).
    combined = {}
    for column in dict.fromkeys(names[index] for index in single.values()):
        combined[column] = table.column(column).combine_chunks()
        table = table.remove_column(table.schema.get_field_index(column))
    del table
    values = {name: _arrow_cells(name, combined[names[index]], spaced=spaced) for name, index in single.items()}
    del combined
    empty_mapped = _all_empty(list(values.values()), len(lines))
    # A row with every cell blank is skipped uncounted, as CsvRows skips it; only rows whose mapped
    # cells are empty can be, so only they are looked at whole.
    line_starts, line_stops = body_starts[nonempty], body_stops[nonempty]
    blank = np.zeros(len(lines), dtype=bool)
    for row in np.flatnonzero(empty_mapped).tolist():
        text = data[line_starts[row] : line_stops[row]].decode("utf-8", errors="replace")
        blank[row] = not any(cell.strip() for cell in text.split(","))
    skipped = int(np.count_nonzero(empty_mapped & ~blank))
    keep = ~empty_mapped
    if not keep.all():
        mask = pa.array(keep)
        values = {name: cells.filter(mask) for name, cells in values.items()}
        lines = lines[keep]
    return SheetColumns(path, _share_empty_columns(values), lines, skipped, parquet=False)


def _positions_of(raw: np.ndarray, byte: int, block: int = 1 << 24) -> np.ndarray:
    """Where ``byte`` occurs in ``raw``, a block at a time: a mask of the whole file was a byte
    per byte of it held at once (39 MB for a sheet of 100k firms' relations)."""
    found = [np.flatnonzero(raw[start : start + block] == byte) + start for start in range(0, len(raw), block)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _arrow_cells(name: str, cells: pa.StringArray, *, spaced: bool = True) -> pa.StringArray:
    """Cells as :func:`_cell` reads them: trimmed (a name kept as written unless it is blank),
    and a spreadsheet-formula escape undone (:func:`~chaingraph.interchange.tabular.unneutralise_cell`)."""
    import pyarrow.compute as pc

    # Each step only where some cell needs it: a million firms' ids are 3.6 million cells a column.
    if spaced and (
        pc.any(pc.match_substring_regex(cells, _LEADING_WHITESPACE)).as_py()
        or pc.any(pc.match_substring_regex(cells, _TRAILING_WHITESPACE)).as_py()
    ):
        trimmed = pc.utf8_trim(cells, characters=_PYTHON_WHITESPACE)
        text = pc.if_else(pc.equal(trimmed, ""), trimmed, cells) if name in NAME_FIELDS else trimmed
    else:
        text = cells
    if not pc.any(pc.starts_with(text, "'")).as_py():
        return text
    escaped = pc.match_substring_regex(text, r"^'+[=+\-@\t\r]")
    return pc.if_else(escaped, pc.utf8_slice_codeunits(text, 1), text)


def _all_empty(columns: list, rows: int) -> np.ndarray:
    import pyarrow.compute as pc

    empty = np.ones(rows, dtype=bool)
    for cells in columns:
        empty &= pc.equal(cells, "").to_numpy(zero_copy_only=False)
    return empty


def _read_parquet(path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str]) -> SheetColumns:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if path.is_dir() and not _holds_parquet(path):
        tables = [path / f"{kind}.parquet" for kind in ("relations", "firms") if (path / f"{kind}.parquet").exists()]
        if tables:  # the folder synth and export write: the tables are one level down
            given = " ".join(f"--{table.stem} {table}" for table in tables)
            raise InputError(f"{path}: a folder of tables, not one table: give them as {given}")
        raise InputError(f"{path}: a folder with no Parquet files (give a sheet, or a folder of .parquet files)")

    def failed(exc: Exception) -> InputError:
        if isinstance(exc, FileNotFoundError):
            return InputError(f"{path}: no such file")
        return InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})")

    try:
        schema = pq.read_schema(path) if path.is_file() else pq.ParquetDataset(path).schema
    except (pa.ArrowException, OSError) as exc:
        raise failed(exc) from None
    columns = header_columns(path, list(schema.names), fields, role, mapping)
    read = sorted({i for index in columns.values() for i in (index if isinstance(index, tuple) else (index,))})
    rows = 0
    texts: dict[int, pa.StringArray] = {}
    for i in read:
        # A column at a time, made text and its chunks freed before the next is read: the table
        # whole beside its text was twice a relations table (2.6 GB at 2M firms' 7M relations).
        try:
            column = pq.read_table(path, columns=[schema.names[i]]).column(0)
        except (pa.ArrowException, OSError) as exc:
            raise failed(exc) from None
        rows = len(column)
        try:
            texts[i] = pc.cast(column, pa.string()).combine_chunks().fill_null("")
        except pa.ArrowException:
            raise InputError(f"{path}: column {schema.names[i]!r} cannot be read as text") from None
        del column
        texts = _share_empty_columns(texts)  # each empty column freed as soon as it is read
    values: dict[str, pa.StringArray] = {}
    for name, index in columns.items():
        if isinstance(index, tuple):
            parts = [_arrow_cells(name, texts[i]).to_pylist() for i in index]
            values[name] = pa.array([joined_cells(list(cells)) for cells in zip(*parts, strict=True)], pa.string())
        else:
            values[name] = _arrow_cells(name, texts[index])
    keep = ~_all_empty(list(values.values()), rows)
    lines = np.flatnonzero(keep).astype(np.int64) + 1
    if not keep.all():
        mask = pa.array(keep)
        values = {name: cells.filter(mask) for name, cells in values.items()}
    return SheetColumns(path, _share_empty_columns(values), lines, rows - len(lines), parquet=True)


def _holds_parquet(folder: Path, depth: int = 0) -> bool:
    """Whether a folder is a Parquet dataset: ``.parquet`` files in it or in its ``key=value``
    partition folders, looked at without crawling anything else (``/usr`` is refused at once)."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_file() and entry.name.lower().endswith(PARQUET_SUFFIXES):
                    return True
                if depth < 8 and "=" in entry.name and entry.is_dir() and _holds_parquet(Path(entry.path), depth + 1):
                    return True
    except OSError:
        return False
    return False
