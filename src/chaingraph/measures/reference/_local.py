"""A regional chain's local sourcing (supply relations into the region's firms from inside it, by
count and by amount) and its stages' coverage by local members.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np

from ...projection.model import Projection, stages_in_order
from ...records import LocalSourcing, StageCoverage

__all__ = ["as_projection", "cluster_local_sourcing", "stage_coverage"]


def as_projection(graph: nx.DiGraph | Projection) -> Projection:
    """The columns of a graph: a projection as it is, a NetworkX graph converted."""
    return graph if isinstance(graph, Projection) else Projection.from_networkx(graph)


def cluster_local_sourcing(graph: nx.DiGraph | Projection, chain: str) -> LocalSourcing:
    """Share of supply relations into a chain's regional firms that come from inside the region.

    A client counts when it belongs to ``chain`` and lies in the chain's region; a supplier is
    local when it lies in the region too. Suppliers with no known location are counted apart.
    ``by_amount`` measures the same by value per currency and by volume per unit, over the located
    relations that state one (``relations`` of ``known``). Reads a NetworkX graph or the
    projection's columns alike.
    """
    table = as_projection(graph)
    region = table.meta["chains"][chain].get("region")
    places = table.columns["places"]
    local = known = unknown = 0
    amounts: dict[tuple[str, str], list[float]] = {}  # (value|volume, unit) -> [local, total, relations]
    quantities = table.quantities
    # The edges into the chain's regional firms, found over the nodes (a network of 100k firms has
    # 357k edges and a chain's region a few hundred of them), then read in edge order.
    member = np.zeros(len(table), dtype=bool)
    member[[i for i in table.positions_by("chains").get(chain, []) if region in places[i]]] = True
    into = np.flatnonzero(member[table.clients]) if len(table) else np.empty(0, dtype=np.int64)
    for edge, supplier in zip(into.tolist(), table.suppliers[into].tolist(), strict=True):
        if not places[supplier]:
            unknown += 1
            continue
        known += 1
        inside = region in places[supplier]
        local += inside
        for amount, numbers, units in (
            ("value", quantities.value, quantities.value_unit),
            ("volume", quantities.volume, quantities.volume_unit),
        ):
            number = float(numbers[edge])
            if not math.isnan(number):
                found = amounts.setdefault((amount, quantities.units[units[edge]]), [0.0, 0.0, 0])
                found[0] += number if inside else 0.0
                found[1] += number
                found[2] += 1
    return {
        "chain": chain,
        "region": region,
        "local": local,
        "known": known,
        "unknown": unknown,
        "share": local / known if known else None,
        # The same over the located relations that state a value (a volume), per currency (unit):
        # the local-sourcing claims' own unit where the data has it.
        "by_amount": [
            {
                "basis": basis,
                "unit": unit,
                "local": found[0],
                "total": found[1],
                "relations": int(found[2]),
                "share": found[0] / found[1] if found[1] else None,
            }
            for (basis, unit), found in sorted(amounts.items())
        ],
    }


def stage_coverage(graph: nx.DiGraph | Projection, chain: str) -> list[StageCoverage]:
    """For each stage of a chain, the members located in the chain's region (upstream first)."""
    table = as_projection(graph)
    info = table.meta["chains"][chain]
    region = info.get("region")
    covered: dict[str, list[str]] = defaultdict(list)
    places, by_stage = table.columns["places"], table.positions_by("stage")
    for stage in info["stages"]:
        for i in by_stage.get(stage, []):
            if region in places[i]:
                covered[stage].append(table.nodes[i])
    rows: list[StageCoverage] = []
    for stage, stage_info in stages_in_order(info):
        rows.append(
            {
                "stage": stage,
                "label": stage_info["label"],
                "label_zh": stage_info["label_zh"],
                "order": stage_info["order"],
                "local_members": sorted(covered.get(stage, [])),
                "covered": bool(covered.get(stage)),
            }
        )
    return rows
