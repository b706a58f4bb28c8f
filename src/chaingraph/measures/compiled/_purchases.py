"""Purchases on the compiled graph: single sourcing, stage groups, the shares of each purchase and
sale, the concentration measures (HHI by supplier, region and owner group; the largest client's
share), every client's concentrated purchases and the network's concentration summary.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..._runtime.records import RecordsOnRead
from ...projection.groups import owners
from ...records import Concentration, PurchaseConcentration
from ...sheets.quantities import EdgeQuantities
from ..shares import BASES, EdgeShares, edge_shares
from ._graph import AnalysisGraph

__all__ = [
    "StageGroups",
    "concentrated_purchases",
    "concentration_summary",
    "group_hhi",
    "purchase_group_hhi",
    "purchase_hhi",
    "purchase_shares",
    "real_quantities",
    "region_hhi",
    "sales_shares",
    "single_sourced",
    "stage_groups",
    "supply_shares",
    "top_customer_share",
]


def single_sourced(graph: AnalysisGraph) -> Sequence[dict]:
    """For each client, the stages it buys from exactly one supplier (see :func:`reference.single_sourced`).

    The findings as records built when read (``stats`` counts them; a list of the same dicts
    compares equal)."""
    columns = graph.projection.columns
    stages = sorted(set(columns["stage"]))
    stage_id = {stage: i for i, stage in enumerate(stages)}
    supplier_stage = np.asarray([stage_id[s] for s in columns["stage"]], dtype=np.int64)[graph.suppliers]
    keys = graph.clients * len(stages) + supplier_stage
    unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
    single = counts == 1
    found_keys, suppliers = unique[single], graph.suppliers[first[single]]

    def finding(i: int) -> dict:
        key, supplier = int(found_keys[i]), int(suppliers[i])
        return {
            "client": graph.nodes[key // len(stages)],
            "stage": stages[key % len(stages)],
            "stage_label": columns["stage_label"][supplier],
            "supplier": graph.nodes[supplier],
        }

    return RecordsOnRead(len(found_keys), finding)


@dataclass
class StageGroups:
    """A compiled graph's supply edges (self-loops left out: ``real``) grouped by client and
    supplier stage: the edges with a staged supplier (``staged``, over the real edges), each one's
    ``key``, and each key's client and stage (an index into ``stage_names``)."""

    real: np.ndarray
    staged: np.ndarray
    key: np.ndarray
    client_of_key: np.ndarray
    stage_of_key: np.ndarray
    stage_names: list[str]
    node_stage: np.ndarray


_Found = TypeVar("_Found")


def _once_per_graph(compute: Callable[[AnalysisGraph], _Found]) -> Callable[[AnalysisGraph], _Found]:
    """``compute`` run once per graph, kept in its cache: a ranking runs the cascade for every
    candidate on one graph, and the groups and shares do not change between them."""

    @functools.wraps(compute)
    def cached(graph: AnalysisGraph) -> _Found:
        if compute.__name__ not in graph.cache:
            graph.cache[compute.__name__] = compute(graph)
        return graph.cache[compute.__name__]

    return cached


@_once_per_graph
def stage_groups(graph: AnalysisGraph) -> StageGroups:
    """The (client, supplier stage) groups of ``graph``'s edges."""
    stage_column = graph.projection.columns["stage"]
    real = graph.suppliers != graph.clients  # a self-loop is no supply
    suppliers, clients = graph.suppliers[real], graph.clients[real]
    stage_names = sorted({s for s in stage_column if s})
    stage_id = {s: i for i, s in enumerate(stage_names)}
    node_stage = np.fromiter((stage_id.get(s, -1) for s in stage_column), dtype=np.int64, count=graph.n)
    staged = node_stage[suppliers] >= 0
    width = max(len(stage_names), 1)
    # Keys per (client, stage) pair that has a supplier, not per client and stage: a dense clients
    # x stages table took 1.7 GB for 8,000 firms of one stage each.
    pairs, key = np.unique(clients[staged] * width + node_stage[suppliers][staged], return_inverse=True)
    client_of_key, stage_of_key = np.divmod(pairs, width)
    return StageGroups(real, staged, key.reshape(-1), client_of_key, stage_of_key, stage_names, node_stage)


