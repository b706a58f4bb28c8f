"""Workbooks as sheets: ``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls`` and ``.ods`` read by calamine
(Rust, through ``python-calamine``), each cell as the text a reader sees.

Published workbooks are made for reading: title rows and a paragraph above the header, an empty
first column, several sheets. So a sheet is chosen by name or number (``--sheet``; else a sheet
named after the role, ``relations`` or ``firms``, else the first visible one), and its header is
the first row, among the first :data:`HEADER_SEARCH_ROWS`, that holds the columns the role
requires (``--header-row`` still names it). A cell's text:

- a number as Excel shows it without grouping: ``2709`` (not ``2709.0``), ``1.5``; a whole number
  under a zero-padded format (``000000``, as stock codes are kept) with its zeros, ``002709``;
- a date as ISO ``2021-03-01`` (a time of day only when it has one), a formula's cached value, a
  boolean as ``TRUE``/``FALSE``;
- an error cell (``#N/A``, ``#DIV/0!``) in a column the layout reads is refused, naming the cell,
  as is a merged range across the rows or columns the layout reads (its value would belong to one
  of its cells only).

The zero-padded formats and the error cells are read from the ``.xlsx``/``.xlsm`` file's XML
(calamine gives neither); in the older formats such a cell reads as its number or as empty.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from xml.etree import ElementTree

from ..errors import InputError, first_line
from .cells import column_name

__all__ = ["HEADER_SEARCH_ROWS", "WORKBOOK_SUFFIXES", "Workbook", "is_workbook", "read_workbook", "sheet_of"]

#: File endings read as workbooks.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: How far down a sheet its header is looked for (title rows and a paragraph sit above it).
HEADER_SEARCH_ROWS = 100

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>(.*?)</c>)", re.DOTALL)
_REFERENCE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ZERO_PADDED = re.compile(r"^0{2,}$")


def is_workbook(path: PurePath) -> bool:
    """Whether ``path`` is read as a workbook (by its ending; ``book.xlsx[2023]`` names one too)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES or _SHEET_IN_PATH.match(path.name) is not None


_SHEET_IN_PATH = re.compile(
    r"^(?P<file>.+(?:" + "|".join(re.escape(suffix) for suffix in WORKBOOK_SUFFIXES) + r"))\[(?P<sheet>[^\[\]]+)\]$",
    re.IGNORECASE,
)


def sheet_of(path: Path, sheet: str | None = None) -> tuple[Path, str | None]:
    """The workbook and sheet a path names: ``book.xlsx[2023]`` is sheet 2023 of ``book.xlsx``
    (which wins over ``sheet``, the ``--sheet`` given for every file), unless a file of that very
    name exists; any other path is itself, read with ``sheet``.

    >>> sheet_of(Path("book.xlsx[2023]"))
    (PosixPath('book.xlsx'), '2023')
    >>> sheet_of(Path("rel.csv"), "2023")
    (PosixPath('rel.csv'), '2023')
    """
    match = _SHEET_IN_PATH.match(path.name)
    if match is None or path.exists():
        return path, sheet
    return path.with_name(match["file"]), match["sheet"]


@dataclass
class Workbook:
    """One sheet of a workbook as text: ``rows[i]`` is the sheet's row ``i + 1`` (Excel's numbering),
    ``shown`` how messages name it (``book.xlsx[Sheet]``)."""

    path: Path
    sheet: str
    rows: list[list[str]]
    #: Merged ranges as (top, left, bottom, right), 0-based and inclusive.
    merged: list[tuple[int, int, int, int]]
    #: Error cells (``#N/A``) by (0-based row, column); read from ``.xlsx`` and ``.xlsm`` only.
    errors: dict[tuple[int, int], str]

    @property
    def shown(self) -> Path:
        return Path(f"{self.path}[{self.sheet}]")

    def header(self, required: Sequence[str], mapping: Mapping[str, str], header_row: int | None) -> int:
        """The row number of the header: ``header_row`` when given, else the first row that holds
        every required column (by ``mapping``); a one-line error when there is none."""
        if header_row is not None:
            if header_row > len(self.rows):
                raise InputError(f"{self.shown}: --header-row {header_row}: the sheet has {len(self.rows)} rows")
            return header_row
        wanted = {column_name(mapping, name) for name in required}
        for number, row in enumerate(self.rows[:HEADER_SEARCH_ROWS], 1):
            if wanted <= {cell.strip() for cell in row}:
                return number
        shown = ", ".join(sorted(wanted))
        raise InputError(
            f"{self.shown}: no header row with the columns {shown} in its first {HEADER_SEARCH_ROWS} rows; "
            "name them with --map FIELD=COLUMN, or the header's row with --header-row"
        )

    def check_errors(self, line: int, columns: Mapping[str, int | tuple[int, ...]], mapping: Mapping[str, str]) -> None:
        """Refuse an error cell (``#N/A``) on row ``line`` in a column the layout reads."""
        for name, indices in columns.items():
            for index in _indices(indices):
                error = self.errors.get((line - 1, index))
                if error is not None:
                    raise InputError(
                        f"{self.shown}:{line}: cell {_letters(index)}{line} is the error {error} "
                        f"(column {column_name(mapping, name)!r}); correct or clear it in the workbook"
                    )

    def check_merged(self, header: int, columns: Mapping[str, int | tuple[int, ...]]) -> None:
        """Refuse a merged range that covers the header or data rows in a column the layout reads."""
        flat = [(name, index) for name, indices in columns.items() for index in _indices(indices)]
        read = {index for _, index in flat}
        for top, left, bottom, right in self.merged:
            if bottom + 1 < header or not read.intersection(range(left, right + 1)):
                continue
            names = ", ".join(dict.fromkeys(name for name, index in flat if left <= index <= right))
            cells = f"{_letters(left)}{top + 1}:{_letters(right)}{bottom + 1}"
            raise InputError(
                f"{self.shown}: cells {cells} are merged across what the layout reads ({names}); "
                "unmerge them so that each row holds its own value"
            )


