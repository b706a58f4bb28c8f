"""Kernels both measure paths share: the NetworkX reference (:mod:`chaingraph.analysis`) calls them
above its igraph threshold, the compiled path (:mod:`chaingraph.compiled`) always. A leaf, so
neither path imports the other for them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scaled_betweenness"]


def scaled_betweenness(compiled, sources: list[int] | None) -> np.ndarray:
    """igraph's directed betweenness normalised like NetworkX's, and scaled by ``n / k`` when
    only ``k`` sampled ``sources`` start paths."""
    n = compiled.vcount()
    if n <= 2:
        return np.zeros(n)
    if sources is None:
        return np.asarray(compiled.betweenness(directed=True), dtype=float) * (1 / ((n - 1) * (n - 2)))
    raw = np.asarray(compiled.betweenness(directed=True, sources=sources), dtype=float)
    return raw * ((n / len(sources)) / ((n - 1) * (n - 2)))
