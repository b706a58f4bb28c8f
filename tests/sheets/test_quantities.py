"""Quantities in a relations sheet (issue 44, item 1): the cells as the README describes them, read
the same by the tables reader and by the import read back through SPARQL, and bad cells named."""

from __future__ import annotations

import json

import pytest

from chaingraph.errors import InputError
from chaingraph.projection.read import project_columns
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.sheets.quantities import parse_share, row_quantities
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, fj, run_process
from ..projection.test_tables import imported, same_projection, write_sheet

HEADER = [
    "supplier",
    "client",
    "supplies",
    "start",
    "value",
    "currency",
    "volume",
    "unit",
    "client_share",
    "supplier_share",
]
ROWS = [
    # a value with separators, a volume in kilotonnes, a share in percent with a hedge
    ["Acme Cathode", "CATL", "LFP cathode", "2024", "6,000,000,000", "yuan", "150", "kt", "", ">60%"],
    # a fraction, and a client's share of its purchases
    ["Beta Electrolyte", "CATL", "electrolyte", "2024", "", "", "", "", "0.25", "0.3"],
    # the same pair twice: the later statement wins, the earlier one's other quantities stay
    ["Acme Cathode", "BYD", "LFP cathode", "2022", "1e9", "CNY", "", "", "", "25%"],
    ["Acme Cathode", "BYD", "LFP cathode", "2023", "", "", "", "", "", "35%"],
    # a pair the bundled graph already qualifies with a share (Yuneng sold CATL 44.46%, H1 2022)
    ["Hunan Yuneng", "CATL", "LFP cathode", "2024", "", "", "", "", "", "52%"],
]
ACME = "https://w3id.org/chaingraph/import/firm/Acme%20Cathode"
BETA = "https://w3id.org/chaingraph/import/firm/Beta%20Electrolyte"


@pytest.fixture
def quantified(tmp_path):
    return write_sheet(tmp_path / "deals.csv", HEADER, ROWS)


def test_a_sheets_quantities_read_as_the_readme_says(quantified):
    table = NetworkSource(open_store(), Tables(relations=(quantified,))).projection()
    acme_catl = table.details[(ACME, fj("catl"))]
    assert (acme_catl["value"], acme_catl["currency"]) == (6e9, "CNY")
    assert (acme_catl["volume"], acme_catl["volume_unit"]) == (150_000.0, "TONNE")
    assert acme_catl["supplier_share"] == 0.6 and acme_catl["hedges"] == {"supplier_share": "MoreThan"}
    beta = table.details[(BETA, fj("catl"))]
    assert (beta["client_share"], beta["supplier_share"]) == (0.25, 0.3)
    byd = next(pair for pair in table.details if pair[0] == ACME and pair[1] != fj("catl"))
    assert table.details[byd]["supplier_share"] == 0.35  # 2023's statement, not 2022's
    assert table.details[byd]["value"] == 1e9  # stated in 2022 only: kept
    assert table.details[(fj("yuneng"), fj("catl"))]["supplier_share"] == 0.52  # 2024 after H1 2022


def test_tables_and_their_import_give_the_same_quantities(tmp_path, quantified):
    tables = NetworkSource(open_store(), Tables(relations=(quantified,))).projection()
    rdf = project_columns(open_store([imported(tmp_path, quantified)]))
    same_projection(tables, rdf)


def test_the_import_writes_quantity_values_that_validate(tmp_path, quantified):
    target = tmp_path / "deals.ttl"
    result = run_process("import", "--relations", str(quantified), "-o", str(target))
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "cg:supplierShare" in text and "unit:PERCENT" in text and "cur:CNY" in text and "cg:MoreThan" in text
    checked = run_process("validate", "--data", str(target), "--format", "json")
    assert checked.returncode == 0, checked.stdout


def test_a_demand_shock_reads_the_sheets_shares_on_both_paths(tmp_path, quantified):
    asked = ["impact", "--remove", "firm:BYD", "--direction", "upstream", "--threshold", "0.3", "--format", "json"]
    tables = json.loads(run_process(*asked, "--relations", str(quantified)).stdout)
    ids = {row["id"]: row for row in tables["disrupted"]}
    assert ids[ACME]["share_lost"] == pytest.approx(0.35) and ids[ACME]["basis"] == "stated"
    data = imported(tmp_path, quantified)
    through_import = json.loads(run_process(*asked, "--data", str(data)).stdout)
    assert through_import["disrupted"] == tables["disrupted"]


