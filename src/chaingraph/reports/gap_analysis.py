"""The chain's gaps in a region (``chaingraph gaps``): which stages of a chain a region lacks or
holds thin, and which outside firms already trade with its firms there, so a promotion agency
knows whom to invite (filling, strengthening and extending the chain: 补链、强链、延链).

The network is the whole chain, wherever its members are; the region only says whose gaps are
measured. For each stage, in the chain's order:

- *local members*: organizations of the chain at the stage located in the region (through parks
  and cities); *elsewhere*: the number of the stage's members outside it;
- *local share*: of the supply relations whose client is one of the region's members and whose
  supplier is at the stage, the share whose supplier lies in the region (``None`` without any);
- *status*: ``missing`` (no local member), ``thin`` (one named organization), ``cluster`` (no two
  named organizations, but a cluster segment: a group of firms the source does not name, of a
  size it does not state, so neither thin nor known to be covered) or ``covered`` (two or more);
- *targets* of a stage not covered: organizations at the stage outside the region that supply
  the region's members or buy from them, ranked by how many of the region's firms they trade
  with, then by dependence (PageRank against supply in the chain's network); each with its role
  (``supplier``: a supplier to attract; ``buyer``: a buyer to court, which trades downstream of
  the region's firms; ``both``), its place (or flagged as of unknown location), the strongest
  evidence of its relations with the region's members, and their sources.

The *leaders* (链主) are the region's members ranked by PageRank along supply in the chain's
network: the integrators, top 3.

>>> from chaingraph.store import open_store
>>> report = gaps(open_store(), Scope(chain="ningde"), region="Ningde")
>>> [stage["label"] for stage in report.stages if stage["status"] == "missing"]
['end use (electric vehicles)']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..measures import compiled
from ..measures.compiled import AnalysisGraph
from ..projection.model import stages_in_order
from ..projection.selection import Scope, make_selection, scope_for, select_columns
from ..projection.source import Source, network_source
from ..queries import names
from ..records import AttractionTarget, FirmRef, GapStage, Leader
from ..settings import EVIDENCE_LEVELS

__all__ = ["GapsReport", "gaps"]

#: Local members below this many make a stage ``thin``; none make it ``missing``.
COVERED_FROM = 2
#: Chain leaders listed.
LEADERS = 3


@dataclass
class GapsReport:
    """The stages of each chain in order, with their status and targets, and the region's leaders."""

    region: str
    stages: list[GapStage]
    leaders: list[Leader]

    def as_json(self) -> dict:
        return {"region": self.region, "stages": self.stages, "leaders": self.leaders}


def gaps(
    source: Source,
    scope: Scope,
    *,
    region: str,
) -> GapsReport:
    """The gaps of ``scope``'s chain (a chain, or every chain of a region) in ``region``, the
    subject (not a filter: the firms outside it are whom to attract).

    ``scope``'s ``evidence`` keeps only edges of those levels, as everywhere: with ``stated``, a firm
    known only from inferred edges is no target; its ``as_of`` and ``undated`` date the network.
    """
    scope = scope_for(scope, "gaps", "chain", "evidence", "as_of", "undated")
    if not scope.chain or not region:
        raise InputError("gaps needs --chain and --region")
    source = network_source(source)
    place = str(source.resolve(region, names.PLACE))
    selection = make_selection(source, scope)
    table = select_columns(source.projection(), selection)
    columns, nodes = table.columns, table.nodes
    graph = AnalysisGraph(table)
    pagerank = compiled.pagerank(graph) if len(table) else np.zeros(0)
    dependence = compiled.dependence(graph) if len(table) else np.zeros(0)
    local = np.fromiter((place in places for places in columns["places"]), dtype=bool, count=len(table))
    trade = _OutsideTrade()
    for supplier, client in zip(graph.suppliers.tolist(), graph.clients.tolist(), strict=True):
        for outside, member, role in ((supplier, client, "supplier"), (client, supplier, "buyer")):
            if local[member] and not local[outside]:
                trade.partners.setdefault(outside, set()).add(member)
                trade.relations.setdefault(outside, []).append((nodes[supplier], nodes[client]))
                trade.roles.setdefault(outside, set()).add(role)
    stages: list[GapStage] = []
    for chain_iri in sorted(selection.chains or ()):
        info = table.meta["chains"].get(chain_iri)
        if info is None:
            continue
        in_chain = np.fromiter((chain_iri in c for c in columns["chains"]), dtype=bool, count=len(table))
        for stage, stage_info in stages_in_order(info):
            stage_mask = np.fromiter((s == stage for s in columns["stage"]), dtype=bool, count=len(table))
            at_stage = np.flatnonzero(stage_mask & in_chain).tolist()
            members = [i for i in at_stage if local[i]]
            status = _status(members, columns["kind"])
            stages.append(
                {
                    "chain": info.get("id", chain_iri),
                    "stage": stage,
                    "label": stage_info["label"],
                    "label_zh": stage_info["label_zh"],
                    "status": status,
                    "local_members": [_firm(table, i) for i in sorted(members, key=lambda i: columns["label"][i])],
                    "elsewhere": len(at_stage) - len(members),
                    "local_share": _local_share(graph, local, stage_mask, in_chain),
                    "purchase_hhi": _purchase_hhi(graph, local & in_chain, stage),
                    "targets": [] if status == "covered" else _targets(table, at_stage, local, trade, dependence),
                }
            )
    ranked = sorted(np.flatnonzero(local).tolist(), key=lambda i: (-pagerank[i], columns["label"][i]))
    leaders = [Leader(**_firm(table, i), pagerank=float(pagerank[i])) for i in ranked[:LEADERS]]
    return GapsReport(place, stages, leaders)


