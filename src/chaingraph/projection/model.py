"""The projection's data model: the supply network as columns (:class:`Projection`).

A leaf: the projection (:mod:`chaingraph.projection`), its saved files
(:mod:`chaingraph.projection.saved`) and the compiled graph all build on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..settings import EVIDENCE_LEVELS
from ..sheets.quantities import EdgeQuantities, edge_quantities, pair_edges, without_quantities

__all__ = [
    "NODE_ATTRIBUTES",
    "NetworkFacts",
    "Projection",
    "edge_evidence",
    "evidence_codes",
    "place_ancestors",
    "stage_infos",
    "stages_in_order",
]

#: The node attributes of the projection, in the order the NetworkX graph carries them.
NODE_ATTRIBUTES = (
    "kind",
    "label",
    "label_zh",
    "place",
    "place_label",
    "places",
    "county",
    "prefecture",
    "province",
    "chains",
    "stage",
    "stage_label",
    "stage_order",
)


# What a node lacking an attribute has (graphs built by hand, stage-level graphs).
_MISSING: dict[str, object] = {"places": [], "chains": [], "stage_order": 0}


@dataclass
class Projection:
    """The supply network as columns: what the NetworkX graph and the compiled graph are built from.

    ``nodes`` are IRIs; ``columns`` hold one value per node for each of :data:`NODE_ATTRIBUTES`;
    edge ``i`` runs from ``nodes[suppliers[i]]`` to ``nodes[clients[i]]``; beside the edges, as
    columns, ``evidence`` holds each one's evidence level (a code into
    :data:`~chaingraph.settings.EVIDENCE_LEVELS`) and ``quantities`` its value, volume and shares
    (none stated: ``nan``); ``details`` holds the qualified relations' attributes by (supplier,
    client) IRI (products, sources, periods; read only by what needs them, so a saved projection
    parses them on first use); ``meta`` is what ``graph.graph`` holds (chains, places,
    selection). The NetworkX graph carries it all as edge attributes (:meth:`to_networkx`).
    """

    nodes: list[str]
    columns: dict[str, list]
    suppliers: np.ndarray
    clients: np.ndarray
    details: Mapping[tuple[str, str], dict]
    meta: dict
    quantities: EdgeQuantities = None  # type: ignore[assignment]  # None: no edge states one
    evidence: np.ndarray = None  # type: ignore[assignment]  # None: read from the details
    #: Values derived from this very projection, each computed once and kept (a compiled graph's
    #: stage groups and shares): every measure that reads them shares them. A projection with other
    #: nodes or edges (``restrict``, ``keep_edges``, ``dataclasses.replace``) starts with none.
    derived: dict = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.quantities is None:
            self.quantities = EdgeQuantities.none(len(self.suppliers))
        elif len(self.quantities) != len(self.suppliers):
            raise ValueError(f"{len(self.quantities)} edges' quantities for {len(self.suppliers)} edges")
        if self.evidence is None:
            self.evidence = evidence_codes(self.nodes, self.suppliers, self.clients, self.details)
        elif len(self.evidence) != len(self.suppliers):
            raise ValueError(f"{len(self.evidence)} edges' evidence levels for {len(self.suppliers)} edges")

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.suppliers)

    def node_index(self) -> dict[str, int]:
        """Each node's position, found once and kept with the projection (a ranking asks for
        thousands of groups; the sampled measures each ask for their sources)."""
        found = self.derived.get("node_index")
        if found is None:
            found = self.derived["node_index"] = {node: i for i, node in enumerate(self.nodes)}
        return found

    def positions_by(self, column: str) -> dict[object, list[int]]:
        """Each value of the node column ``column`` (each member of a set-valued one, such as
        ``chains`` or ``places``) with the positions of the nodes holding it, in node order; found
        in one pass and kept with the projection: a chain's members among 100k firms are read
        without passing over the firms once per chain."""
        key = ("positions_by", column)
        found = self.derived.get(key)
        if found is None:
            grouped: dict[object, list[int]] = {}
            for i, value in enumerate(self.columns[column]):
                if isinstance(value, (set, frozenset, list, tuple)):
                    for member in value:
                        grouped.setdefault(member, []).append(i)
                else:
                    grouped.setdefault(value, []).append(i)
            found = self.derived[key] = grouped
        return found

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph) -> Projection:
        """The columns of a projected (or stage-level) NetworkX graph; edge attributes become
        quantities and details."""
        nodes = list(graph)
        index = {node: i for i, node in enumerate(nodes)}
        data = [graph.nodes[node] for node in nodes]
        edges = list(graph.edges(data=True))
        suppliers = np.fromiter((index[a] for a, _, _ in edges), dtype=np.int64, count=len(edges))
        clients = np.fromiter((index[b] for _, b, _ in edges), dtype=np.int64, count=len(edges))
        attributes = {(a, b): found for a, b, found in edges if found}
        return cls(
            nodes=nodes,
            columns={name: [node.get(name, _MISSING.get(name, "")) for node in data] for name in NODE_ATTRIBUTES},
            suppliers=suppliers,
            clients=clients,
            details={pair: rest for pair, found in attributes.items() if (rest := without_quantities(found))},
            meta=dict(graph.graph),
            quantities=edge_quantities(nodes, suppliers, clients, attributes),
            evidence=evidence_codes(nodes, suppliers, clients, attributes),
        )

    def to_networkx(self) -> nx.DiGraph:
        """The projection as a ``networkx.DiGraph``, nodes and edges in projection order."""
        graph = nx.DiGraph()
        graph.graph.update(self.meta)
        names = list(self.columns)
        values = [self.columns[name] for name in names]
        graph.add_nodes_from(
            (node, dict(zip(names, row, strict=True))) for node, *row in zip(self.nodes, *values, strict=True)
        )
        nodes = self.nodes
        for supplier, client in zip(self.suppliers.tolist(), self.clients.tolist(), strict=True):
            pair = (nodes[supplier], nodes[client])
            found = self.details.get(pair)
            graph.add_edge(*pair, **(dict(found) if found else {}))
        for edge in self.quantities.stating().tolist():
            graph.edges[nodes[self.suppliers[edge]], nodes[self.clients[edge]]].update(self.quantities.details(edge))
        return graph

    def keep_edges(self, keep: np.ndarray) -> Projection:
        """The projection with only the edges ``keep`` (a mask over the edges) marks, every node kept."""
        return dataclasses.replace(
            self,
            suppliers=self.suppliers[keep],
            clients=self.clients[keep],
            quantities=self.quantities.take(keep),
            evidence=self.evidence[keep],
        )

    def restrict(self, keep: np.ndarray, meta: dict | None = None) -> Projection:
        """The part of the projection on the nodes where ``keep`` is true (order kept)."""
        new_index = np.full(len(self.nodes), -1, dtype=np.int64)
        kept = np.flatnonzero(keep)
        new_index[kept] = np.arange(len(kept))
        edge_kept = keep[self.suppliers] & keep[self.clients]
        chosen = kept.tolist()
        return Projection(
            nodes=[self.nodes[i] for i in chosen],
            columns={name: [column[i] for i in chosen] for name, column in self.columns.items()},
            suppliers=new_index[self.suppliers[edge_kept]],
            clients=new_index[self.clients[edge_kept]],
            details=self.details,
            meta=dict(meta if meta is not None else self.meta),
            quantities=self.quantities.take(edge_kept),
            evidence=self.evidence[edge_kept],
        )


@dataclass
class NetworkFacts:
    """What the projection is assembled from, as read: the nodes (typed ones sorted by IRI, then
    untyped edge ends), their kinds, English and Chinese names (``None`` where missing), the places
    each is located in, its chains and stage; the supply edges as sorted unique id pairs with the
    qualified relations' details; and the places, chains and control pairs of ``meta``.

    The SPARQL reader (:func:`read_facts`) and the tables reader (:mod:`chaingraph.projection.tables`) both produce it,
    and :func:`assemble` turns either into the same :class:`Projection`.
    """

    nodes: list[str]
    kinds: list[str]
    english: list[str | None]
    chinese: list[str | None]
    located: list[list[str] | None]
    chains: list[frozenset[str]]
    stages: list[str]
    suppliers: np.ndarray
    clients: np.ndarray
    details: Mapping[tuple[str, str], dict]
    places: dict[str, dict]
    chain_meta: dict[str, dict]
    controls: list[list[str]]
    #: The first ``typed`` nodes have an organization class; the rest are untyped edge ends.
    typed: int
    #: The qualified ownerships' ``[owner, owned, start, end]`` (``""`` for a missing bound).
    control_periods: list[list[str]] = dataclasses.field(default_factory=list)
    #: What is bought and sold at each stage: ``(name, stage)`` pairs (see
    #: :class:`chaingraph.names.ProductVocabulary`), from which firms with no stage take one.
    stage_vocabulary: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    #: ``(input stage, stage)`` pairs of ``cg:essentialFor``: the inputs a stage cannot produce
    #: without (see :func:`chaingraph.measures.cascade.cascade`).
    essential_inputs: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def edge_evidence(data: Mapping) -> str:
    """The evidence level of an edge from its attributes (``unspecified`` when it has none)."""
    return data.get("evidence", "unspecified")


def evidence_codes(
    nodes: Sequence[str], suppliers: np.ndarray, clients: np.ndarray, details: Mapping[tuple[str, str], Mapping]
) -> np.ndarray:
    """Each edge's evidence level as a code into :data:`~chaingraph.settings.EVIDENCE_LEVELS`, from
    the attributes ``details`` holds by (supplier, client) IRI (an edge with none: unspecified)."""
    unspecified = EVIDENCE_LEVELS.index("unspecified")
    codes = np.full(len(suppliers), unspecified, dtype=np.int8)
    if not len(suppliers) or not details:
        return codes
    pairs, levels = [], []
    for pair, data in details.items():
        level = EVIDENCE_LEVELS.index(edge_evidence(data))
        if level != unspecified:
            pairs.append(pair)
            levels.append(level)
    if pairs:
        at, present = pair_edges(nodes, suppliers, clients, pairs)
        codes[at[present]] = np.array(levels, dtype=np.int8)[present]
    return codes


def place_ancestors(places: dict[str, dict], place: str) -> list[str]:
    """The place and every place it lies in, nearest first (cycles in bad data are cut)."""
    order: list[str] = []
    frontier = [place]
    while frontier:
        current = frontier.pop(0)
        if current in order:
            continue
        order.append(current)
        frontier.extend(places.get(current, {}).get("parents", []))
    return order


def stage_infos(meta: Mapping) -> dict[str, dict]:
    """Every stage of every chain of a projection's ``meta``: stage IRI -> its label, Chinese
    label, order (and member count)."""
    return {stage: info for chain in meta["chains"].values() for stage, info in chain["stages"].items()}


def stages_in_order(chain: Mapping) -> list[tuple[str, dict]]:
    """A chain's stages upstream first: by their ``cg:stageOrder``, then label."""
    return sorted(chain["stages"].items(), key=lambda item: (item[1]["order"], item[1]["label"]))