@_once_per_graph
def real_quantities(graph: AnalysisGraph) -> EdgeQuantities:
    """The quantities of the real edges (self-loops left out), in their order."""
    return graph.quantities.take(stage_groups(graph).real)


@_once_per_graph
def purchase_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each staged real edge's share of its client's purchases of the stage, and each group's basis."""
    groups = stage_groups(graph)
    quantities = real_quantities(graph).take(groups.staged)
    return edge_shares(groups.key, len(groups.client_of_key), quantities.client_share, quantities)


@_once_per_graph
def supply_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each real edge's share of its client's purchases of everything, and each client's basis."""
    quantities = real_quantities(graph)
    return edge_shares(graph.clients[stage_groups(graph).real], graph.n, None, quantities)


@_once_per_graph
def sales_shares(graph: AnalysisGraph) -> EdgeShares:
    """Each real edge's share of its supplier's sales, and each supplier's basis."""
    quantities = real_quantities(graph)
    return edge_shares(graph.suppliers[stage_groups(graph).real], graph.n, quantities.supplier_share, quantities)


@_once_per_graph
def purchase_group_hhi(graph: AnalysisGraph) -> np.ndarray:
    """The HHI of each (client, supplier stage) purchase, by :func:`stage_groups`' keys."""
    groups = stage_groups(graph)
    shares = purchase_shares(graph).share
    return 10_000 * np.bincount(groups.key, weights=shares * shares, minlength=len(groups.client_of_key))


def purchase_hhi(graph: AnalysisGraph) -> np.ndarray:
    """The HHI of each firm's most concentrated input stage (see :func:`reference.purchase_hhi`)."""
    found = np.zeros(graph.n)
    np.maximum.at(found, stage_groups(graph).client_of_key, purchase_group_hhi(graph))
    return found


def region_hhi(graph: AnalysisGraph) -> np.ndarray:
    """Each firm's purchase HHI with suppliers summed by province (see :func:`reference.region_hhi`)."""
    return _grouped_purchase_hhi(graph, _first_seen_ids(graph.projection.columns["province"]))


def _first_seen_ids(values: list) -> np.ndarray:
    """An id per value, numbered in order of first appearance, an empty value (no province known)
    an id of its own each: the numbering a dict filled in node order gives (the sums of each
    purchase's groups run in this order), found by NumPy rather than a Python step per node."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    distinct = {value: code for code, value in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(distinct.__getitem__, values), dtype=np.int64, count=n)
    empty = ~np.fromiter(map(bool, values), dtype=bool, count=n)
    _, first = np.unique(codes, return_index=True)
    opens = empty.copy()  # where a new id starts: each empty value, each value's first node
    opens[first] = True
    opened = np.cumsum(opens) - 1
    return np.where(empty, opened, opened[first][codes])


def group_hhi(graph: AnalysisGraph) -> np.ndarray:
    """Each firm's purchase HHI with suppliers summed by owner group (see :func:`reference.group_hhi`)."""
    return _grouped_purchase_hhi(graph, owners(graph.projection))


