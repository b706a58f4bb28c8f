"""The plain-CSV reader's steps (``sheets/columns.py``)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chaingraph.sheets.columns import _positions_of


@given(st.binary(max_size=200), st.integers(min_value=1, max_value=17))
def test_a_byte_is_found_block_by_block_where_a_whole_mask_finds_it(data, block):
    raw = np.frombuffer(data, dtype=np.uint8)
    expected = [i for i, byte in enumerate(data) if byte == ord("\n")]
    assert _positions_of(raw, ord("\n"), block).tolist() == expected


def _relations_layout(path, columns):
    """A relations table of ``columns`` (name -> cells), written as Parquet or CSV by the suffix."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pa.table({name: pa.array(cells, pa.string()) for name, cells in columns.items()})
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=2)  # several row groups: chunks to combine
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"]), st.sampled_from(["", "p"])),
             min_size=1, max_size=12),
    st.sampled_from([".parquet", ".csv"]),
)  # fmt: skip
def test_a_sheet_reads_every_cell_and_its_empty_columns_are_one_array(tmp_path_factory, rows, suffix):
    from chaingraph.sheets import RELATION_FIELDS
    from chaingraph.sheets.columns import read_sheet

    suppliers, clients, products = (list(column) for column in zip(*rows, strict=True))
    empty = [""] * len(rows)
    path = tmp_path_factory.mktemp("sheet") / f"relations{suffix}"
    columns = {"supplier": suppliers, "client": clients, "supplies": products, "source": empty, "evidence": empty}
    sheet = read_sheet(_relations_layout(path, columns), RELATION_FIELDS, "relations", {})
    for name, cells in columns.items():
        assert sheet.column(name).to_pylist() == cells
    for name in RELATION_FIELDS:  # a field the table lacks reads as empty cells
        if name not in columns:
            assert sheet.column(name).to_pylist() == empty
    # what the memory depends on: every column with no text is one array, however many there are
    empties = {id(sheet.values[name]) for name in sheet.values if not any(sheet.column(name).to_pylist())}
    assert len(empties) == 1
