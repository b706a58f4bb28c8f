"""How the supply network changed between two dates: ``chaingraph diff --from D1 --to D2``.

Dates are read as ``--as-of`` reads them (a year, a month or a day; :mod:`chaingraph.projection.periods`).
A relation *began* when its edge is in force on the second date and not on the first, and *ended*
the other way round; undated edges count as in force on both dates, so they never begin or end. A
firm is in the network on a date when one of its edges is (undated ones included): it *entered*
or *left* accordingly. Rank changes are those of PageRank and dependence among the firms in the
first ``top`` on either date: the firms that moved (``every``: all of them), a firm out of the network
on a date having no rank on it; coverage is each regional chain's stages with a local member in the
network, and its local-sourcing share, on each date.

>>> from chaingraph.store import open_store
>>> report = diff(open_store(), Scope(chain="ningde"), from_date="2021", to_date="2025")
>>> sorted(r["supplier"].rsplit("/", 1)[1] for r in report.began)[:3]
['lopal', 'shenghua', 'tinci']
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..measures import dispatch
from ..measures import reference as analysis
from ..projection import periods
from ..projection.model import Projection
from ..projection.selection import Scope, make_selection, scope_for, select_columns
from ..projection.source import Source, network_source
from ..records import ChainCoverage, DiffReport, FirmRef, RankChange, RelationChange

__all__ = ["RANKED_MEASURES", "diff"]

#: The measures whose ranks ``diff`` compares.
RANKED_MEASURES = ("pagerank", "dependence")


def diff(
    source: Source,
    scope: Scope | None = None,
    *,
    from_date: str,
    to_date: str,
    top: int = 10,
    every: bool = False,
) -> DiffReport:
    """The changes between two dates of the part of the network ``scope`` chooses (its chain,
    region and evidence; the dates are the two given) (see the module's docstring)."""
    then, now = periods.window(from_date), periods.window(to_date)
    if then.first > now.first:
        raise InputError(f"--from {then.text} is after --to {now.text}: give the earlier date to --from")
    source = network_source(source)
    selection = make_selection(source, scope_for(scope, "diff", "chain", "region", "evidence"))
    table = select_columns(source.projection(), selection)
    before, after = periods.edge_states(table, then), periods.edge_states(table, now)
    in_before, in_after = before != periods.NOT_IN_FORCE, after != periods.NOT_IN_FORCE
    report = DiffReport(then.text, now.text, table.meta.get("selection", ""))
    report.undated = int(np.count_nonzero(before == periods.UNDATED))
    report.began = [_relation(table, i) for i in np.flatnonzero(in_after & ~in_before).tolist()]
    report.ended = [_relation(table, i) for i in np.flatnonzero(in_before & ~in_after).tolist()]
    active_before, active_after = _active(table, in_before), _active(table, in_after)
    report.entered = [_firm(table, i) for i in np.flatnonzero(active_after & ~active_before).tolist()]
    report.left = [_firm(table, i) for i in np.flatnonzero(active_before & ~active_after).tolist()]
    dated = [_on(table, in_before), _on(table, in_after)]
    report.rank_changes = _rank_changes(table, dated, top, [active_before, active_after], every)
    report.coverage = _coverage(table, dated, [active_before, active_after])
    return report


def _on(table: Projection, keep: np.ndarray) -> Projection:
    return table.keep_edges(keep)


def _active(table: Projection, keep: np.ndarray) -> np.ndarray:
    """The nodes with an edge among those ``keep`` marks."""
    active = np.zeros(len(table), dtype=bool)
    active[table.suppliers[keep]] = True
    active[table.clients[keep]] = True
    return active


def _relation(table: Projection, edge: int) -> RelationChange:
    supplier, client = table.nodes[table.suppliers[edge]], table.nodes[table.clients[edge]]
    details = table.details.get((supplier, client), {})
    labels = table.columns["label"]
    return {
        "supplier": supplier,
        "supplier_label": labels[table.suppliers[edge]],
        "client": client,
        "client_label": labels[table.clients[edge]],
        "supplies": list(details.get("supplies", [])),
        "periods": list(details.get("periods", [])),
        "sources": list(details.get("sources", [])),
    }


def _firm(table: Projection, node: int) -> FirmRef:
    return {"id": table.nodes[node], "label": table.columns["label"][node], "label_zh": table.columns["label_zh"][node]}


def _ranks(values, nodes: list[str], labels: list[str]) -> list[int]:
    """Each node's rank by ``values``, 1 the highest, ties in label order (as ``stats`` sorts)."""
    order = sorted(range(len(nodes)), key=lambda i: (-float(values[nodes[i]]), labels[i]))
    ranks = [0] * len(nodes)
    for rank, i in enumerate(order, 1):
        ranks[i] = rank
    return ranks


def _rank_changes(
    table: Projection, dated: list[Projection], top: int, active: list[np.ndarray], every: bool
) -> list[RankChange]:
    """The leading firms' ranks then and now: a firm out of the network on a date has no rank on
    it (it entered or left instead); only those that moved unless ``every``."""
    runs = [dispatch.rankings(network, RANKED_MEASURES) for network in dated]
    labels = table.columns["label"]
    changes: list[RankChange] = []
    for measure in RANKED_MEASURES:
        ranks = [_ranks(run[measure], table.nodes, labels) for run in runs]
        leading = sorted({i for rank in ranks for i, position in enumerate(rank) if position <= top})
        for i in leading:
            then, now = (rank[i] if present[i] else None for rank, present in zip(ranks, active, strict=True))
            change = then - now if then is not None and now is not None else None
            if not every and not change:
                continue
            changes.append(
                {
                    "id": table.nodes[i],
                    "label": labels[i],
                    "label_zh": table.columns["label_zh"][i],
                    "measure": measure,
                    "rank_from": then,
                    "rank_to": now,
                    "change": change,
                }
            )
    changes.sort(
        key=lambda row: (-abs(row["change"] or 0), row["measure"], row["rank_to"] or len(labels) + 1, row["label"])
    )
    return changes


def _coverage(table: Projection, dated: list[Projection], active: list[np.ndarray]) -> list[ChainCoverage]:
    """Each regional chain's stages with a local member in the network, and its local-sourcing
    share, on each date."""
    rows: list[ChainCoverage] = []
    chains = sorted({c for member_of in table.columns["chains"] for c in member_of})
    for chain in chains:
        info = table.meta["chains"].get(chain, {})
        if not info.get("region"):
            continue
        covered, shares = [], []
        for network, present in zip(dated, active, strict=True):
            stages = analysis.stage_coverage(network.restrict(present), chain)
            covered.append(sum(1 for stage in stages if stage["covered"]))
            shares.append(analysis.cluster_local_sourcing(network, chain)["share"])
        rows.append(
            ChainCoverage(
                chain=chain,
                label=info.get("label", chain),
                stages_covered_from=covered[0],
                local_share_from=shares[0],
                stages_covered_to=covered[1],
                local_share_to=shares[1],
                stages=len(info.get("stages", {})),
            )
        )
    return rows
