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
