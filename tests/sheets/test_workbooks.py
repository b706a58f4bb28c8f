"""Workbooks as people publish them, read as the same data saved as CSV is read (issue 43, item 1).

Each workbook is written here by openpyxl (.xlsx) or xlwt (.xls), beside a CSV file holding what
a reader sees in it; the expected output is the CSV's, read by the CSV reader.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ..conftest import run_process, write_csv

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["supplier", "client", "supplies", "start", "end", "source"]
#: What a reader sees in the published workbook below, row by row.
SEEN = [
    ["Tianjin Cathode Works", "CATL", "LFP cathode", "2021-03-01", "2023", "https://example.org/a"],
    ["Hunan Yuneng", "CATL", "LFP cathode", "2022", "", "https://example.org/b"],
    ["002709", "CATL", "electrolyte", "2020", "", ""],
    ["Xinyu Lithium Salt", "Tianjin Cathode Works", "lithium carbonate", "2022-06", "", ""],
]


def published(path: Path, *, title: str = "Suppliers 2023") -> Path:
    """A workbook as published: a hidden notes sheet first, two title rows (one merged), a blank
    row, an empty first column, a stock code kept under a zero-padded format, an Excel date."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "notes"
    notes["A1"] = "how this list was compiled"
    notes.sheet_state = "hidden"
    sheet = book.create_sheet(title)
    sheet["B1"] = "Suppliers of CATL, as published"
    sheet.merge_cells("B1:G1")
    sheet["B2"] = "Compiled from annual reports; amounts not shown."
    sheet.append([])
    sheet.append([None, *HEADER])
    sheet.append(
        [None, "Tianjin Cathode Works", "CATL", "LFP cathode", dt.date(2021, 3, 1), 2023, "https://example.org/a"]
    )
    sheet.append([None, "Hunan Yuneng", "CATL", "LFP cathode", "2022", None, "https://example.org/b"])
    sheet.append([None, 2709, "CATL", "electrolyte", 2020, None, None])
    sheet.cell(row=7, column=2).number_format = "000000"
    sheet.append([None, "Xinyu Lithium Salt", "Tianjin Cathode Works", "lithium carbonate", "2022-06", None, None])
    book.save(path)
    return path