@pytest.mark.parametrize(
    ("cells", "fragments"),
    [
        ({"value": "6bn", "currency": "CNY"}, ["value '6bn'", "not a number"]),
        ({"value": "5"}, ["value '5'", "give its currency"]),
        ({"currency": "CNY"}, ["currency 'CNY'", "a currency with no value"]),
        ({"value": "5", "currency": "yen!"}, ["currency 'yen!'", "ISO 4217"]),
        ({"volume": "5", "unit": "bushels"}, ["unit 'bushels'", "unknown unit"]),
        ({"volume": "5"}, ["volume '5'", "give its unit"]),
        ({"supplier_share": "44.46"}, ["supplier_share '44.46'", "0.4446 or 44.46%"]),
        ({"client_share": "120%"}, ["client_share '120%'", "at most 100%"]),
        ({"client_share": "-5%"}, ["client_share '-5%'", "not a number"]),
    ],
)
def test_bad_quantity_cells_fail_alike_on_both_paths(tmp_path, cells, fragments):
    row = ["Acme", "CATL", "", "", *(cells.get(name, "") for name in HEADER[4:])]
    sheet = write_sheet(tmp_path / "rel.csv", HEADER, [["Zeta", "CATL", "", "", *[""] * 6], row])
    through_tables = run_process("stats", "--relations", str(sheet))
    assert_clean_failure(through_tables, "rel.csv:3:", *fragments)
    through_import = run_process("import", "--relations", str(sheet), "-o", str(tmp_path / "out.ttl"))
    assert through_tables.stderr == through_import.stderr


def test_a_plain_edge_has_no_quantities(tmp_path):
    sheet = write_sheet(
        tmp_path / "rel.csv",
        [*HEADER, "evidence"],
        [["Acme", "CATL", "", "", "", "", "", "", "", "40%", "unspecified"]],
    )
    assert_clean_failure(run_process("stats", "--relations", str(sheet)), "plain edge with no supplier_share")


def test_share_cells():
    assert parse_share("f", "client_share", "≥ 80%") == (0.8, "AtLeast")
    assert parse_share("f", "client_share", "1") == (1.0, None)
    assert row_quantities("f", {"volume": "1.5", "unit": "GWh"}) == {"volume": 1_500_000.0, "volume_unit": "KiloW-HR"}
    with pytest.raises(InputError, match="a share is a fraction"):
        parse_share("f", "client_share", "2")


def test_exports_carry_the_quantities_and_read_back_the_same(tmp_path, quantified):
    import csv

    exported = tmp_path / "edges.csv"
    assert run_process("export", "--format", "csv", "-o", str(exported)).returncode == 0
    rows = {(row["supplier"], row["client"]): row for row in csv.DictReader(exported.open(encoding="utf-8"))}
    yuneng = rows[(fj("yuneng"), fj("catl"))]
    assert (yuneng["value"], yuneng["currency"], yuneng["supplier_share"]) == ("6265000000", "CNY", "44.46%")
    assert rows[(fj("tinci"), fj("catl"))]["supplier_share"] == ">50%"  # the hedge kept
    # read back as a sheet, each pair has the quantities the bundled graph states
    bundled = project_columns(open_store())
    again = NetworkSource(open_store(bundled=False), Tables(relations=(exported,))).projection()
    for pair in ((fj("yuneng"), fj("catl")), (fj("tinci"), fj("catl")), (fj("ronbay"), fj("catl"))):
        keys = ("value", "currency", "volume", "volume_unit", "client_share", "supplier_share", "hedges")
        assert {k: again.details[pair].get(k) for k in keys} == {k: bundled.details[pair].get(k) for k in keys}
    # a sheet's own rows export as their import does
    through_tables = tmp_path / "tables.csv"
    through_import = tmp_path / "import.csv"
    run_process("export", "--format", "csv", "--relations", str(quantified), "-o", str(through_tables))
    run_process("export", "--format", "csv", "--data", str(imported(tmp_path, quantified)), "-o", str(through_import))
    assert through_tables.read_text(encoding="utf-8") == through_import.read_text(encoding="utf-8")
    assert ">60%" in through_tables.read_text(encoding="utf-8")
