"""Tables in (issue 30): sheets read straight into the projection give what their import gives.

The independent computation is the import: the same sheets turned into RDF by ``chaingraph import``
and read back by the SPARQL reader. Every test compares the tables reader against it, field by
field, or command output against command output.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.interchange.csv_import import import_csv
from chaingraph.interchange.export import export_tables
from chaingraph.projection.model import Projection
from chaingraph.projection.read import project_columns
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.sheets import RELATION_FIELDS, CsvRows, read_sheet
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, quantity_rows, run_process

# The qualifying columns; the quantity columns are tested in tests/sheets/test_quantities.py.
RELATIONS_HEADER = list(RELATION_FIELDS[:7])
FIRMS_HEADER = ["id", "name_en", "name_zh", "located_in", "chain", "stage", "kind"]


def write_sheet(path: Path, header: list[str], rows: list[list[str]], *, newline: str = "\r\n") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def imported(tmp_path: Path, relations: Path, firms: Path | None = None, bundled: bool = True, **options) -> Path:
    """The sheets imported to N-Triples, as ``chaingraph import`` writes them (no validation);
    ``options`` how they are read (:class:`Tables`' fields)."""
    import pyoxigraph as ox

    context = open_store(bundled=bundled).local_dataset("import")
    sheets = Tables(relations=[relations], firms=[firms] if firms is not None else [], **options)
    result = import_csv(sheets, context=context)
    target = tmp_path / f"imported-{relations.stem}.nt"
    with target.open("wb") as handle:
        result.dump(ox.RdfFormat.N_TRIPLES, handle)
    return target


def same_projection(tables: Projection, rdf: Projection) -> None:
    assert tables.nodes == rdf.nodes
    assert tables.columns == rdf.columns
    assert tables.suppliers.tolist() == rdf.suppliers.tolist()
    assert tables.clients.tolist() == rdf.clients.tolist()
    assert tables.details == rdf.details
    # each edge's evidence level, computed from the sheet's columns on one side, from dicts on the other
    assert tables.evidence.tolist() == rdf.evidence.tolist()
    assert quantity_rows(tables) == quantity_rows(rdf)
    assert tables.meta == rdf.meta


SHEET_RELATIONS = [
    # a new firm supplying a bundled one, by its English and its Chinese name
    ["Acme Cells", "CATL", "cathode powder", "2021", "2022-06", "", "Inferred"],
    ["Acme Cells", "宁德时代", "binder", "", "", "https://example.org/press/1", ""],
    # the same pair twice: one edge, both rows' products and sources
    ["Beta Foil", "Acme Cells", "copper foil", "2020-01-05", "", "Annual report 2021", ""],
    ["Beta Foil", "Acme Cells", "", "", "2024", "", ""],
    # a self-loop, kept as the import keeps it
    ["Gamma", "Gamma", "", "", "", "", ""],
    # an id that is an IRI, and a bundled firm as supplier of a new one
    ["https://example.org/firm/delta", "Gamma", "", "", "", "", ""],
    ["CATL", "Delta Motors", "cells", "", "", "", ""],
    # evidence cells: a relation the sheet marks inferred, a plain edge the source does not qualify
    ["Gamma", "Delta Motors", "", "", "", "", "inferred"],
    ["Delta Motors", "Beta Foil", "", "", "", "", "unspecified"],
    # a pair the bundled graph qualifies (a product, sources, a value): the row's joined to them
    ["https://w3id.org/chaingraph/fujian/ronbay", "CATL", "cathode precursor", "2023", "", "", "inferred"],
    # a row of empty mapped cells: skipped
    ["", "", "", "", "", "", ""],
]

SHEET_FIRMS = [
    ["Beta Foil", "Beta Foil Co", "贝塔铜箔", "Ningde", "ningde", "anode materials", ""],
    ["Gamma", "", "", "Nowhere Town", "My own chain", "assembly", "Association"],
    ["Acme Cells", "Acme", "", "宁德", "", "cells", "firm"],
    # a bundled firm by its IRI: the row adds a name and a place, never a new firm's defaults
    ["https://w3id.org/chaingraph/fujian/catl", "CATL Co", "", "Atlantis", "", "", ""],
]


@pytest.fixture
def sheets(tmp_path):
    relations = write_sheet(tmp_path / "suppliers.csv", RELATIONS_HEADER, SHEET_RELATIONS)
    firms = write_sheet(tmp_path / "firms.csv", FIRMS_HEADER, SHEET_FIRMS)
    return relations, firms


def test_tables_and_their_import_give_one_projection(tmp_path, sheets):
    relations, firms = sheets
    tables = NetworkSource(open_store(), Tables(relations=(relations,), firms=(firms,))).projection()
    rdf = project_columns(open_store([imported(tmp_path, relations, firms)]))
    same_projection(tables, rdf)
    # and the join did join: the bundled CATL has the sheet's supplier, and its edge is stated
    catl = "https://w3id.org/chaingraph/fujian/catl"
    acme = "https://w3id.org/chaingraph/import/firm/Acme%20Cells"
    assert tables.details[(acme, catl)]["supplies"] == ["binder", "cathode powder"]
    assert tables.details[(acme, catl)]["evidence"] == "stated"
    where = tables.nodes.index(catl)
    assert tables.columns["label"][where] == "CATL"  # the shortest English name stays the name
    # a new place, known nowhere
    assert "https://w3id.org/chaingraph/import/place/Atlantis" in tables.columns["places"][where]


def test_a_relations_sheet_alone_is_enough(tmp_path, sheets):
    relations, _ = sheets
    tables = NetworkSource(open_store(), Tables(relations=(relations,))).projection()
    same_projection(tables, project_columns(open_store([imported(tmp_path, relations)])))


def test_without_the_bundled_graph_and_with_another_base(tmp_path, sheets):
    relations, firms = sheets
    base = "https://example.org/mine/"
    tables = NetworkSource(
        open_store(bundled=False), Tables(relations=(relations,), firms=(firms,), base=base)
    ).projection()
    rdf = project_columns(open_store([imported(tmp_path, relations, firms, bundled=False, base=base)], bundled=False))
    same_projection(tables, rdf)
    ids_that_are_iris = ("https://example.org/firm/", "https://w3id.org/chaingraph/fujian/catl",
                         "https://w3id.org/chaingraph/fujian/ronbay")  # fmt: skip
    assert all(node.startswith((base, *ids_that_are_iris)) for node in tables.nodes)


def test_a_sheet_whose_ends_are_all_new_iris_joins_as_its_import_reads(tmp_path):
    """Every end an IRI the graph has nothing of (an export, a registry's ids): the join makes
    them firms all at once, and must give what the import gives, row by row."""
    firm = "https://example.org/registry/{}".format
    rows = [
        [firm(3), firm(1), "foil", "2021", "", "", ""],
        [firm(1), firm(2), "", "", "", "", "inferred"],
        [firm(3), firm(1), "", "", "2024", "https://example.org/press/9", ""],
        [firm(2), firm(4), "", "", "", "", ""],
    ]
    relations = write_sheet(tmp_path / "ids.csv", RELATIONS_HEADER, rows)
    tables = NetworkSource(open_store(), Tables(relations=(relations,))).projection()
    same_projection(tables, project_columns(open_store([imported(tmp_path, relations)])))
    assert {firm(i) for i in range(1, 5)} <= set(tables.nodes)


def test_a_mapped_sheet_with_its_header_lower_down(tmp_path):
    sheet = tmp_path / "vendors.csv"
    sheet.write_text(
        "exported from the ERP\nVendor,Buyer,Item\nAcme Cells,CATL,foil\nBeta,Acme Cells,\n", encoding="utf-8"
    )
    mapping = {"supplier": "Vendor", "client": "Buyer", "supplies": "Item"}
    tables = NetworkSource(open_store(), Tables(relations=(sheet,), mapping=mapping, header_row=2)).projection()
    rdf = project_columns(open_store([imported(tmp_path, sheet, mapping=mapping, header_row=2)]))
    same_projection(tables, rdf)


def test_parquet_and_csv_give_one_projection(tmp_path, sheets):
    relations, firms = sheets
    as_parquet = {}
    for path, header in ((relations, RELATIONS_HEADER), (firms, FIRMS_HEADER)):
        rows = list(csv.reader(path.open(encoding="utf-8")))[1:]
        columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
        as_parquet[path.stem] = tmp_path / f"{path.stem}.parquet"
        pq.write_table(pa.table(columns), as_parquet[path.stem])
    from_csv = NetworkSource(open_store(), Tables(relations=(relations,), firms=(firms,))).projection()
    from_parquet = NetworkSource(
        open_store(), Tables(relations=(as_parquet["suppliers"],), firms=(as_parquet["firms"],))
    ).projection()
    assert from_parquet.nodes == from_csv.nodes
    assert from_parquet.columns == from_csv.columns
    assert from_parquet.suppliers.tolist() == from_csv.suppliers.tolist()
    # A Parquet row names itself by row number, a CSV row by line, and an inference's reason names
    # its sheet: only row sources and reasons differ.
    for pair, details in from_csv.details.items():
        theirs = from_parquet.details[pair]
        assert {k: v for k, v in theirs.items() if k not in ("sources", "reasons")} == {
            k: v for k, v in details.items() if k not in ("sources", "reasons")
        }


# --- the sheet reader: Arrow's fast path reads every cell as CsvRows does ----------------------

CELL = st.text(alphabet=st.sampled_from([*"ab Z宁,'=+-@\t", "\x1c", "\u3000", "\xa0", "\u2028"]), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=8),
    blank_lines=st.lists(st.integers(0, 9), max_size=3),
    newline=st.sampled_from(["\n", "\r\n"]),
    header_row=st.integers(1, 2),
)
def test_the_fast_reader_reads_cells_lines_and_skips_as_csv_rows_does(tmp_path, rows, blank_lines, newline, header_row):
    lines = (["preamble"] if header_row == 2 else []) + ["supplier,client,name_en"]
    for row in rows:
        lines.append(",".join(row))
    for position in sorted(blank_lines, reverse=True):
        lines.insert(min(position + header_row, len(lines)), "")
    path = tmp_path / "cells.csv"
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    fields = ("supplier", "client", "name_en")
    try:
        reader = CsvRows(path, fields, "relations", {}, header_row)
        expected = list(reader)
        expected_skipped = reader.skipped
    except Exception as exc:  # CsvRows refuses the file: so must the sheet reader
        with pytest.raises(type(exc)):
            read_sheet(path, fields, "relations", {}, header_row)
        return
    sheet = read_sheet(path, fields, "relations", {}, header_row)
    got = [(int(line), {name: sheet.column(name)[i].as_py() for name in fields}) for i, line in enumerate(sheet.lines)]
    assert got == expected
    assert sheet.skipped == expected_skipped


