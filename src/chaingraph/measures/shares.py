"""Shares of a client's purchases and of a supplier's sales, and their concentration (HHI).

The share rule (the README states the same). A *group* of supply edges shares out one whole:

- a client's purchases of one input stage: its edges from suppliers at that stage (the
  *purchase* shares; the cascade's stage rule reads them);
- a client's purchases of everything: all its edges in (the supply rule reads them);
- a supplier's sales: all its edges out (the *sales* shares; a demand shock reads them).

A self-loop belongs to no group. Within a group the shares come from the first basis that has
them, and the basis is reported per group:

1. ``stated``: the edges that state the share (``client_share`` for purchases, ``supplier_share``
   for sales) have it; the others split what is left of 1 equally; what is left when no other
   edge is in the group is bought or sold outside the network, and stays lost to no one. Stated
   shares that add up to more than 1 are scaled down to add up to 1, the others get none. (A
   stage's purchase shares are stated per stage; the all-purchases group has no stated basis.)
2. ``value``: every edge of the group states a value, all in one currency, adding up to more
   than 0: each edge's value over their sum.
3. ``volume``: the same with volumes, all in one unit.
4. ``equal``: 1 over the group's edges.

Two implementations, tested equal: :func:`group_shares` on one group's edge attributes (the
reference, read by :func:`chaingraph.measures.cascade.cascade` on a ``networkx.DiGraph``) and
:func:`edge_shares` on a compiled graph's arrays.

The Herfindahl-Hirschman index of a group is ``10,000 * sum(share ** 2)``: 10,000 for one
supplier with everything, near 0 for many small ones; above 2,500 is *highly concentrated* in the
2010 US Horizontal Merger Guidelines [1]_, above 1,800 in the 2023 Merger Guidelines [2]_. Where a
group's stated shares leave a part outside the network, its index counts the shares known (a lower
bound).

References
----------
.. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
   section 5.3 (2010).
.. [2] U.S. Department of Justice and Federal Trade Commission, "Merger Guidelines", section 2.1
   (2023).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..sheets.quantities import EdgeQuantities

__all__ = [
    "BASES",
    "HIGHLY_CONCENTRATED",
    "EdgeShares",
    "edge_shares",
    "group_shares",
    "hhi",
]

#: The bases of a group's shares, in the order they are tried.
BASES = ("stated", "value", "volume", "equal")
#: HHI above which a group is highly concentrated: {guidelines: threshold}.
HIGHLY_CONCENTRATED = {"2010 US Horizontal Merger Guidelines": 2500, "2023 US Merger Guidelines": 1800}


def group_shares(edges: Sequence[Mapping], stated_key: str | None) -> tuple[list[float], str]:
    """The shares of one group's edges (their attribute dicts) and the basis they came from.

    Parameters
    ----------
    edges : sequence of mapping
        The group's edges' attributes: ``stated_key``, ``value`` with ``currency``, ``volume``
        with ``volume_unit``, each optional.
    stated_key : str or None
        ``client_share``, ``supplier_share``, or ``None`` for a group with no stated basis.

    Examples
    --------
    >>> group_shares([{"supplier_share": 0.4}, {}, {}], "supplier_share")
    ([0.4, 0.3, 0.3], 'stated')
    >>> group_shares([{"supplier_share": 0.4}], "supplier_share")  # the rest is sold elsewhere
    ([0.4], 'stated')
    >>> group_shares([{"value": 3.0, "currency": "CNY"}, {"value": 1.0, "currency": "CNY"}], None)
    ([0.75, 0.25], 'value')
    >>> group_shares([{"value": 3.0, "currency": "CNY"}, {}], None)
    ([0.5, 0.5], 'equal')
    """
    if stated_key is not None and any(stated_key in e for e in edges):
        total = sum(e[stated_key] for e in edges if stated_key in e)
        unstated = sum(1 for e in edges if stated_key not in e)
        if total > 1:
            return [e[stated_key] / total if stated_key in e else 0.0 for e in edges], "stated"
        rest = (1 - total) / unstated if unstated else 0.0
        return [e.get(stated_key, rest) for e in edges], "stated"
    for amount, unit, basis in (("value", "currency", "value"), ("volume", "volume_unit", "volume")):
        if edges and all(amount in e for e in edges) and len({e[unit] for e in edges}) == 1:
            total = sum(e[amount] for e in edges)
            if total > 0:
                return [e[amount] / total for e in edges], basis
    return [1 / len(edges)] * len(edges) if edges else [], "equal"


def hhi(shares: Sequence[float]) -> float:
    """The Herfindahl-Hirschman index of shares (fractions): ``10,000 * sum(share ** 2)``.

    >>> hhi([0.5, 0.5]), hhi([1.0]), round(hhi([0.95, 0.025, 0.025]))
    (5000.0, 10000.0, 9038)
    """
    return 10_000 * sum(s * s for s in shares)


# --- on arrays ----------------------------------------------------------------------------------


@dataclass
class EdgeShares:
    """Each edge's share of its group (``nan`` for an edge of no group) and each group's basis
    (an index into :data:`BASES`)."""

    share: np.ndarray
    basis: np.ndarray


def edge_shares(group: np.ndarray, groups: int, stated: np.ndarray | None, q: EdgeQuantities) -> EdgeShares:
    """:func:`group_shares` for every group at once: ``group`` holds each edge's group (``-1``:
    none), ``stated`` each edge's stated share (``nan``: none) or is ``None`` (no stated basis)."""
    inside = group >= 0
    g = np.where(inside, group, 0)
    wanted, groups = groups, max(groups, 1)  # edges of no group count in group 0, then are dropped

    def per_group(weights: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.bincount(g[where], weights=weights[where], minlength=groups)

    size = per_group(np.ones(len(group)), inside)
    basis = np.full(groups, BASES.index("equal"), dtype=np.int64)
    share = np.where(inside, 1 / np.maximum(size[g], 1), np.nan)
    for amount, unit, name in ((q.volume, q.volume_unit, "volume"), (q.value, q.value_unit, "value")):
        has = inside & ~np.isnan(amount)
        count = per_group(np.ones(len(group)), has)
        total = per_group(np.nan_to_num(amount), has)
        lowest = np.full(groups, np.iinfo(np.int64).max)
        highest = np.full(groups, -1)
        np.minimum.at(lowest, g[has], unit[has])
        np.maximum.at(highest, g[has], unit[has])
        usable = (count == size) & (size > 0) & (lowest == highest) & (total > 0)
        basis[usable] = BASES.index(name)
        chosen = inside & usable[g]
        share[chosen] = amount[chosen] / total[g[chosen]]
    if stated is not None:
        has = inside & ~np.isnan(stated)
        count = per_group(np.ones(len(group)), has)
        total = per_group(np.nan_to_num(stated), has)
        usable = count > 0
        basis[usable] = BASES.index("stated")
        rest = np.where(total > 1, 0.0, np.clip(1 - total, 0, None) / np.maximum(size - count, 1))
        scale = np.where(total > 1, total, 1.0)
        chosen = inside & usable[g]
        share[chosen] = np.where(has[chosen], stated[chosen] / scale[g[chosen]], rest[g[chosen]])
    return EdgeShares(share, basis[:wanted])
