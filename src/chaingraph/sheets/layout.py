"""A sheet in chaingraph's import layout: its fields, and how its rows are read (CSV a row at a
time or by Arrow, Parquet by columns), with errors naming file, line and column. Ground floor:
``chaingraph import`` (:mod:`chaingraph.interchange.csv_import`) writes RDF from these rows, and the
tables reader (:mod:`chaingraph.projection.tables`) and Spark's readers put the same rows into
columns.

Layouts (CSV in UTF-8, with or without a byte-order mark; header on ``header_row``; or Parquet):

- relations: ``supplier, client, supplies, start, end, source, evidence``, and the quantities
  ``value, currency, volume, unit, client_share, supplier_share``
  (:mod:`chaingraph.sheets.quantities`); ``supplier`` and ``client`` required;
- firms: ``id, name_en, name_zh, identifier, located_in, address, chain, stage, kind``; ``id``
  required;
- stages (a product vocabulary, ``--stages``): ``product, stage, essential_for``: ``stage`` required,
  and on each row a ``product`` sold at it or the stages it is an essential input of, or both.

``mapping`` names the column that holds a field when a sheet uses other names
(``{"supplier": "Vendor"}``). Rows where every mapped field is empty are skipped (so one flattened
file can hold relation rows and firm rows).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa

from .._runtime.fileio import open_input
from ..errors import InputError
from .cells import JoinedColumns, column_name, joined_cells, unneutralise_cell
from .quantities import QUANTITY_FIELDS
from .workbook import Workbook, is_workbook, read_workbook, sheet_of

__all__ = [
    "FIRM_FIELDS",
    "MAX_CELL",
    "MAX_LINE",
    "NAME_FIELDS",
    "PARQUET_SUFFIXES",
    "RELATION_DETAIL_FIELDS",
    "RELATION_FIELDS",
    "REQUIRED",
    "STAGE_VOCABULARY_FIELDS",
    "CsvRows",
    "SheetColumns",
    "WorkbookRows",
    "parse_mapping",
    "read_sheet",
    "sheet_digest",
    "sheet_rows",
]

RELATION_FIELDS = ("supplier", "client", "supplies", "start", "end", "source", "evidence", *QUANTITY_FIELDS)
#: The cells that qualify a relation: a row whose evidence is ``unspecified`` (a plain edge) has none.
RELATION_DETAIL_FIELDS = ("supplies", "start", "end", "source", *QUANTITY_FIELDS)
FIRM_FIELDS = ("id", "name_en", "name_zh", "identifier", "located_in", "address", "chain", "stage", "kind")
#: A stages sheet: what is bought and sold at a stage (``product``), and the stages the row's stage
#: is an essential input of (``essential_for``, names or IRIs separated by ``;``); a row has either.
STAGE_VOCABULARY_FIELDS = ("product", "stage", "essential_for")
REQUIRED = {"relations": ("supplier", "client"), "firms": ("id",), "stages": ("stage",)}


def parse_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["supplier=Vendor"]`` -> ``{"supplier": "Vendor"}``, checking the field names. A field
    given several columns reads them joined (:class:`~chaingraph.sheets.cells.JoinedColumns`)."""
    known = RELATION_FIELDS + FIRM_FIELDS
    given: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not column:
            raise InputError(f"--map {pair!r}: expected FIELD=COLUMN")
        if name not in known:
            raise InputError(f"--map {pair!r}: unknown field {name!r} (fields: {', '.join(known)})")
        given.setdefault(name, []).append(column)
    # Two fields of one sheet read from one column would, for supplier and client, import every row
    # as a self-loop. A relations field and a firms field may share one (one sheet given as both:
    # --map supplier=Vendor --map id=Vendor places each vendor by its row's address).
    for layout in (RELATION_FIELDS, FIRM_FIELDS):
        fields_by_column: dict[str, list[str]] = {}
        for name, columns in given.items():
            if name in layout:
                for column in dict.fromkeys(columns):
                    fields_by_column.setdefault(column, []).append(name)
        for column, names in fields_by_column.items():
            if len(names) > 1:
                raise InputError(f"--map: {' and '.join(names)} both read column {column!r}; give each its own column")
    mapping = {
        name: columns[0] if len(columns) == 1 else JoinedColumns(tuple(columns)) for name, columns in given.items()
    }
    # Mapped onto the other end's own column (--map supplier=client) does the same.
    if column_name(mapping, "supplier") == column_name(mapping, "client"):
        column = column_name(mapping, "supplier")
        raise InputError(f"--map: supplier and client both read column {column!r}; give each its own column")
    return mapping


