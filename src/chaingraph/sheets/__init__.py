"""Sheets on the ground floor: the import layout (:mod:`.layout`; CSV, Parquet and workbooks,
:mod:`.workbook`), its cell rules (:mod:`.cells`), the period rule (:mod:`.dates`) and how ids and
names become IRIs (:mod:`.naming`).

Every path that reads a user's sheet (``chaingraph import``, the tables reader, Spark's readers)
imports these rules from here, so they give the same nodes and edges; nothing here queries a
store (the graph's names come in as rows, :func:`chaingraph.queries.context.import_context`).
"""

from .cells import (
    EVIDENCE_CELLS,
    FORMULA_PREFIXES,
    KIND_CLASSES,
    JoinedColumns,
    check_period,
    column_name,
    evidence_cell,
    file_source,
    inference_reason,
    is_iri,
    kind_cell,
    mint,
    mint_iri,
    neutralise_cell,
    period_cell,
    period_text,
    self_loop_note,
    unneutralise_cell,
)
from .columns import PARQUET_SUFFIXES, SheetColumns, read_sheet
from .layout import (
    FIRM_FIELDS,
    NAME_FIELDS,
    RELATION_DETAIL_FIELDS,
    RELATION_FIELDS,
    REQUIRED,
    STAGE_VOCABULARY_FIELDS,
    CsvRows,
    WorkbookRows,
    parse_mapping,
    sheet_digest,
    sheet_rows,
)
from .naming import (
    RESOLUTIONS,
    ImportContext,
    Naming,
    unplaced_note,
    vocabulary_entries,
)
from .places import NewPlace, Place, created_place_names, place_named, place_names
from .workbook import WORKBOOK_SUFFIXES, is_workbook

__all__ = [
    "EVIDENCE_CELLS",
    "FIRM_FIELDS",
    "FORMULA_PREFIXES",
    "KIND_CLASSES",
    "NAME_FIELDS",
    "PARQUET_SUFFIXES",
    "RELATION_DETAIL_FIELDS",
    "RELATION_FIELDS",
    "REQUIRED",
    "RESOLUTIONS",
    "STAGE_VOCABULARY_FIELDS",
    "WORKBOOK_SUFFIXES",
    "CsvRows",
    "ImportContext",
    "JoinedColumns",
    "Naming",
    "NewPlace",
    "Place",
    "SheetColumns",
    "WorkbookRows",
    "check_period",
    "column_name",
    "created_place_names",
    "evidence_cell",
    "file_source",
    "inference_reason",
    "is_iri",
    "is_workbook",
    "kind_cell",
    "mint",
    "mint_iri",
    "neutralise_cell",
    "parse_mapping",
    "period_cell",
    "period_text",
    "place_named",
    "place_names",
    "read_sheet",
    "self_loop_note",
    "sheet_digest",
    "sheet_rows",
    "unneutralise_cell",
    "unplaced_note",
    "vocabulary_entries",
]
