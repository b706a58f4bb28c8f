"""Networks of groups rather than firms: each firm merged into the organization that controls it
(:func:`group_by_owner`, ``cg:controls`` followed to its top), and firms aggregated by chain stage
(:func:`stage_level`). The edges of a group are the union of its members' edges, their evidence
and sources kept.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from .._runtime.arrays import sorted_unique
from ..sheets.quantities import EdgeQuantities
from ..vocab import EVIDENCE_LEVELS, local_name
from .model import Projection, edge_evidence, place_ancestors

__all__ = ["group_by_owner", "owners", "owners_of", "stage_level"]


def owners(projection: Projection) -> np.ndarray:
    """For each node, the id of the organization that ultimately controls it (itself if none),
    by :func:`owners_of` on the projection's control relations."""
    return owners_of(projection.nodes, projection.meta.get("controls", []))


def owners_of(nodes: Sequence[str], controls: Iterable[Sequence[str]]) -> np.ndarray:
    """For each of ``nodes``, the index of the organization that ultimately controls it (itself if
    none), by ``controls``, ``(owner, owned)`` IRI pairs.

    Control is followed up the chain (a unit of a subsidiary goes to the parent); a node with two
    controllers goes to the first by IRI; a circle of control is headed by its first node.

    >>> owners_of(["parent", "unit", "subsidiary"], [("parent", "subsidiary"), ("subsidiary", "unit")]).tolist()
    [0, 0, 0]
    """
    index = {node: i for i, node in enumerate(nodes)}
    parent: dict[int, int] = {}
    for owner, owned in controls:
        if owner in index and owned in index and index[owned] not in parent and owner != owned:
            parent[index[owned]] = index[owner]
    result = np.arange(len(nodes), dtype=np.int64)
    for start in parent:
        path, position, current = [start], {start: 0}, start
        while current in parent:
            following = parent[current]
            if following in position:  # control runs in a circle: its first node heads it
                current = min(path[position[following] :])
                break
            position[following] = len(path)
            path.append(following)
            current = following
        result[start] = current
    return result


def group_by_owner(projection: Projection) -> Projection:
    """The projection with every controlled organization merged into its ultimate controller.

    The merged node keeps the controller's name, kind, place and stage, lies in every chain and
    place of its members, and lists them in ``meta["grouped"]`` (controller -> members); supply
    inside a group is dropped, and parallel edges become one, with the strongest evidence.
    """
    owner = owners(projection) if projection.meta.get("controls") else None
    if owner is None or (owner == np.arange(len(owner))).all():
        return dataclasses.replace(projection, meta=dict(projection.meta, grouped={}))
    nodes = projection.nodes
    kept = np.flatnonzero(owner == np.arange(len(owner)))
    new_id = np.full(len(nodes), -1, dtype=np.int64)
    new_id[kept] = np.arange(len(kept))
    suppliers, clients = new_id[owner[projection.suppliers]], new_id[owner[projection.clients]]
    n = max(len(kept), 1)
    pairs = sorted_unique((suppliers * n + clients)[suppliers != clients])
    columns = {name: [column[i] for i in kept.tolist()] for name, column in projection.columns.items()}
    grouped: dict[str, list[str]] = defaultdict(list)
    for member in np.flatnonzero(owner != np.arange(len(owner))).tolist():
        head = int(new_id[owner[member]])
        grouped[nodes[owner[member]]].append(nodes[member])
        columns["chains"][head] = sorted(set(columns["chains"][head]) | set(projection.columns["chains"][member]))
        more = [p for p in projection.columns["places"][member] if p not in columns["places"][head]]
        columns["places"][head] = list(columns["places"][head]) + more
    details: dict[tuple[str, str], dict] = {}
    index = {node: i for i, node in enumerate(nodes)}
    for (supplier, client), data in projection.details.items():
        if supplier not in index or client not in index:
            continue
        pair = (nodes[owner[index[supplier]]], nodes[owner[index[client]]])
        if pair[0] != pair[1]:
            details[pair] = _merged_details(details.get(pair), data)
    return Projection(
        nodes=[nodes[i] for i in kept.tolist()],
        columns=columns,
        suppliers=pairs // n,
        clients=pairs % n,
        quantities=_merged_quantities(projection, suppliers * n + clients, suppliers != clients, pairs),
        evidence=_merged_evidence(projection.evidence, suppliers * n + clients, suppliers != clients, pairs),
        details=details,
        meta=dict(
            projection.meta,
            grouped={head: sorted(members) for head, members in grouped.items()},
            grouped_labels={
                projection.columns["label"][index[head]]: sorted(projection.columns["label"][index[m]] for m in members)
                for head, members in sorted(grouped.items())
            },
        ),
    )