def _grouped_purchase_hhi(graph: AnalysisGraph, group: np.ndarray) -> np.ndarray:
    """:func:`purchase_hhi` with each purchase's shares summed by ``group`` (an id per node) first."""
    groups = stage_groups(graph)
    shares = purchase_shares(graph).share
    staged_suppliers = graph.suppliers[groups.real][groups.staged]
    width = int(group.max()) + 1 if graph.n else 1
    # One entry per (purchase, supplier group): the shares summed, then squared per purchase.
    pair = groups.key.astype(np.int64) * width + group[staged_suppliers]
    unique, inverse = np.unique(pair, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=shares, minlength=len(unique))
    per_purchase = 10_000 * np.bincount(unique // width, weights=summed * summed, minlength=len(groups.client_of_key))
    found = np.zeros(graph.n)
    np.maximum.at(found, groups.client_of_key, per_purchase)
    return found


def top_customer_share(graph: AnalysisGraph) -> np.ndarray:
    """The share of each firm's sales its largest client takes (see :func:`reference.top_customer_share`)."""
    found = np.zeros(graph.n)
    np.maximum.at(found, graph.suppliers[stage_groups(graph).real], sales_shares(graph).share)
    return found


def concentrated_purchases(graph: AnalysisGraph, hhi_above: float = 0.0) -> list[PurchaseConcentration]:
    """Each firm's purchase of one input stage whose HHI (0-10,000, the suppliers' shares by the
    share rule of :func:`.shares.group_shares`) is above ``hhi_above``, most concentrated first:
    the single-sourced finding with a threshold.

    Parameters
    ----------
    graph : AnalysisGraph
        Supply edges supplier -> client; each client's purchases are grouped by the suppliers'
        stage (self-loops and unstaged suppliers in none), as :func:`stage_groups` does.
    hhi_above : float
        Keep the purchases whose HHI is strictly above this (10,000: one supplier with all of it).

    Returns
    -------
    list of dict
        ``client``, ``stage``, ``suppliers`` (how many), ``hhi``, ``top_supplier`` and
        ``top_share`` (the supplier with the largest share, the first by id on a tie) and
        ``basis`` (what the shares rest on: one of :data:`.shares.BASES`); sorted by HHI, highest
        first, then by client id.

    Notes
    -----
    A single supplier whose stated share is 0.6 gives an HHI of 3,600: the rest of that input
    is bought elsewhere, from suppliers the data does not name.
    """
    groups = stage_groups(graph)
    if not len(groups.client_of_key):  # no staged purchase at all
        return []
    by_key, shares = purchase_group_hhi(graph), purchase_shares(graph)
    suppliers = graph.suppliers[groups.real][groups.staged]
    counts = np.bincount(groups.key, minlength=len(by_key))
    # Each key's edges in a run, largest share first (then lowest supplier id): the run's first is its top.
    order = np.lexsort((suppliers, -shares.share, groups.key))
    starts = order[np.flatnonzero(np.r_[True, groups.key[order][1:] != groups.key[order][:-1]])]
    wanted = np.flatnonzero(by_key > hhi_above)
    nodes = graph.nodes
    rows: list[PurchaseConcentration] = [
        {
            "client": nodes[groups.client_of_key[k]],
            "stage": groups.stage_names[groups.stage_of_key[k]],
            "suppliers": int(counts[k]),
            "hhi": float(by_key[k]),
            "top_supplier": nodes[suppliers[starts[k]]],
            "top_share": float(shares.share[starts[k]]),
            "basis": BASES[shares.basis[k]],
        }
        for k in wanted.tolist()
    ]
    rows.sort(key=lambda row: (-row["hhi"], row["client"]))
    return rows


def concentration_summary(graph: AnalysisGraph) -> Concentration:
    """How concentrated the network's purchases are, and what the shares rest on: the number of
    (client, input stage) purchases, how many have an HHI above 2,500 (highly concentrated in the
    2010 US Horizontal Merger Guidelines) and above 1,800 (the 2023 Merger Guidelines), and how many
    purchases and sellers had their shares from each basis (:data:`.shares.BASES`)."""
    by_key = purchase_group_hhi(graph)
    selling = np.bincount(graph.suppliers[stage_groups(graph).real], minlength=graph.n) > 0
    return {
        "purchases": len(by_key),
        "above_2500": int((by_key > 2500).sum()),
        "above_1800": int((by_key > 1800).sum()),
        "purchase_bases": _basis_counts(purchase_shares(graph).basis),
        "sales_bases": _basis_counts(sales_shares(graph).basis[selling]),
    }


def _basis_counts(basis: np.ndarray) -> dict[str, int]:
    counts = np.bincount(basis, minlength=len(BASES))
    return {name: int(count) for name, count in zip(BASES, counts.tolist(), strict=True) if count}
