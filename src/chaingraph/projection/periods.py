"""Which of the projection's edges are in force on a date, by the period rule of
:mod:`chaingraph.sheets.dates` (bounds at their own precision, a date asked for as a window): an edge
(a supplier-client pair) is in force when one of its relations is; it is *undated* when none is in
force and one of its relations has no period at all, or it has no qualified relation (a plain
``cg:supplierOf``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..sheets.dates import (
    IN_FORCE,
    NOT_IN_FORCE,
    UNDATED,
    Window,
    bound_error,
    first_day,
    last_day,
    relation_state,
    window,
)
from .model import Projection

__all__ = [
    "IN_FORCE",
    "NOT_IN_FORCE",
    "UNDATED",
    "Window",
    "bound_error",
    "edge_state",
    "edge_states",
    "first_day",
    "last_day",
    "relation_state",
    "window",
]


def edge_state(details: Mapping | None, on: Window) -> int:
    """:data:`IN_FORCE`, :data:`NOT_IN_FORCE` or :data:`UNDATED` for one edge's attributes."""
    intervals: Sequence = details.get("intervals", ()) if details else ()
    if not intervals:
        return UNDATED
    states = {relation_state(start, end, on) for start, end in intervals}
    if IN_FORCE in states:
        return IN_FORCE
    return UNDATED if UNDATED in states else NOT_IN_FORCE


def edge_states(projection: Projection, on: Window) -> np.ndarray:
    """The state of each of the projection's edges on ``on`` (see :func:`edge_state`), in edge order."""
    states = np.full(projection.edge_count, UNDATED, dtype=np.int8)
    details = projection.details
    if not details:
        return states
    nodes = projection.nodes
    cache: dict[tuple, int] = {}
    for i, (a, b) in enumerate(zip(projection.suppliers.tolist(), projection.clients.tolist(), strict=True)):
        found = details.get((nodes[a], nodes[b]))
        if found is None:
            continue
        key = tuple(tuple(bounds) for bounds in found.get("intervals", ()))
        state = cache.get(key)
        if state is None:
            state = cache[key] = edge_state(found, on)
        states[i] = state
    return states
