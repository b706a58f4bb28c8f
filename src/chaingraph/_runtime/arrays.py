"""Array steps NumPy does slowly for this project's data."""

from __future__ import annotations

import numpy as np

__all__ = ["sorted_unique"]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by one sort: the distinct values, ascending.

    NumPy 2.4's ``np.unique`` hashes before it sorts, which is quick for a few distinct values and
    slow for many: 3.6 million edge keys, nearly all distinct (the pairs of a million firms' supply
    edges), took 3.7 s against 0.24 s sorted (issue 47).

    >>> sorted_unique(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
