"""The sheet's relations as columns (projection/details.py) and the join's node order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chaingraph._runtime.arrays import sorted_positions


@given(st.lists(st.text(), unique=True, max_size=60))
def test_nodes_sorted_as_python_sorts_them(texts):
    """The join orders a million IRIs with Arrow's sort; the order must be Python's (code points),
    lone surrogates (no UTF-8) included."""
    assert sorted_positions(texts).tolist() == sorted(range(len(texts)), key=texts.__getitem__)
