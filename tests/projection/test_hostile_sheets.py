"""Hostile sheets and dates (issue 40, items 9, 11, 16 and 19): each ends in one line naming the
file and exit 2, or is read exactly as the import reads it, with bounded work."""

from __future__ import annotations

import json
import resource
import sys

import pytest

from chaingraph.projection.periods import bound_error

from ..conftest import assert_clean_failure, run_process


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["empty", "bom-only"])
@pytest.mark.parametrize("option", ["--relations", "--firms"])
def test_an_empty_sheet_is_named_not_a_crash(tmp_path, content, option):
    sheet = tmp_path / "empty.csv"
    sheet.write_bytes(content)
    extra = ["--relations", str(tmp_path / "r.csv")] if option == "--firms" else []
    if extra:
        (tmp_path / "r.csv").write_text("supplier,client\nA,B\n", encoding="utf-8")
    result = run_process("stats", option, str(sheet), *extra)
    assert_clean_failure(result, "empty.csv", "no header row")


@pytest.mark.parametrize("year", ["２０２１", "٢٠٢١", "0000", "0000-01"])
def test_dates_are_ascii_years_from_0001(tmp_path, year):
    sheet = tmp_path / "dated.csv"
    sheet.write_text(f"supplier,client,start\nA,B,{year}\n", encoding="utf-8")
    assert bound_error(year) is not None
    assert_clean_failure(run_process("stats", "--relations", str(sheet)), "dated.csv:2", "start")
    assert_clean_failure(run_process("import", "--relations", str(sheet), "--skip-validation"), "dated.csv:2")
    assert_clean_failure(run_process("stats", "--as-of", year), "--as-of")


def test_a_period_in_mixed_digits_is_not_compared_as_strings(tmp_path):
    sheet = tmp_path / "dated.csv"
    sheet.write_text("supplier,client,start,end\nA,B,2022,２０２１\n", encoding="utf-8")
    assert_clean_failure(run_process("stats", "--relations", str(sheet)), "dated.csv:2", "end")


def test_diff_refuses_dates_given_the_wrong_way_round():
    assert_clean_failure(run_process("diff", "--from", "2025", "--to", "2021"), "--from 2025", "--to 2021")


def test_a_cell_over_the_limit_is_refused_by_tables_as_by_import(tmp_path):
    sheet = tmp_path / "big.csv"
    # The long cell is in a column neither reader maps: both must still refuse it alike.
    sheet.write_text("supplier,client,note\nA,B," + "x" * 131_073 + "\n", encoding="utf-8")
    tables = run_process("stats", "--relations", str(sheet))
    imported = run_process("import", "--relations", str(sheet), "--skip-validation")
    assert_clean_failure(tables, "big.csv:2", "field limit")
    assert_clean_failure(imported, "big.csv:2", "field limit")


def _capped(megabytes: int):
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return cap


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/zero and address-space limits are Linux's")
def test_a_file_with_no_line_breaks_is_refused_within_bounded_memory():
    result = run_process("stats", "--relations", "/dev/zero", timeout=60, preexec_fn=_capped(3000))
    assert_clean_failure(result, "/dev/zero:1", "not a sheet")


def test_a_folder_that_is_no_dataset_is_refused_without_crawling_it(tmp_path):
    folder = tmp_path / "tree"
    for index in range(50):
        (folder / f"d{index}" / "deeper").mkdir(parents=True)
        (folder / f"d{index}" / "deeper" / "part.parquet").write_bytes(b"not looked at")
    assert_clean_failure(run_process("stats", "--relations", str(folder)), "tree", "no Parquet files")


def test_a_sheet_from_a_pipe_is_read_once(tmp_path):
    result = run_process(
        "stats", "--no-bundled", "--relations", "/dev/stdin", "--format", "json", input="supplier,client\nA,B\n"
    )
    assert result.returncode == 0, result.stderr
    assert {row["label"]: row["out_degree"] for row in json.loads(result.stdout)} == {"A": 1, "B": 0}


def test_a_wide_sheet_costs_its_mapped_columns(tmp_path):
    sheet = tmp_path / "wide.csv"
    columns = 20_000
    with sheet.open("w", encoding="utf-8") as out:
        out.write("supplier,client," + ",".join(f"x{i}" for i in range(columns)) + "\n")
        for row in range(50):
            out.write(f"A{row},B{row % 3}," + ",".join("1" for _ in range(columns)) + "\n")
    # 20,000 unmapped columns by 50 rows: parsed all as text columns this took gigabytes.
    result = run_process(
        "stats", "--no-bundled", "--relations", str(sheet), "--format", "json", preexec_fn=_capped(3000)
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sum(row["out_degree"] for row in rows) == 50


@pytest.mark.parametrize(
    ("identifier", "kind"),
    [
        ("https://w3id.org/chaingraph/ontology#Company", "owl:Class"),
        ("https://w3id.org/chaingraph/fujian/zheng-ting", "cg:Person"),
    ],
)
@pytest.mark.parametrize("command", ["stats", "import"])
def test_a_sheet_id_that_is_the_graphs_person_or_class_is_no_firm(tmp_path, identifier, kind, command):
    sheet = tmp_path / "ids.csv"
    sheet.write_text(f"supplier,client\n{identifier},B\n", encoding="utf-8")
    extra = ["--skip-validation"] if command == "import" else []
    assert_clean_failure(run_process(command, "--relations", str(sheet), *extra), "ids.csv:2", kind, "not a firm")


@pytest.mark.parametrize("command", ["stats", "import"])
def test_among_many_ids_that_are_iris_the_graphs_person_is_still_no_firm(tmp_path, command):
    """Past 500 IRIs, and more of them than the bundled graph states classes, the classes are read
    all at once rather than 500 IRIs a query: the answer is the same."""
    sheet = tmp_path / "ids.csv"
    new = "".join(f"https://example.org/firm/{i},B\n" for i in range(700))
    sheet.write_text(f"supplier,client\n{new}https://w3id.org/chaingraph/fujian/zheng-ting,B\n", encoding="utf-8")
    extra = ["--skip-validation"] if command == "import" else []
    result = run_process(command, "--relations", str(sheet), *extra)
    assert_clean_failure(result, "ids.csv:702", "cg:Person", "not a firm")


@pytest.mark.parametrize("mapping", ["supplier=client", "client=supplier"])
def test_supplier_and_client_read_from_one_column_is_refused(tmp_path, mapping):
    sheet = tmp_path / "r.csv"
    sheet.write_text("supplier,client\nA,B\n", encoding="utf-8")
    assert_clean_failure(run_process("stats", "--relations", str(sheet), "--map", mapping), "--map", "both read")


def test_the_whitespace_cells_are_trimmed_of_is_what_str_strip_removes():
    from chaingraph.sheets.columns import _PYTHON_WHITESPACE

    assert set(_PYTHON_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