def _status(members: list[int], kinds: list[str]) -> str:
    """A stage's status from its local members: a cluster segment stands for firms the source
    does not name or count, so it makes a stage neither thin nor covered by itself."""
    named = [i for i in members if kinds[i] != "segment"]
    if len(named) >= COVERED_FROM:
        return "covered"
    if len(named) < len(members):
        return "cluster"
    return "thin" if named else "missing"


def _firm(table, i: int) -> FirmRef:
    columns = table.columns
    return {"id": table.nodes[i], "label": columns["label"][i], "label_zh": columns["label_zh"][i]}


def _local_share(graph: AnalysisGraph, local: np.ndarray, at_stage: np.ndarray, in_chain: np.ndarray) -> float | None:
    """Of the relations whose client is a local member of the chain and whose supplier is at the
    stage (masks over the nodes), the share whose supplier is local."""
    chosen = local[graph.clients] & in_chain[graph.clients] & at_stage[graph.suppliers]
    chosen &= graph.suppliers != graph.clients
    if not chosen.any():
        return None
    return float(local[graph.suppliers[chosen]].mean())


def _purchase_hhi(graph: AnalysisGraph, buyers: np.ndarray, stage: str) -> float | None:
    """The HHI of the most concentrated purchase of ``stage`` by one of ``buyers`` (a mask over
    the nodes: the region's members of the chain), by the share rule; ``None`` when none buys it."""
    groups = compiled.stage_groups(graph)
    if stage not in groups.stage_names:
        return None
    chosen = buyers[groups.client_of_key] & (groups.stage_of_key == groups.stage_names.index(stage))
    return float(compiled.purchase_group_hhi(graph)[chosen].max()) if chosen.any() else None


@dataclass
class _OutsideTrade:
    """Each firm outside the region that trades with its members (by node): the members it trades
    with, its relations' (supplier, client) IRIs, and whether it supplies them, buys from them or
    both."""

    partners: dict[int, set[int]] = field(default_factory=dict)
    relations: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    roles: dict[int, set[str]] = field(default_factory=dict)


def _targets(table, at_stage, local, trade: _OutsideTrade, dependence) -> list[AttractionTarget]:
    """The firms at a stage (``at_stage``) outside the region that trade with its members, most
    partners first, then by dependence."""
    columns = table.columns
    partners, relations, roles = trade.partners, trade.relations, trade.roles
    candidates = [i for i in at_stage if not local[i] and i in partners]
    candidates.sort(key=lambda i: (-len(partners[i]), -dependence[i], columns["label"][i]))
    found: list[AttractionTarget] = []
    for i in candidates:
        levels, sources = set(), set()
        for pair in relations[i]:
            data = table.details.get(pair, {})
            levels.add(data.get("evidence", "unspecified"))
            sources.update(data.get("sources", []))
        found.append(
            AttractionTarget(
                **_firm(table, i),
                place=columns["place_label"][i],
                location_unknown=not columns["place"][i],
                role="both" if len(roles[i]) == 2 else next(iter(roles[i])),
                local_partners=len(partners[i]),
                dependence=float(dependence[i]),
                evidence=min(levels, key=EVIDENCE_LEVELS.index),
                sources=sorted(sources),
            )
        )
    return found
