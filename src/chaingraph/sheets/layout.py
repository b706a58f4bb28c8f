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
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

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
    "RELATION_DETAIL_FIELDS",
    "RELATION_FIELDS",
    "REQUIRED",
    "STAGE_VOCABULARY_FIELDS",
    "CsvRows",
    "WorkbookRows",
    "header_columns",
    "parse_mapping",
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
                    columns = header_columns(path, header, self.fields, self.role, self.mapping, line)
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
        columns = header_columns(book.shown, header, self.fields, self.role, self.mapping, header_line)
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


def header_columns(
    path: Path,
    header: list[str],
    fields: tuple[str, ...],
    role: str,
    mapping: Mapping[str, str],
    header_line: int = 1,
) -> dict[str, int | tuple[int, ...]]:
    """Where each field of ``fields`` is in ``header`` (a position, or several joined by ``--map``),
    with a one-line error naming ``path`` for a header that cannot be read as the layout's."""
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