def _merged_evidence(evidence: np.ndarray, keys: np.ndarray, across: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The evidence level of each merged edge (``pairs``, sorted keys): the strongest of the edges
    it stands for (codes follow :data:`~chaingraph.settings.EVIDENCE_LEVELS`, strongest first)."""
    merged = np.full(len(pairs), len(EVIDENCE_LEVELS) - 1, dtype=np.int8)
    np.minimum.at(merged, np.searchsorted(pairs, keys[across]), evidence[across])
    return merged


def _merged_quantities(
    projection: Projection, keys: np.ndarray, across: np.ndarray, pairs: np.ndarray
) -> EdgeQuantities:
    """The quantities of the merged edges (``pairs``, sorted keys; ``keys`` each original edge's):
    an edge that stands for one qualified relation keeps its quantities; one that stands for
    several has none, their shares being of different wholes (:func:`_merged_details` merges the
    rest)."""
    nodes, details = projection.nodes, projection.details
    stating = projection.quantities.stating()
    qualified = np.zeros(len(keys), dtype=bool)
    qualified[stating] = True
    for edge, (a, b) in enumerate(zip(projection.suppliers.tolist(), projection.clients.tolist(), strict=True)):
        if (nodes[a], nodes[b]) in details:
            qualified[edge] = True
    counted = qualified & across
    found, counts = np.unique(keys[counted], return_counts=True)
    alone = set(found[counts == 1].tolist())
    taken = [edge for edge in stating.tolist() if across[edge] and int(keys[edge]) in alone]
    if not taken:
        return EdgeQuantities.none(len(pairs))
    merged = EdgeQuantities.blank(len(pairs))
    chosen = projection.quantities.take(np.array(taken, dtype=np.int64))
    at = np.searchsorted(pairs, keys[taken])
    for name, column in chosen.arrays().items():
        getattr(merged, name)[at] = column
    merged.units = chosen.units
    return merged


def _merged_details(found: dict | None, data: dict) -> dict:
    """The attributes of an edge that stands for ``found``'s edges and one more with ``data``."""
    if found is None:
        return dict(data)
    keys = ("supplies", "periods", "sources")
    level = min(edge_evidence(found), edge_evidence(data), key=EVIDENCE_LEVELS.index)
    merged: dict[str, Any] = {key: sorted(set(found.get(key, [])) | set(data.get(key, []))) for key in keys}
    merged.update(evidence=level, inferred=level == "inferred")
    if level == "inferred":
        for key in ("inference", "reasons"):
            merged[key] = sorted(set(found.get(key, [])) | set(data.get(key, [])))
    return merged


def stage_level(graph: nx.DiGraph) -> nx.DiGraph:
    """Aggregate firms and segments into one node per chain stage.

    An edge stage A -> stage B carries ``weight``, the number of firm-level edges from a member of
    A to a member of B; edges inside one stage are dropped. Nodes with no stage are left out and
    counted in ``graph.graph["unstaged"]``.
    """
    staged = nx.DiGraph()
    staged.graph = dict(graph.graph)
    chain_of_stage = {s: c for c, info in graph.graph["chains"].items() for s in info["stages"]}
    unstaged = 0
    common: dict[str, set[str]] = {}  # stage -> the places every located member is in
    for data in graph.nodes.values():
        stage = data.get("stage")
        if not stage:
            unstaged += 1
            continue
        if stage not in staged:
            info = graph.graph["chains"].get(chain_of_stage.get(stage, ""), {}).get("stages", {}).get(stage, {})
            chain = chain_of_stage.get(stage, "")
            region = graph.graph["chains"].get(chain, {}).get("region") or ""
            places = graph.graph["places"]
            ancestors = place_ancestors(places, region) if region else []
            staged.add_node(
                stage,
                kind="stage",
                label=info.get("label", data.get("stage_label") or local_name(stage)),
                label_zh=info.get("label_zh", ""),
                place=region,
                place_label=places.get(region, {}).get("label", ""),
                places=ancestors,
                county="",
                prefecture="",
                province="",
                chains=[chain] if chain else [],
                stage=stage,
                stage_label=info.get("label", ""),
                stage_order=info.get("order", 0),
                members=0,
            )
        staged.nodes[stage]["members"] += 1
        if data.get("places"):
            common.setdefault(stage, set(data["places"])).intersection_update(data["places"])
    _place_stages_where_their_members_are(staged, common, graph.graph["places"])
    _add_stage_edges(staged, graph)
    staged.graph["unstaged"] = unstaged
    return staged


def _place_stages_where_their_members_are(
    staged: nx.DiGraph, common: dict[str, set[str]], places: dict[str, dict]
) -> None:
    """A stage node's place is the most specific place all its located members are in (Ningde,
    for a view of ``--region Ningde``), not its chain's region; the region stays when the members
    share no place or none is located."""
    for stage, shared in common.items():
        if not shared:
            continue
        place = max(sorted(shared), key=lambda candidate: len(place_ancestors(places, candidate)))
        staged.nodes[stage].update(
            place=place, place_label=places.get(place, {}).get("label", ""), places=place_ancestors(places, place)
        )


def _add_stage_edges(staged: nx.DiGraph, graph: nx.DiGraph) -> None:
    """One edge per pair of stages with a firm-level edge between their members, weighted by how many."""
    for supplier, client, data in graph.edges(data=True):
        a, b = graph.nodes[supplier].get("stage"), graph.nodes[client].get("stage")
        if not a or not b or a == b:
            continue
        if staged.has_edge(a, b):
            edge = staged.edges[a, b]
            edge["weight"] += 1
            for key in ("supplies", "periods", "sources"):
                edge[key] = sorted(set(edge[key]) | set(data.get(key, ())))
            edge["inferred"] = edge["inferred"] and data.get("inferred", False)
            edge["evidence"] = min(edge["evidence"], edge_evidence(data), key=EVIDENCE_LEVELS.index)
        else:
            staged.add_edge(
                a,
                b,
                weight=1,
                supplies=list(data.get("supplies", ())),
                periods=list(data.get("periods", ())),
                sources=list(data.get("sources", ())),
                inferred=data.get("inferred", False),
                evidence=edge_evidence(data),
            )
