"""Quantities in a relations sheet (issue 44, item 1): the cells as the README describes them, read
the same by the tables reader and by the import read back through SPARQL, and bad cells named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from chaingraph.errors import InputError
from chaingraph.projection.read import project_columns
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.sheets.quantities import NUMBER_KEYS, EdgeQuantities, parse_share, row_quantities
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, fj, quantity_rows, run_process
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
    edges = NetworkSource(open_store(), Tables(relations=(quantified,))).network().edges
    acme_catl = edges[ACME, fj("catl")]
    assert (acme_catl["value"], acme_catl["currency"]) == (6e9, "CNY")
    assert (acme_catl["volume"], acme_catl["volume_unit"]) == (150_000.0, "TONNE")
    assert acme_catl["supplier_share"] == 0.6 and acme_catl["hedges"] == {"supplier_share": "MoreThan"}
    beta = edges[BETA, fj("catl")]
    assert (beta["client_share"], beta["supplier_share"]) == (0.25, 0.3)
    byd = next(pair for pair in edges if pair[0] == ACME and pair[1] != fj("catl"))
    assert edges[byd]["supplier_share"] == 0.35  # 2023's statement, not 2022's
    assert edges[byd]["value"] == 1e9  # stated in 2022 only: kept
    assert edges[fj("yuneng"), fj("catl")]["supplier_share"] == 0.52  # 2024 after H1 2022


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
    bundled = project_columns(open_store()).to_networkx().edges
    again = NetworkSource(open_store(bundled=False), Tables(relations=(exported,))).network().edges
    for pair in ((fj("yuneng"), fj("catl")), (fj("tinci"), fj("catl")), (fj("ronbay"), fj("catl"))):
        keys = ("value", "currency", "volume", "volume_unit", "client_share", "supplier_share", "hedges")
        assert {k: again[pair].get(k) for k in keys} == {k: bundled[pair].get(k) for k in keys}
        assert bundled[pair].get("value") or bundled[pair].get("supplier_share")
    # a sheet's own rows export as their import does
    through_tables = tmp_path / "tables.csv"
    through_import = tmp_path / "import.csv"
    run_process("export", "--format", "csv", "--relations", str(quantified), "-o", str(through_tables))
    run_process("export", "--format", "csv", "--data", str(imported(tmp_path, quantified)), "-o", str(through_import))
    assert through_tables.read_text(encoding="utf-8") == through_import.read_text(encoding="utf-8")
    assert ">60%" in through_tables.read_text(encoding="utf-8")


# --- the columns the projection keeps them in ---------------------------------------------------

EVERY_KEY = {
    ("a", "b"): {"value": 6.265e9, "currency": "CNY", "supplier_share": 0.4446, "evidence": "stated"},
    ("c", "a"): {"volume": 150_000.0, "volume_unit": "TONNE", "client_share": 0.25,
                 "hedges": {"volume": "Approximately", "client_share": "AtLeast"}},
    ("b", "c"): {"value": 1e9, "currency": "USD", "supplier_share": 0.5, "hedges": {"supplier_share": "MoreThan"},
                 "quantity_starts": {"value": "2022", "supplier_share": "2023"}},
    ("c", "b"): {"evidence": "inferred"},
}  # fmt: skip


def test_edge_columns_give_back_each_edges_quantities_as_stated():
    from chaingraph.sheets.quantities import QUANTITY_DETAILS, edge_quantities

    nodes = ["a", "b", "c"]
    pairs = [("c", "b"), ("b", "c"), ("a", "b"), ("c", "a")]  # not in the details' order
    suppliers = np.array([nodes.index(a) for a, _ in pairs])
    clients = np.array([nodes.index(b) for _, b in pairs])
    found = edge_quantities(nodes, suppliers, clients, EVERY_KEY)
    for edge, pair in enumerate(pairs):
        stated = {k: v for k, v in EVERY_KEY[pair].items() if k in QUANTITY_DETAILS and k != "quantity_starts"}
        assert found.details(edge) == stated
    assert found.stating().tolist() == [1, 2, 3]
    kept = found.take(np.array([False, True, False, True]))
    assert [kept.details(e) for e in range(2)] == [found.details(1), found.details(3)]


def test_a_projection_keeps_its_quantities_through_networkx_selection_and_saving(tmp_path):
    from chaingraph.projection.model import Projection
    from chaingraph.projection.saved import read_projection, write_projection
    from chaingraph.projection.selection import Selection, select_columns
    from chaingraph.store.disk import database_id

    bundled = project_columns(open_store())
    assert bundled.quantities.any
    graph = bundled.to_networkx()
    stated = {(a, b): data for a, b, data in graph.edges(data=True) if "value" in data or "supplier_share" in data}
    assert stated[(fj("yuneng"), fj("catl"))]["supplier_share"] == 0.4446
    again = Projection.from_networkx(graph)
    assert quantity_rows(again) == quantity_rows(bundled) and again.details == bundled.details
    # a selection keeps each kept edge's own quantities
    ningde = select_columns(bundled, Selection(region=fj("ningde"), as_of="2023"))
    kept = ningde.to_networkx()
    assert kept.number_of_edges() < graph.number_of_edges()
    for a, b, data in kept.edges(data=True):
        assert {k: v for k, v in data.items() if k in QUANTITY_KEYS_AND_HEDGES} == {
            k: v for k, v in graph.edges[a, b].items() if k in QUANTITY_KEYS_AND_HEDGES
        }
    # and a saved projection reads back the same (its database named as the reader expects)
    (tmp_path / "db").mkdir()
    write_projection(bundled, tmp_path, database_id(tmp_path / "db"))
    assert quantity_rows(read_projection(tmp_path)) == quantity_rows(bundled)


QUANTITY_KEYS_AND_HEDGES = ("value", "currency", "volume", "volume_unit", "client_share", "supplier_share", "hedges")


def test_edges_stating_no_quantity_hold_no_memory_an_edge_and_read_as_blank_ones():
    edges = 1_000_000
    none, blank = EdgeQuantities.none(edges), EdgeQuantities.blank(edges)
    for name, column in none.arrays().items():
        other = blank.arrays()[name]
        assert column.shape == other.shape and column.dtype == other.dtype
        assert np.array_equal(column, other, equal_nan=True)
        # one value seen a million times: the array's memory is its one element's
        assert column.base is not None and column.base.nbytes <= 8
        assert not column.flags.writeable  # :meth:`blank` is what a writer takes
    assert none.hedges.shape == (edges, len(NUMBER_KEYS))
    assert not none.any and len(none.stating()) == 0
    chosen = none.take(np.array([3, 5, 7]))
    assert len(chosen) == 3 and chosen.value.shape == (3,) and np.isnan(chosen.value).all()
    mask = np.zeros(edges, dtype=bool)
    mask[:10] = True
    assert len(none.take(mask)) == 10
    assert blank.value.flags.writeable