def test_a_quoted_sheet_is_read_record_by_record(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('supplier,client,supplies\n"Acme, Inc.",CATL,"foil\nand tabs"\nBeta,"Acme, Inc.",\n', "utf-8")
    sheet = read_sheet(path, RELATION_FIELDS, "relations", {})
    assert sheet.lines.tolist() == [2, 4]  # the second record starts on line 4: a cell spans two lines
    assert sheet.column("supplier").to_pylist() == ["Acme, Inc.", "Beta"]
    assert sheet.column("supplies").to_pylist() == ["foil\nand tabs", ""]


# --- errors: the import's, with file, line and column -------------------------------------------


@pytest.mark.parametrize(
    ("rows", "fragments"),
    [
        ([["Acme", "CATL"], ["Beta", ""]], ["rel.csv:3:", "empty client", "'client'"]),
        ([["Acme", "CATL", "", "2021-02-30"]], ["rel.csv:2:", "start '2021-02-30' is not a valid date"]),
        ([["Acme", "CATL", "", "2023", "2021"]], ["rel.csv:2:", "starts (2023) after it ends (2021)"]),
        (
            [["Acme", "CATL", "", "2023", "2021"], ["", "CATL"]],
            ["rel.csv:2:", "after it ends"],  # the first bad row is reported, whatever the check
        ),
        (
            [["Acme", "CATL"], ["https://w3id.org/chaingraph/fujian/ningde", "CATL"]],
            ["rel.csv:3:", "is the graph's cg:", "not a firm"],
        ),
        ([["Acme", "CATL", "", "", "", "", "likely"]], ["rel.csv:2:", "evidence 'likely'", "use stated, inferred"]),
        (
            [["Acme", "CATL", "cells", "", "", "", "unspecified"]],
            ["rel.csv:2:", "evidence unspecified is a plain edge with no supplies"],
        ),
    ],
)
def test_bad_rows_fail_as_the_import_fails(tmp_path, rows, fragments):
    width = len(RELATIONS_HEADER)
    sheet = write_sheet(tmp_path / "rel.csv", RELATIONS_HEADER, [row + [""] * (width - len(row)) for row in rows])
    through_tables = run_process("stats", "--relations", str(sheet))
    assert_clean_failure(through_tables, *fragments)
    through_import = run_process("import", "--relations", str(sheet), "-o", str(tmp_path / "out.ttl"))
    assert through_tables.stderr == through_import.stderr


def test_a_duplicate_firm_id_names_both_lines(tmp_path):
    relations = write_sheet(tmp_path / "rel.csv", RELATIONS_HEADER, [["Acme", "CATL", "", "", "", "", ""]])
    firms = write_sheet(
        tmp_path / "f.csv", FIRMS_HEADER, [["Acme", "", "", "", "", "", ""], ["Acme", "", "", "", "", "", ""]]
    )
    result = run_process("stats", "--relations", str(relations), "--firms", str(firms))
    assert_clean_failure(result, "f.csv:3:", "duplicate id 'Acme'", "line 2")


def test_an_id_repeated_in_a_later_firms_sheet_names_its_first_line(tmp_path):
    relations = write_sheet(tmp_path / "rel.csv", RELATIONS_HEADER, [["Acme", "CATL", "", "", "", "", ""]])
    blank = ["", "", "", "", "", ""]
    sheets = [
        write_sheet(tmp_path / f"f{number}.csv", FIRMS_HEADER, [[identifier, *blank] for identifier in ids])
        for number, ids in enumerate((["Acme", "Beta"], ["Gamma"], ["Beta"]), 1)
    ]
    args = [part for sheet in sheets for part in ("--firms", str(sheet))]
    result = run_process("stats", "--relations", str(relations), *args)
    assert_clean_failure(result, "f3.csv:2:", "duplicate id 'Beta'", "line 3")
    # the same sheets without the repeat are read, the last one's ids being new
    sheets[2].write_text(sheets[2].read_text(encoding="utf-8").replace("Beta", "Delta"), encoding="utf-8")
    assert run_process("stats", "--relations", str(relations), *args).returncode == 0


def test_a_missing_column_and_an_unreadable_parquet_file(tmp_path):
    sheet = tmp_path / "rel.csv"
    sheet.write_text("Vendor,Buyer\nAcme,CATL\n", encoding="utf-8")
    assert_clean_failure(run_process("stats", "--relations", str(sheet)), "missing column 'supplier'", "--map")
    broken = tmp_path / "rel.parquet"
    broken.write_bytes(b"not parquet at all")
    assert_clean_failure(run_process("impact", "CATL", "--relations", str(broken)), "rel.parquet", "Parquet")
    assert_clean_failure(run_process("stats", "--map", "supplier=Vendor"), "--map", "--relations")


def test_self_loops_are_kept_and_said(tmp_path):
    sheet = write_sheet(tmp_path / "rel.csv", RELATIONS_HEADER, [["Acme", "Acme", "", "", "", "", ""]])
    result = run_process("stats", "--relations", str(sheet), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "1 row is a self-loop" in result.stderr
    assert "https://w3id.org/chaingraph/import/firm/Acme" in {row["id"] for row in json.loads(result.stdout)}


def test_sparql_never_sees_the_tables(tmp_path, sheets):
    from chaingraph import export, query
    from chaingraph.errors import InputError

    relations, _ = sheets
    source = NetworkSource(open_store(), Tables(relations=(relations,)))
    with pytest.raises(TypeError, match="SPARQL reads the store"):
        query(source, "suppliers-of", {"firm": "CATL"})  # type: ignore[arg-type]
    # The store the sheets are joined to is the RDF alone: a sheet's supplier is not in it.
    rows = query(source.store, "suppliers-of", {"firm": "CATL", "hops": "1"}).select.rows
    suppliers = {str(row["supplier"]) for row in rows}
    assert suppliers and not any("/import/" in supplier for supplier in suppliers)
    assert any("/import/" in node for node in source.projection().nodes)
    for fmt in ("ttl", "parquet"):
        with pytest.raises(InputError, match="import them"):
            if fmt == "parquet":
                export_tables(source, tmp_path / "tables")
            else:
                export(source, fmt)


# --- the same numbers: command output through tables and through the import --------------------


def same_output(tmp_path: Path, tables: list[str], rdf: Path, *command: str) -> None:
    through_tables = run_process(*command, *tables, timeout=600)
    through_rdf = run_process(*command, "--data", str(rdf), timeout=600)
    assert through_tables.returncode == 0, through_tables.stderr
    assert through_rdf.returncode == 0, through_rdf.stderr
    assert through_tables.stdout == through_rdf.stdout


def test_stats_impact_gaps_and_exports_agree(tmp_path, sheets):
    relations, firms = sheets
    rdf = imported(tmp_path, relations, firms)
    tables = ["--relations", str(relations), "--firms", str(firms)]
    same_output(tmp_path, tables, rdf, "stats", "--format", "json")
    same_output(tmp_path, tables, rdf, "stats", "--chain", "ningde", "--format", "json")
    same_output(tmp_path, tables, rdf, "impact", "CATL", "--format", "json")
    # names the sheets give resolve as if imported: a new firm, a new chain, a new stage
    same_output(tmp_path, tables, rdf, "impact", "Beta Foil Co", "--format", "json")
    same_output(tmp_path, tables, rdf, "stats", "--chain", "My own chain", "--format", "json")
    same_output(tmp_path, tables, rdf, "impact", "--remove", "stage:assembly", "--format", "json")
    same_output(tmp_path, tables, rdf, "impact", "--remove", "region:Ningde", "--format", "json")
    same_output(tmp_path, tables, rdf, "gaps", "--chain", "ningde", "--region", "Ningde", "--format", "json")
    same_output(tmp_path, tables, rdf, "export", "--format", "graphml")
    # the edges sheet carries every row's product, period and source, as the import's does
    same_output(tmp_path, tables, rdf, "export", "--format", "csv")
    same_output(tmp_path, tables, rdf, "export", "--format", "csv", "--table", "firms")


def test_views_agree(tmp_path, sheets):
    relations, firms = sheets
    rdf = imported(tmp_path, relations, firms)
    pages = []
    for source in (["--relations", str(relations), "--firms", str(firms)], ["--data", str(rdf)]):
        target = tmp_path / f"view-{len(pages)}.html"
        result = run_process("view", "ningde", *source, "-o", str(target))
        assert result.returncode == 0, result.stderr
        pages.append(target.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]


def test_a_synthetic_network_as_a_sheet(tmp_path):
    network = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "1500", "-o", str(network)).returncode == 0
    sheet = tmp_path / "edges.csv"
    exported = run_process("export", "--no-bundled", "--data", str(network), "--format", "csv", "-o", str(sheet))
    assert exported.returncode == 0, exported.stderr
    rdf = imported(tmp_path, sheet)
    same_output(tmp_path, ["--relations", str(sheet)], rdf, "stats", "--format", "json")
    same_output(tmp_path, ["--relations", str(sheet)], rdf, "impact", "--all", "--top", "5", "--format", "json")


def test_a_willems_chain_as_tables(tmp_path):
    from ..interchange.test_interchange import WILLEMS_MAP, willems

    source = willems("38")  # skips outside CI without the shared data sets
    mapped = WILLEMS_MAP
    rdf = tmp_path / "willems.nt"
    made = run_process("import", "--relations", str(source), "--firms", str(source), *mapped, "-o", str(rdf))
    assert made.returncode == 0, made.stderr
    tables = ["--relations", str(source), "--firms", str(source), *mapped]
    same_output(tmp_path, tables, rdf, "stats", "--format", "json")
    same_output(tmp_path, tables, rdf, "impact", "--all", "--by", "stage", "--format", "json")


def test_an_import_to_a_store_reads_back_as_its_tables(tmp_path, sheets):
    relations, firms = sheets
    store = tmp_path / "mine.store"
    made = run_process("import", "--relations", str(relations), "--firms", str(firms), "--store", str(store))
    assert made.returncode == 0, made.stderr
    assert "1 row is a self-loop" in made.stderr  # the import says what the tables reader says
    manifest = json.loads((store / "chaingraph-store.json").read_text(encoding="utf-8"))
    assert manifest["files"] == [str(relations.resolve()), str(firms.resolve())]
    for command in (["stats", "--format", "json"], ["impact", "--remove", "region:Ningde", "--format", "json"]):
        from_store = run_process(*command, "--store", str(store))
        from_tables = run_process(*command, "--relations", str(relations), "--firms", str(firms))
        assert from_store.returncode == 0, from_store.stderr
        assert from_store.stdout == from_tables.stdout
    again = run_process("import", "--relations", str(relations), "--store", str(store))
    assert_clean_failure(again, "already exists", "--force")
    assert (store / "chaingraph-store.json").is_file()  # nothing the user had is lost
    both = run_process("import", "--relations", str(relations), "--store", str(store), "-o", str(tmp_path / "x.ttl"))
    assert_clean_failure(both, "-o and --store")


def test_one_tables_value_reused_with_another_store_joins_that_store(tmp_path, sheets, ttl):
    relations, _ = sheets
    tables = Tables(relations=str(relations))  # one path as a string is one sheet
    assert [str(path) for path in tables.relations] == [str(relations)]
    extra = ttl('ex:x a cg:Company ; rdfs:label "Extra Co"@en ; cg:locationUnknown true ; cg:supplierOf fj:catl .')
    first = tables.projection(open_store())
    second = tables.projection(open_store([extra]))
    # Independent: each store with the sheet, read afresh.
    assert second.nodes == NetworkSource(open_store([extra]), Tables(relations=(relations,))).projection().nodes
    assert "https://example.test/x" in second.nodes and "https://example.test/x" not in first.nodes
    with pytest.raises(TypeError):
        Tables(relations=[1, 2])


def test_a_sheet_firm_is_found_by_the_id_its_sheet_gives(sheets):
    """The id ``Acme Cells`` (an IRI ending ``Acme%20Cells``) names its firm as the user wrote it."""
    from chaingraph.queries import names

    relations, firms = sheets
    source = NetworkSource(open_store(), Tables(relations=(relations,), firms=(firms,)))
    found = source.resolve("acme cells", names.FIRM)
    assert str(found) == "https://w3id.org/chaingraph/import/firm/Acme%20Cells"