class _Rows:
    """What the two row readers share: the sheet, how it is read, and the rows skipped as empty."""

    def __init__(
        self,
        path: Path,
        fields: tuple[str, ...],
        role: str,
        mapping: Mapping[str, str],
        header_row: int | None,
        sheet: str | None = None,
    ) -> None:
        self.path = path
        self.fields = fields
        self.role = role
        self.mapping = mapping
        self.header_row = header_row
        self.sheet = sheet
        self.skipped = 0

    def digest(self) -> str:
        """A digest of the file's bytes and of how they are read (see :func:`sheet_digest`)."""
        return sheet_digest(self.path, self.mapping, self.header_row, self.sheet)

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def _values(self, record: list[str], columns: Mapping[str, int | tuple[int, ...]]) -> dict[str, str] | None:
        """A record's fields, or ``None`` when every mapped one is empty (the row is skipped, counted)."""
        values = {name: _field(name, record, index) for name, index in columns.items()}
        if not any(values.values()):
            self.skipped += 1
            return None
        return values


class CsvRows(_Rows):
    """The rows of a CSV file as ``(line, {field: value})``, read as a stream, with errors that
    name file, line and column.

    ``line`` is where a record starts (a quoted cell may span lines). After iterating,
    ``skipped`` is the number of rows skipped because every mapped field was empty; while
    iterating, :meth:`position` tells how far into the file the reader is.
    """

    def __init__(
        self, path: Path, fields: tuple[str, ...], role: str, mapping: Mapping[str, str], header_row: int | None = None
    ) -> None:
        super().__init__(path, fields, role, mapping, header_row)
        self.header_line = header_row or 1
        #: How messages name the sheet (a workbook's adds its sheet: ``book.xlsx[Sheet1]``).
        self.shown = path
        self._binary: IO[bytes] | None = None

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        self.skipped = 0
        with open_input(self.path) as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                yield from self._rows(csv.reader(_bounded_lines(self.path, text), strict=True))
            except UnicodeDecodeError:
                line = _first_undecodable_line(self.path)
                raise InputError(f"{self.path}:{line}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
            finally:
                text.detach()
                self._binary = None

    def _rows(self, reader) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.path
        header: list[str] | None = None
        columns: dict[str, int | tuple[int, ...]] = {}
        try:
            for line, record in _records_with_first_line(reader):
                if header is None:
                    if line < self.header_line:
                        continue
                    header = [cell.strip() for cell in record]
                    columns = _columns(path, header, self.fields, self.role, self.mapping, line)
                    continue
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    raise InputError(f"{path}:{line}: {len(record)} fields, but the header has {len(header)}")
                values = self._values(record, columns)
                if values is not None:
                    yield line, values
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: {exc}") from None
        if header is None:
            raise InputError(f"{path}: no header row (expected on line {self.header_line})")

    def position(self) -> int:
        """Bytes of the file read so far (by whole buffers: enough for a progress bar)."""
        return self._binary.tell() if self._binary is not None else 0


class WorkbookRows(_Rows):
    """The rows of one sheet of a workbook as ``(row, {field: value})``, as :class:`CsvRows` gives a
    CSV file's (the same cell rules; ``row`` is Excel's row number); see
    :mod:`chaingraph.sheets.workbook` for how the sheet and its header are found."""

    def __init__(
        self,
        path: Path,
        fields: tuple[str, ...],
        role: str,
        mapping: Mapping[str, str],
        header_row: int | None = None,
        sheet: str | None = None,
    ) -> None:
        super().__init__(path, fields, role, mapping, header_row, sheet)
        self._book: Workbook | None = None
        self._read = 0

    @property
    def book(self) -> Workbook:
        if self._book is None:
            self._book = read_workbook(self.path, self.sheet, self.role)
        return self._book

    @property
    def shown(self) -> Path:
        return self.book.shown

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        book = self.book
        self.skipped = 0
        header_line = book.header(REQUIRED[self.role], self.mapping, self.header_row)
        header = [cell.strip() for cell in book.rows[header_line - 1]]
        columns = _columns(book.shown, header, self.fields, self.role, self.mapping, header_line)
        book.check_merged(header_line, columns)
        rows = book.rows
        for index in range(header_line, len(rows)):
            record = rows[index]
            self._read = index
            if not any(cell.strip() for cell in record):
                continue
            line = index + 1
            if book.errors:
                book.check_errors(line, columns, self.mapping)
            values = self._values(record, columns)
            if values is not None:
                yield line, values
        self._read = len(rows)

    def position(self) -> int:
        """How far into the file the rows read are, in proportion (for a progress bar)."""
        rows = len(self.book.rows) or 1
        return self.size() * self._read // rows


def sheet_rows(
    path: Path,
    fields: tuple[str, ...],
    role: str,
    mapping: Mapping[str, str],
    header_row: int | None = None,
    sheet: str | None = None,
) -> CsvRows | WorkbookRows:
    """A sheet's rows one at a time: a workbook's (by its ending) or a CSV file's."""
    path, sheet = sheet_of(path, sheet)
    if is_workbook(path):
        return WorkbookRows(path, fields, role, mapping, header_row, sheet)
    return CsvRows(path, fields, role, mapping, header_row)


#: Columns whose text is a name, kept exactly as written (its spaces too): an export imported again
#: gives the same labels. Every other cell is an identifier or a code, read without spaces around it.
NAME_FIELDS = frozenset({"name_en", "name_zh"})


def _cell(name: str, text: str) -> str:
    stripped = text.strip()
    return unneutralise_cell(text if name in NAME_FIELDS and stripped else stripped)


def _field(name: str, record: list[str], index: int | tuple[int, ...]) -> str:
    """A field's cell of a record, or its cells joined when it reads several columns."""
    if isinstance(index, tuple):
        return joined_cells([_cell(name, record[i]) for i in index])
    return _cell(name, record[index])


def _first_undecodable_line(path: Path) -> int:
    """The line of the first byte that is not UTF-8 (called once decoding has failed; a UTF-8
    sequence never holds a newline byte, so lines can be decoded one by one)."""
    with open_input(path) as handle:
        for line, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return line
    return 1


#: The longest cell a sheet may hold, on every path: the csv module's own field limit, which the
#: record-by-record reader applies, so the Arrow path refuses what it refuses.
MAX_CELL = 131_072
#: The longest line read: a file with no line breaks (``/dev/zero``, a binary) is refused here
#: instead of being read into memory whole.
MAX_LINE = 64 << 20


def _bounded_lines(path: Path, text: IO[str]) -> Iterator[str]:
    line = 0
    while True:
        chunk = text.readline(MAX_LINE + 1)
        if not chunk:
            return
        line += 1
        if len(chunk) > MAX_LINE:
            raise InputError(f"{path}:{line}: a line longer than {MAX_LINE:,} characters: not a sheet")
        yield chunk


def _records_with_first_line(reader) -> Iterator[tuple[int, list[str]]]:
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _columns(
    path: Path,
    header: list[str],
    fields: tuple[str, ...],
    role: str,
    mapping: Mapping[str, str],
    header_line: int = 1,
) -> dict[str, int | tuple[int, ...]]:
    if any("\x00" in cell for cell in header):
        # UTF-16 without a byte-order mark reads as UTF-8 with a NUL before or after every letter.
        raise InputError(
            f"{path}:{header_line}: the header holds NUL characters: the file looks like UTF-16; save it as UTF-8"
        )
    duplicates = [name for name, count in Counter(header).items() if count > 1 and name]
    columns: dict[str, int | tuple[int, ...]] = {}
    for name in fields:
        mapped = mapping.get(name, name)
        parts = mapped.columns if isinstance(mapped, JoinedColumns) else (mapped,)
        found = []
        for column in parts:
            if column in header:
                if column in duplicates:
                    raise InputError(f"{path}:{header_line}: column {column!r} appears twice in the header")
                found.append(header.index(column))
            elif name in mapping:
                raise InputError(f"{path}: --map {name}={column}: no such column (columns: {', '.join(header)})")
        if found:
            columns[name] = tuple(found) if isinstance(mapped, JoinedColumns) else found[0]
    for name in REQUIRED[role]:
        if name not in columns:
            shown = ", ".join(header) if len(", ".join(header)) < 200 else ", ".join(header)[:200] + "..."
            raise InputError(
                f"{path}: missing column {name!r} in the {role} header (columns: {shown}); "
                f"name it with --map {name}=COLUMN"
            )
    return columns


#: File names read as Parquet (a folder is read as a Parquet dataset, as Spark writes one).
PARQUET_SUFFIXES = (".parquet", ".pq")


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
        return found if found is not None else pa.array([""] * len(self.lines), pa.string())

    def where(self, row: int) -> str:
        """``file:line`` of a row, for messages (``file: row N`` in Parquet)."""
        return f"{self.path}: row {self.lines[row]}" if self.parquet else f"{self.path}:{self.lines[row]}"


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
    values = {name: pa.array(found, pa.string()) for name, found in cells.items()}
    return SheetColumns(rows.shown, values, np.array(lines, dtype=np.int64), rows.skipped, parquet=False)


#: What ``str.strip()`` removes: a cell read by Arrow is trimmed of exactly these, as CsvRows trims.
#: Written out: working it out over every code point took 0.3 s of every command's start.
_PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


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
    if not data or b'"' in data or b"\x00" in data or b"\r" in data.replace(b"\r\n", b""):
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
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
    columns = _columns(path, header, fields, role, mapping, header_row)
    if any(isinstance(index, tuple) for index in columns.values()):
        return None  # a field of several columns: CsvRows joins them
    single = {name: index for name, index in columns.items() if isinstance(index, int)}
    body_starts, body_stops = starts[head + 1 :], stops[head + 1 :]
    nonempty = body_stops > body_starts
    commas = np.flatnonzero(raw == ord(","))
    per_line = np.searchsorted(commas, body_stops) - np.searchsorted(commas, body_starts)
    if np.any(per_line[nonempty] != len(header) - 1):
        return None  # a row of another width, or a blank line of spaces: CsvRows decides
    if len(body_starts) and int(np.max(body_stops - body_starts)) > MAX_CELL:
        return None  # a line that may hold a cell over the limit, in any column: CsvRows decides
    lines = (np.flatnonzero(nonempty) + header_row + 1).astype(np.int64)
    body = data[starts[head + 1] :] if head + 1 < len(starts) else b""
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
    values = {name: _arrow_cells(name, table.column(names[index]).combine_chunks()) for name, index in single.items()}
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
    return SheetColumns(path, values, lines, skipped, parquet=False)


def _arrow_cells(name: str, cells: pa.StringArray) -> pa.StringArray:
    """Cells as :func:`_cell` reads them: trimmed (a name kept as written unless it is blank),
    and a spreadsheet-formula escape undone (:func:`~chaingraph.interchange.tabular.unneutralise_cell`)."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(cells, characters=_PYTHON_WHITESPACE)
    text = pc.if_else(pc.equal(trimmed, ""), trimmed, cells) if name in NAME_FIELDS else trimmed
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
    try:
        schema = pq.read_schema(path) if path.is_file() else pq.ParquetDataset(path).schema
        columns = _columns(path, list(schema.names), fields, role, mapping)
        read = sorted({i for index in columns.values() for i in (index if isinstance(index, tuple) else (index,))})
        table = pq.read_table(path, columns=[schema.names[i] for i in read])
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    texts: dict[int, pa.StringArray] = {}
    for i, column in zip(read, table.columns, strict=True):
        try:
            texts[i] = pc.cast(column, pa.string()).combine_chunks().fill_null("")
        except pa.ArrowException:
            raise InputError(f"{path}: column {schema.names[i]!r} cannot be read as text") from None
    values: dict[str, pa.StringArray] = {}
    for name, index in columns.items():
        if isinstance(index, tuple):
            parts = [_arrow_cells(name, texts[i]).to_pylist() for i in index]
            values[name] = pa.array([joined_cells(list(cells)) for cells in zip(*parts, strict=True)], pa.string())
        else:
            values[name] = _arrow_cells(name, texts[index])
    keep = ~_all_empty(list(values.values()), table.num_rows)
    lines = np.flatnonzero(keep).astype(np.int64) + 1
    if not keep.all():
        mask = pa.array(keep)
        values = {name: cells.filter(mask) for name, cells in values.items()}
    return SheetColumns(path, values, lines, table.num_rows - len(lines), parquet=True)


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


def sheet_digest(
    path: Path, mapping: Mapping[str, str], header_row: int | None = None, sheet: str | None = None
) -> str:
    """A digest of a sheet's bytes (every file of a Parquet folder, in name order) and of how they
    are read (the fields' columns, the header line, a workbook's sheet): relations and row sources
    are named after it, so two imports of y2020/rel.csv and y2023/rel.csv never merge and one file
    read twice does."""
    path, sheet = sheet_of(path, sheet)
    how: tuple = (sorted(mapping.items()), header_row or 1)
    if is_workbook(path):
        how = (*how[:1], header_row, sheet)
    digest = hashlib.sha256(repr(how).encode("utf-8"))
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        with open_input(file) as handle:
            for chunk in iter(functools.partial(handle.read, 1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:12]