def read_workbook(path: Path, sheet: str | None, role: str) -> Workbook:
    """The chosen sheet of a workbook, every cell as text (see the module's rules)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (CalamineError, OSError, ValueError) as exc:
        reason = first_line(exc, 160)
        raise InputError(f"{path}: not a readable workbook ({reason})") from None
    name = _chosen_sheet(path, book, sheet, role)
    try:
        found = book.get_sheet_by_name(name)
        values = found.to_python(skip_empty_area=False)
        merged = [(top, left, bottom, right) for (top, left), (bottom, right) in found.merged_cell_ranges or ()]
    except (CalamineError, OSError, ValueError) as exc:
        reason = first_line(exc, 160)
        raise InputError(f"{path}[{name}]: not readable ({reason})") from None
    padded, errors = _xlsx_cells(path, name) if path.suffix.lower() in (".xlsx", ".xlsm") else ({}, {})
    rows = [[_text(value) for value in row] for row in values]
    for (row, column), width in padded.items():
        if row < len(rows) and column < len(rows[row]) and rows[row][column].isdigit():
            rows[row][column] = rows[row][column].zfill(width)
    return Workbook(path, name, rows, merged, errors)


def _chosen_sheet(path: Path, book, sheet: str | None, role: str) -> str:
    names = list(book.sheet_names)
    if sheet is not None:
        if sheet in names:
            return sheet
        if sheet.isdigit() and 1 <= int(sheet) <= len(names):
            return names[int(sheet) - 1]
        listed = ", ".join(repr(name) for name in names)
        raise InputError(f"{path}: no sheet {sheet!r} (--sheet takes a name or a number from 1; sheets: {listed})")
    by_role = [name for name in names if name.strip().lower() == role]
    if by_role:
        return by_role[0]
    visible = [
        meta.name
        for meta in book.sheets_metadata
        if "WorkSheet" in str(meta.typ) and "Visible" in str(meta.visible) and "Hidden" not in str(meta.visible)
    ]
    if not (visible or names):
        raise InputError(f"{path}: the workbook has no sheets")
    return (visible or names)[0]


def _text(value: object) -> str:
    """A cell's value as the text a reader sees (numbers without ``.0``, dates in ISO)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return "" if value is None else str(value)


def _indices(columns: int | tuple[int, ...]) -> tuple[int, ...]:
    return columns if isinstance(columns, tuple) else (columns,)


def _letters(column: int) -> str:
    """Excel's column letters of a 0-based column: 0 -> A, 27 -> AB."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number - 1


def _xlsx_cells(path: Path, sheet: str) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], str]]:
    """What calamine does not give from an ``.xlsx``: the width of each whole-number cell under a
    zero-padded format (``000000``), and each error cell's text, by (0-based row, column)."""
    padded: dict[tuple[int, int], int] = {}
    errors: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            widths = _zero_padded_styles(archive)
            if part is None:
                return padded, errors
            data = archive.read(part)
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return padded, errors  # calamine read it; the extras are only lost
    if not widths and b't="e"' not in data:
        return padded, errors
    for match in _CELL.finditer(data):
        attributes = match.group(1)
        reference = _REFERENCE.search(attributes)
        if reference is None:
            continue
        where = (int(reference.group(2)) - 1, _column(reference.group(1)))
        if _ERROR_TYPE.search(attributes):
            value = _VALUE.search(match.group(3) or b"")
            errors[where] = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
            continue
        style = _STYLE.search(attributes)
        if style is not None and int(style.group(1)) in widths:
            padded[where] = widths[int(style.group(1))]
    return padded, errors


def _parsed(data: bytes) -> ElementTree.Element:
    """A workbook's own small XML part; one with a document type (where entity attacks live; Excel
    never writes one) is refused, as the RDF/XML reader refuses them."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ElementTree.ParseError("a document type in a workbook part")
    return ElementTree.fromstring(data)  # noqa: S314 (no document type, so no entities to expand)


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of the sheet named ``sheet`` (by the workbook's relationships)."""
    workbook = _parsed(archive.read("xl/workbook.xml"))
    relations = _parsed(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {item.get("Id"): item.get("Target", "") for item in relations}
    for item in workbook.iter(f"{_MAIN}sheet"):
        if item.get("name") == sheet:
            target = targets.get(item.get(_RELATIONSHIP))
            if not target:
                return None
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return None


def _zero_padded_styles(archive: zipfile.ZipFile) -> dict[int, int]:
    """Cell style index -> digits, for the styles whose number format is zeros only (``000000``)."""
    try:
        styles = _parsed(archive.read("xl/styles.xml"))
    except KeyError:
        return {}
    formats = {
        int(item.get("numFmtId", "-1")): len(code)
        for item in styles.iter(f"{_MAIN}numFmt")
        if _ZERO_PADDED.match(code := item.get("formatCode", "").replace('"', "").replace("\\", ""))
    }
    if not formats:
        return {}
    cell_formats = styles.find(f"{_MAIN}cellXfs")
    if cell_formats is None:
        return {}
    return {
        index: formats[int(item.get("numFmtId", "-1"))]
        for index, item in enumerate(cell_formats)
        if int(item.get("numFmtId", "-1")) in formats
    }