def output(*args: str) -> str:
    result = run_process(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(*args: str) -> str:
    result = run_process(*args)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr.strip()


def test_a_published_workbook_gives_what_the_same_data_as_csv_gives(tmp_path):
    book = published(tmp_path / "suppliers.xlsx")
    sheet = write_csv(tmp_path / "suppliers.csv", HEADER, SEEN)
    for command in (
        ["stats", "--format", "json"],
        ["impact", "CATL", "--format", "json"],
        ["resolve", "--format", "json"],
    ):
        from_book = output(*command, "--relations", str(book))
        from_csv = output(*command, "--relations", str(sheet))
        assert from_book == from_csv, command
    # The stock code kept its zeros; the Excel date reads as the day it shows.
    names = {
        row["name"] for row in json.loads(output("resolve", "--format", "json", "--relations", str(book)))["names"]
    }
    assert "002709" in names and "2709" not in names


def test_the_import_of_a_workbook_states_what_the_csv_import_states(tmp_path):
    book = published(tmp_path / "suppliers.xlsx")
    sheet = write_csv(tmp_path / "suppliers.csv", HEADER, SEEN)
    from_book = output("import", "--relations", str(book), "--skip-validation")
    from_csv = output("import", "--relations", str(sheet), "--skip-validation")
    # The files' names and digests name the relations; what they state is the same.
    # 002709 is the graph's Tinci by its stock code (kept with its zeros, it is found).
    for text in ("Tianjin Cathode Works", "fj:tinci", '"2021-03-01"', '"2022-06"'):
        assert text in from_book and text in from_csv, text
    assert from_book.count("cg:SupplyRelation") == from_csv.count("cg:SupplyRelation") == 4


def test_a_sheet_is_chosen_by_name_or_number_and_a_wrong_one_lists_the_sheets(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2019"
    first.append(HEADER[:2])
    first.append(["Alpha Cells", "CATL"])
    second = book.create_sheet("2020")
    second.append(HEADER[:2])
    second.append(["Beta Cells", "CATL"])
    path = tmp_path / "lists.xlsx"
    book.save(path)

    def firms(*sheet: str) -> set[str]:
        names = json.loads(output("resolve", "--format", "json", "--relations", str(path), *sheet))["names"]
        return {row["name"] for row in names}

    assert "Alpha Cells" in firms() and "Beta Cells" not in firms()
    assert "Beta Cells" in firms("--sheet", "2020") and "Alpha Cells" not in firms("--sheet", "2020")
    assert "Beta Cells" in firms("--sheet", "2")
    message = refused("stats", "--relations", str(path), "--sheet", "2021")
    assert str(path) in message and "'2019'" in message and "'2020'" in message


def test_relations_and_firms_sheets_of_one_workbook_are_found_by_their_names(tmp_path):
    book = openpyxl.Workbook()
    firms = book.active
    firms.title = "Firms"
    firms.append(["id", "name_en", "located_in"])
    firms.append(["tcw", "Tianjin Cathode Works", "Ningde"])
    relations = book.create_sheet("Relations")
    relations.append(["supplier", "client"])
    relations.append(["tcw", "CATL"])
    path = tmp_path / "mine.xlsx"
    book.save(path)
    firms_csv = write_csv(
        tmp_path / "f.csv", ["id", "name_en", "located_in"], [["tcw", "Tianjin Cathode Works", "Ningde"]]
    )
    relations_csv = write_csv(tmp_path / "r.csv", ["supplier", "client"], [["tcw", "CATL"]])
    from_book = output("stats", "--format", "json", "--relations", str(path), "--firms", str(path))
    from_csv = output("stats", "--format", "json", "--relations", str(relations_csv), "--firms", str(firms_csv))
    assert from_book == from_csv


def test_an_xls_workbook_is_read_too(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Suppliers")
    sheet.write(0, 0, "A list of suppliers")
    for column, name in enumerate(HEADER):
        sheet.write(2, column, name)
    for row, values in enumerate(SEEN, 3):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    path = tmp_path / "suppliers.xls"
    book.save(str(path))
    sheet_csv = write_csv(tmp_path / "suppliers.csv", HEADER, SEEN)
    assert output("stats", "--format", "json", "--relations", str(path)) == output(
        "stats", "--format", "json", "--relations", str(sheet_csv)
    )


def test_an_error_cell_the_layout_reads_is_named_and_one_it_does_not_read_is_not(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*HEADER[:2], "notes"])
    sheet.append(["Alpha Cells", "CATL", None])
    sheet.append([None, "CATL", None])
    sheet.cell(row=3, column=1).value = "#N/A"
    sheet.cell(row=3, column=1).data_type = "e"
    path = tmp_path / "errors.xlsx"
    book.save(path)
    message = refused("stats", "--relations", str(path))
    assert f"{path}[Sheet]:3" in message and "A3" in message and "#N/A" in message and "'supplier'" in message

    sheet.cell(row=3, column=1).value = "Beta Cells"
    sheet.cell(row=3, column=1).data_type = "s"
    sheet.cell(row=3, column=3).value = "#REF!"
    sheet.cell(row=3, column=3).data_type = "e"
    book.save(path)
    output("stats", "--relations", str(path))  # the notes column is not read


def test_merged_cells_in_the_data_are_named_and_merged_titles_are_not(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "A title over every column"
    sheet.merge_cells("A1:C1")
    sheet.append(HEADER[:3])
    sheet.append(["Alpha Cells", "CATL", "cells"])
    sheet.append(["Beta Cells", None, "cells"])
    sheet.merge_cells("B3:B4")  # one client for two rows, as a reader sees it
    path = tmp_path / "merged.xlsx"
    book.save(path)
    message = refused("stats", "--relations", str(path))
    assert str(path) in message and "B3:B4" in message and "client" in message and "unmerge" in message


def test_a_workbook_without_the_header_says_what_it_looked_for(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Vendor", "Buyer"])
    sheet.append(["Alpha Cells", "CATL"])
    path = tmp_path / "vendors.xlsx"
    book.save(path)
    message = refused("stats", "--relations", str(path))
    assert str(path) in message and "client, supplier" in message and "--map" in message
    # Named by --map, the header is found.
    mapped = output(
        "stats", "--format", "json", "--relations", str(path), "--map", "supplier=Vendor", "--map", "client=Buyer"
    )
    plain = output(
        "stats",
        "--format",
        "json",
        "--relations",
        str(write_csv(tmp_path / "v.csv", HEADER[:2], [["Alpha Cells", "CATL"]])),
    )
    assert mapped == plain


@pytest.mark.parametrize("content", [b"", b"not a workbook at all", b"PK\x03\x04 broken zip"])
def test_a_file_that_is_no_workbook_is_one_line(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    message = refused("stats", "--relations", str(path))
    assert message.count("\n") == 0 and str(path) in message


# --- one workbook, a sheet per file given: book.xlsx[SHEET] -----------------------------------------


def _two_years(path: Path) -> Path:
    """A workbook of two sheets, 2022 and 2023, each a year's supplier list."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2022"
    first.append(["supplier", "client"])
    first.append(["Acme Cathodes", "CATL"])
    second = book.create_sheet("2023")
    second.append(["supplier", "client"])
    second.append(["Beta Separators", "CATL"])
    book.save(path)
    return path


def test_a_sheet_named_after_each_file_reads_two_sheets_of_one_workbook(tmp_path):
    book = _two_years(tmp_path / "years.xlsx")
    both = run_process("stats", "--format", "json", "--relations", f"{book}[2022]", "--relations", f"{book}[2023]")
    assert both.returncode == 0, both.stderr
    labels = {row["label"] for row in json.loads(both.stdout)}
    assert {"Acme Cathodes", "Beta Separators"} <= labels
    # The same as each sheet given with --sheet, one at a time.
    for sheet, firm in (("2022", "Acme Cathodes"), ("2023", "Beta Separators")):
        alone = run_process("stats", "--format", "json", "--relations", str(book), "--sheet", sheet)
        assert firm in {row["label"] for row in json.loads(alone.stdout)}
    # A sheet named in the path wins over --sheet; an unknown one lists the sheets.
    named = run_process("stats", "--format", "json", "--relations", f"{book}[2023]", "--sheet", "2022")
    assert "Beta Separators" in {row["label"] for row in json.loads(named.stdout)}
    missing = run_process("stats", "--relations", f"{book}[2030]")
    assert missing.returncode == 2 and "2030" in missing.stderr and "2022" in missing.stderr


def test_the_import_reads_a_sheet_named_after_the_file(tmp_path):
    book = _two_years(tmp_path / "years.xlsx")
    target = tmp_path / "years.ttl"
    result = run_process("import", "--relations", f"{book}[2023]", "-o", str(target))
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "Beta Separators" in text and "Acme Cathodes" not in text
