"""A firms sheet of new firms is joined a column at a time (``SheetJoin._new_firm_columns``); what
it states must be what the row-by-row join (the only join before, kept for every other sheet)
states of the same rows: the reference here is that path, forced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.errors import InputError
from chaingraph.projection.join import SheetJoin
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

from ..conftest import write_csv

FIELDS = ["id", "name_en", "name_zh", "located_in", "address", "chain", "stage", "kind"]

ROWS = [
    ["f1", "Alpha Co", "阿尔法", "Ningde", "", "ningde", "cells", ""],
    ["f2", "", "", "", "福建省厦门市思明区湖滨南路", "", "", "firm"],
    ["f3", "Beta Ltd", "", "Zhejiang", "", "A new chain", "", "Firm"],
    ["f4", "Gamma", "伽马", "", "", "", "anodes", ""],
    ["https://example.org/firm/5", "Delta", "", "Ningde", "", "A new chain", "cells", ""],
    ["f6", "Alpha Co", "", "Nowhere Town", "", "ningde", "cells", ""],
    ["f7", "  ", "寧德新能源", "", "Nowhere street 1", "", "", ""],
]
RELATIONS = [["f1", "f2"], ["f2", "f3"], ["f4", "f1"], ["Alpha Co", "https://example.org/firm/5"], ["f7", "f6"]]


def _joined(folder: Path, rows: list[list[str]], relations: list[list[str]]):
    firms = write_csv(folder / "firms.csv", FIELDS, rows)
    sheet = write_csv(folder / "rel.csv", ["supplier", "client"], relations)
    source = NetworkSource(open_store(), Tables(relations=[sheet], firms=[firms]))
    table = source.projection()
    return {
        "nodes": table.nodes,
        "columns": table.columns,
        "edges": list(zip(table.suppliers.tolist(), table.clients.tolist(), strict=True)),
        "evidence": np.asarray(table.evidence).tolist(),
        "meta": table.meta,
        "details": {edge: dict(found) for edge, found in table.details.items()},
        "names": {kind: dict(source.names(kind)) for kind in ("firm", "place", "chain", "stage")},
    }


def _row_by_row(monkeypatch) -> None:
    monkeypatch.setattr(SheetJoin, "_new_firm_columns", lambda self, sheet, cells: False)


def test_a_sheet_of_new_firms_states_what_the_rows_state_one_by_one(tmp_path, monkeypatch):
    columns = _joined(tmp_path, ROWS, RELATIONS)
    with monkeypatch.context() as patch:
        _row_by_row(patch)
        one_by_one = _joined(tmp_path, ROWS, RELATIONS)
    assert columns == one_by_one
    # and the sheet was indeed joined a column at a time (its firms are all new)
    calls = []
    original = SheetJoin._new_firm_columns
    monkeypatch.setattr(SheetJoin, "_new_firm_columns", lambda *args: calls.append(original(*args)) or calls[-1])
    _joined(tmp_path, ROWS, RELATIONS)
    assert calls == [True]


def test_a_bad_kind_cell_is_named_at_its_first_row_on_both_paths(tmp_path, monkeypatch):
    rows = [*ROWS[:2], ["f8", "Eta", "", "", "", "", "", "bogus"], ["f9", "Theta", "", "", "", "", "", "bogus"]]
    with pytest.raises(InputError) as columns:
        _joined(tmp_path, rows, RELATIONS[:1])
    _row_by_row(monkeypatch)
    with pytest.raises(InputError) as one_by_one:
        _joined(tmp_path, rows, RELATIONS[:1])
    assert str(columns.value) == str(one_by_one.value)
    assert "firms.csv:4" in str(columns.value)


def test_a_graph_firm_or_an_identifier_cell_joins_row_by_row(tmp_path, monkeypatch):
    """A row naming the graph's CATL by its IRI is no new firm: the sheet goes row by row."""
    calls = []
    original = SheetJoin._new_firm_columns
    monkeypatch.setattr(SheetJoin, "_new_firm_columns", lambda *args: calls.append(original(*args)) or calls[-1])
    rows = [*ROWS[:2], ["https://w3id.org/chaingraph/fujian/catl", "CATL", "", "", "", "", "", ""]]
    joined = _joined(tmp_path, rows, RELATIONS[:1])
    assert calls == [False]
    assert "https://w3id.org/chaingraph/fujian/catl" in joined["nodes"]


CELL = st.sampled_from(["", "Ningde", "Fujian", "Elsewhere", "宁德", "cells", "anodes", "New chain", "firm", "Firm"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*[CELL] * 6, st.sampled_from(["", "firm", "FIRM"])), min_size=1, max_size=12))
def test_any_sheet_of_new_firms_states_what_the_rows_state(tmp_path_factory, monkeypatch, cells):
    rows = [[f"id{i}", *found] for i, found in enumerate(cells)]
    relations = [[rows[i][0], rows[(i * 7 + 1) % len(rows)][0]] for i in range(len(rows))]
    folder = tmp_path_factory.mktemp("sheets")
    columns = _joined(folder, rows, relations)
    with monkeypatch.context() as patch:
        _row_by_row(patch)
        assert _joined(folder, rows, relations) == columns


@pytest.mark.parametrize("reader", ["tables", "import"])
def test_a_firms_sheet_asks_the_graph_about_its_ids_at_once(tmp_path, monkeypatch, reader):
    """A firms sheet of 300 firms by IRI asked the graph about each id alone, each ask walking every
    kind learned before: 75 s at 100k rows. Its ids are asked in one go now."""
    import chaingraph.interchange.csv_import as csv_import
    import chaingraph.projection.tables as tables_module
    from chaingraph.interchange.csv_import import import_csv
    from chaingraph.queries.context import import_context

    asked: list[int] = []

    def counting_context(store):
        context = import_context(store)
        kinds_of = context._kinds_of

        def counted(iris):
            asked.append(len(iris))
            return kinds_of(iris)

        context._kinds_of = counted
        return context

    monkeypatch.setattr(tables_module if reader == "tables" else csv_import, "import_context", counting_context)
    rows = [[f"https://example.org/firm/{i}", f"Firm {i}", "", "", "", "", "", ""] for i in range(300)]
    firms = write_csv(tmp_path / "firms.csv", FIELDS, rows)
    relations = write_csv(
        tmp_path / "rel.csv", ["supplier", "client"], [[rows[i][0], rows[i + 1][0]] for i in range(299)]
    )
    if reader == "tables":
        table = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms])).projection()
        assert "https://example.org/firm/299" in table.nodes
    else:
        import_csv(Tables(relations=[relations], firms=[firms]), context=open_store())
    assert len(asked) <= 2 and sum(asked) >= 300  # every id asked about, in one or two asks
