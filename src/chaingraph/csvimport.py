"""Old home of the spreadsheet import, kept for one release: use :mod:`chaingraph.interchange.csv_import`."""

from __future__ import annotations

from .interchange.csv_import import ImportResult, import_csv, parse_mapping

__all__ = ["ImportResult", "import_csv", "parse_mapping"]
