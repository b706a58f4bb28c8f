"""The projection: RDF in the store -> a ``networkx.DiGraph`` of supply edges, supplier -> client.

One edge per supplier-client pair, whether the data states ``cg:supplierOf``, its inverse
``cg:clientOf``, or only a qualified ``cg:SupplyRelation``. Only organizations and segments become
nodes: no literal, class or label ever does (the trap of rdflib's generic converter).

Node attributes: ``label`` (English), ``label_zh``, ``kind`` (firm, segment, association,
institute, government, organization, or stage at stage level), ``place`` and ``place_label``
(the nearest place), ``places`` (every place the node is located in and every place those lie
in, the nearest first), ``county``,
``prefecture``, ``province`` (the administrative places it lies in, where known), ``chains``,
``stage``, ``stage_label``, ``stage_order``. Edge attributes: ``supplies`` (labels), ``periods``,
``sources`` (IRIs of source passages or pages), ``inferred`` (true when every statement of the edge
follows the chain's stage order rather than a source stating it); an edge stated only directly, with
no qualified relation, has none of these attributes.

``graph.graph`` holds ``chains`` (id -> label, label_zh, region, stages) and ``places``
(id -> label, label_zh, kind, parent) so analysis and views need no further queries.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import networkx as nx
import numpy as np

from .errors import InputError
from .store import Store
from .vocab import CG, KIND_BY_CLASS, ORGANIZATION_CLASSES, PLACE_CLASSES, curies

# Literals are never nodes: `cg:supplierOf "CATL"` is an error for `validate` to report, not an edge
# to a node named by a string (which would merge with the firm whose IRI is that string).
EDGES_QUERY = """
SELECT ?supplier ?client WHERE {
  { ?supplier cg:supplierOf ?client }
  UNION { ?client cg:clientOf ?supplier }
  UNION { ?relation cg:supplier ?supplier ; cg:client ?client }
  FILTER(!isLiteral(?supplier) && !isLiteral(?client))
}"""

EDGE_DETAILS_QUERY = """
SELECT ?supplier ?client ?product ?period ?source ?inferred WHERE {
  ?relation a cg:SupplyRelation ; cg:supplier ?supplier ; cg:client ?client .
  OPTIONAL { ?relation cg:supplies/rdfs:label ?product
             FILTER(LANGMATCHES(LANG(?product), "en") || LANG(?product) = "") }
  OPTIONAL { ?relation cg:period ?period }
  OPTIONAL { ?relation prov:wasDerivedFrom ?source }
  OPTIONAL { ?relation cg:inferredFromStages ?inferred }
}"""

NODES_QUERY = f"""
SELECT ?node ?class WHERE {{
  VALUES ?class {{ {curies(ORGANIZATION_CLASSES)} }}
  ?node a ?class .
}}"""

LABELS_QUERY = """
SELECT ?node ?label (LANG(?label) AS ?language) WHERE {
  ?node rdfs:label|skos:prefLabel ?label .
  FILTER(isLiteral(?label))
}"""

MEMBERSHIP_QUERY = """
SELECT ?node ?property ?value WHERE {
  VALUES ?property { cg:locatedIn cg:inChain cg:segmentOf cg:atStage }
  ?node ?property ?value .
  FILTER(!isLiteral(?value))
}"""

# The place classes are listed, so a server loaded without the ontology answers the same; a user's
# own subclasses of cg:Place are found through the ontology where it is loaded.
PLACES_QUERY = f"""
SELECT DISTINCT ?place ?class ?parent WHERE {{
  {{ VALUES ?class {{ {curies(PLACE_CLASSES)} }} ?place a ?class }}
  UNION {{ ?place a ?class . ?class rdfs:subClassOf+ cg:Place }}
  OPTIONAL {{ ?place cg:locatedIn ?parent }}
}}"""

CHAINS_QUERY = """
SELECT ?chain ?region ?stage ?order WHERE {
  ?chain a cg:IndustrialChain .
  OPTIONAL { ?chain cg:region ?region }
  OPTIONAL { ?stage skos:inScheme ?chain ; a cg:ChainStage . OPTIONAL { ?stage cg:stageOrder ?order } }
}"""

PLACE_LEVELS = {
    str(CG.CountyLevelCity): "county",
    str(CG.PrefectureLevelCity): "prefecture",
    str(CG.Province): "province",
    str(CG.Country): "country",
    str(CG.IndustrialPark): "park",
}


@dataclass(frozen=True)
class Selection:
    """Which part of the network to analyse; ``None`` means no restriction."""

    chains: frozenset[str] | None = None
    region: str | None = None
    level: str = "firm"

    def describe(self, meta: dict) -> str:
        """The selection in words, with labels from ``meta`` (a graph's ``graph.graph``)."""
        parts = []
        if self.chains is not None:
            labels = sorted(meta["chains"].get(c, {}).get("label", c) for c in self.chains)
            parts.append("chain " + ", ".join(labels))
        if self.region is not None:
            parts.append("region " + meta["places"].get(self.region, {}).get("label", self.region))
        parts.append(f"{self.level} level")
        return "; ".join(parts)


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
    edge ``i`` runs from ``nodes[suppliers[i]]`` to ``nodes[clients[i]]``; ``details`` holds the
    qualified relations' attributes by (supplier, client) IRI; ``meta`` is what ``graph.graph``
    holds (chains, places, selection).
    """

    nodes: list[str]
    columns: dict[str, list]
    suppliers: np.ndarray
    clients: np.ndarray
    details: dict[tuple[str, str], dict]
    meta: dict

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.suppliers)

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph) -> Projection:
        """The columns of a projected (or stage-level) NetworkX graph; edge attributes become details."""
        nodes = list(graph)
        index = {node: i for i, node in enumerate(nodes)}
        data = [graph.nodes[node] for node in nodes]
        edges = list(graph.edges(data=True))
        return cls(
            nodes=nodes,
            columns={
                name: [attributes.get(name, _MISSING.get(name, "")) for attributes in data] for name in NODE_ATTRIBUTES
            },
            suppliers=np.fromiter((index[a] for a, _, _ in edges), dtype=np.int64, count=len(edges)),
            clients=np.fromiter((index[b] for _, b, _ in edges), dtype=np.int64, count=len(edges)),
            details={(a, b): attributes for a, b, attributes in edges if attributes},
            meta=dict(graph.graph),
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
        return graph

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
        )


def project(store: Store) -> nx.DiGraph:
    """The whole supply network of the store, at firm level, as a ``networkx.DiGraph``."""
    return project_columns(store).to_networkx()


def project_columns(store: Store) -> Projection:
    """The whole supply network of the store, at firm level, as columns (see :class:`Projection`).

    Rows are read as they come and turned into integer ids at once: memory grows with the number of
    nodes, not with the number of triples read.
    """
    saved = getattr(store, "saved_projection", None)
    if saved is not None:
        return saved()
    nodes, kinds = _typed_nodes(store)
    index = {node: i for i, node in enumerate(nodes)}
    typed = len(nodes)
    # The edges and the nodes' facts are read side by side: Oxigraph evaluates a query without
    # holding Python's lock, so two cores read the store at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        edges = pool.submit(_edges, store, nodes, kinds, index)
        facts = pool.submit(_node_facts, store, index, typed)
        suppliers, clients = edges.result()
        labels, memberships = facts.result()
    if len(nodes) > typed:
        # Edge ends with no organization class joined the nodes meanwhile: read their facts too.
        labels, memberships = _node_facts(store, index, len(nodes))
    meta = {"places": _places(store, labels), "chains": _chains(store, labels)}
    details = _edge_details(store, index)
    columns = _node_columns(nodes, kinds, labels, memberships, meta)
    return Projection(nodes, columns, suppliers, clients, details, meta)


def _node_facts(store: Store, index: dict[str, int], size: int) -> tuple[_Labels, _Memberships]:
    """Labels and memberships of the nodes with ids below ``size`` (and labels of everything else)."""
    return _Labels(store, index, size), _Memberships(store, index, size)


def _typed_nodes(store: Store) -> tuple[list[str], list[str]]:
    """Organizations and segments sorted by IRI (the same order whichever store answered), and
    their kinds; a node of several classes takes the first specific kind in class order."""
    kinds: dict[str, str] = {}
    for node, kind_class in sorted(store.select_lexical(NODES_QUERY)):
        kind = KIND_BY_CLASS[kind_class]
        if kinds.get(node, "organization") != "organization":
            continue  # a subclass was already seen; keep the more specific kind
        kinds[node] = kind
    return list(kinds), list(kinds.values())


def _edges(store: Store, nodes: list[str], kinds: list[str], index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Supplier and client ids of every distinct supply edge, sorted by (supplier, client).

    Ends with no organization class join ``nodes`` as plain organizations, after the typed nodes
    and sorted by IRI. The union is not made DISTINCT by the server: duplicates are dropped here on
    integer pairs, which costs the server no memory for a set of every row.
    """
    untyped: dict[str, int] = {}

    def node_id(iri: str) -> int:
        found = index.get(iri)
        if found is not None:
            return found
        return -1 - untyped.setdefault(iri, len(untyped))

    ends = np.fromiter(
        (node_id(end) for supplier, client in store.select_lexical(EDGES_QUERY) for end in (supplier, client)),
        dtype=np.int64,
    )
    if untyped:
        final = np.empty(len(untyped), dtype=np.int64)
        for iri in sorted(untyped):
            final[untyped[iri]] = index[iri] = len(nodes)
            nodes.append(iri)
            kinds.append("organization")
        provisional = ends < 0
        ends[provisional] = final[-1 - ends[provisional]]
    pairs = np.unique(ends[0::2] * len(nodes) + ends[1::2]) if len(nodes) else ends[:0]
    return pairs // max(len(nodes), 1), pairs % max(len(nodes), 1)


def _edge_details(store: Store, index: dict[str, int]) -> dict[tuple[str, str], dict]:
    """Products, periods, sources and the inferred flag of qualified relations, by (supplier, client).

    Edges carry attributes only where qualified relations give details; absent means none.
    """
    found_by_pair: dict[tuple[str, str], dict] = {}
    for supplier, client, product, period, source, inferred in store.select_lexical(EDGE_DETAILS_QUERY):
        if supplier not in index or client not in index:
            continue
        empty = {"supplies": set(), "periods": set(), "sources": set(), "stated": False}
        found = found_by_pair.setdefault((supplier, client), empty)
        if product is not None:
            found["supplies"].add(product)
        if period is not None:
            found["periods"].add(period)
        if source is not None:
            found["sources"].add(source)
        found["stated"] = found["stated"] or inferred not in ("true", "1")
    return {
        pair: {
            "supplies": sorted(found["supplies"]),
            "periods": sorted(found["periods"]),
            "sources": sorted(found["sources"]),
            "inferred": not found["stated"],
        }
        for pair, found in found_by_pair.items()
    }


class _Labels:
    """The English and Chinese label of every resource, nodes' labels kept by node id.

    The shortest label in a language is the name; longer ones are full legal names.
    """

    def __init__(self, store: Store, index: dict[str, int], size: int) -> None:
        self.node_labels: dict[str, list[str | None]] = {"en": [None] * size, "zh": [None] * size}
        self.other: dict[str, dict[str, str]] = defaultdict(dict)
        self.size = size
        for resource, text, language in store.select_lexical(LABELS_QUERY):
            key = _label_key(language)
            if key is None:
                continue
            node = index.get(resource)
            if node is not None and node >= size:
                node = None  # joined the nodes after this read began: not ours to keep by id
            current = self.other[resource].get(key) if node is None else self.node_labels[key][node]
            if current is not None and (len(current), current) <= (len(text), text):
                continue
            if node is None:
                self.other[resource][key] = text
            else:
                self.node_labels[key][node] = text
        self.index = index

    def get(self, resource: str) -> dict[str, str]:
        """``{"en": ..., "zh": ...}`` for one resource, the languages it has."""
        node = self.index.get(resource)
        if node is None or node >= self.size:
            return self.other.get(resource, {})
        return {key: found[node] for key, found in self.node_labels.items() if found[node] is not None}


def _label_key(language: str | None) -> str | None:
    """Which of the two names a label in ``language`` can be: "zh", "en" (also untagged), or none."""
    language = (language or "").lower()
    if language.startswith("zh"):
        return "zh"
    if language == "" or language == "en" or language.startswith("en-"):
        return "en"
    return None


def _places(store: Store, labels: _Labels) -> dict[str, dict]:
    places: dict[str, dict] = {}
    for place, place_class, parent in store.select_lexical(PLACES_QUERY):
        entry = places.setdefault(place, {"parents": set(), "level": None})
        level = PLACE_LEVELS.get(place_class)
        if level:
            entry["level"] = level
        if parent is not None:
            entry["parents"].add(parent)
    for place, entry in places.items():
        names = labels.get(place)
        entry["label"] = names.get("en", _local_name(place))
        entry["label_zh"] = names.get("zh", "")
        entry["parents"] = sorted(entry["parents"])
    return places


def _chains(store: Store, labels: _Labels) -> dict[str, dict]:
    chains: dict[str, dict] = {}
    for chain, region, stage, order in store.select_lexical(CHAINS_QUERY):
        entry = chains.setdefault(chain, {"region": None, "stages": {}})
        if region is not None:
            entry["region"] = region
        if stage is not None:
            entry["stages"][stage] = {
                "label": labels.get(stage).get("en", _local_name(stage)),
                "label_zh": labels.get(stage).get("zh", ""),
                "order": int(order) if order is not None and re.fullmatch(r"-?[0-9]+", order.strip()) else 0,
            }
    for chain, entry in chains.items():
        entry["id"] = _local_name(chain)
        entry["label"] = labels.get(chain).get("en", entry["id"])
        entry["label_zh"] = labels.get(chain).get("zh", "")
    return chains


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


class _Memberships:
    """Where each node is located, the chains it is in and its stage, by node id (below ``size``).

    One shared value object per distinct place, chain set and stage: a national network has
    millions of firms but few of each.
    """

    def __init__(self, store: Store, index: dict[str, int], size: int) -> None:
        shared: dict[str, str] = {}
        self.located: list[list[str] | None] = [None] * size
        self.chains: list[frozenset[str]] = [frozenset()] * size
        self.stages: list[str] = [""] * size
        located_in, in_chain, segment_of = str(CG.locatedIn), str(CG.inChain), str(CG.segmentOf)
        for node, prop, value in store.select_lexical(MEMBERSHIP_QUERY):
            i = index.get(node)
            if i is None or i >= size:
                continue
            value = shared.setdefault(value, value)
            if prop == located_in:
                if self.located[i] is None:
                    self.located[i] = [value]
                else:
                    self.located[i].append(value)
            elif prop in (in_chain, segment_of):
                self.chains[i] = self.chains[i] | {value}
            else:
                self.stages[i] = value


def _node_columns(
    nodes: list[str], kinds: list[str], labels: _Labels, memberships: _Memberships, meta: dict
) -> dict[str, list]:
    located, chains, stages = memberships.located, memberships.chains, memberships.stages
    places = meta["places"]
    stage_info = {stage: info for chain in meta["chains"].values() for stage, info in chain["stages"].items()}
    # Per-place facts are shared by every firm located there: compute them once per place.
    by_place: dict[str, dict] = {}
    for place in {p for found in located if found for p in found}:
        ancestors = place_ancestors(places, place)
        facts = {"place": place, "place_label": places.get(place, {}).get("label", ""), "places": ancestors}
        for level in ("county", "prefecture", "province"):
            facts[level] = next((p for p in ancestors if places.get(p, {}).get("level") == level), "")
        by_place[place] = facts
    nowhere = {"place": "", "place_label": "", "places": [], "county": "", "prefecture": "", "province": ""}

    def located_facts(found: list[str] | None) -> dict:
        if not found:
            return nowhere
        if len(found) == 1:
            return by_place[found[0]]
        # The deepest place names the firm's place and levels; a firm stated in two places lies in
        # the regions of both, so a region selection finds it wherever firms-in does.
        ordered = sorted(set(found), key=lambda p: (len(by_place[p]["places"]), p), reverse=True)
        facts = dict(by_place[ordered[0]])
        facts["places"] = list(dict.fromkeys(p for place in ordered for p in by_place[place]["places"]))
        return facts

    facts = [located_facts(found) for found in located]
    chain_lists: dict[frozenset, list[str]] = {}

    def chain_list(member_of: frozenset[str]) -> list[str]:
        if member_of not in chain_lists:
            chain_lists[member_of] = sorted(member_of)
        return chain_lists[member_of]

    infos = [stage_info.get(stage, {}) for stage in stages]
    english, chinese = labels.node_labels["en"], labels.node_labels["zh"]
    columns: dict[str, list] = {
        "kind": kinds,
        "label": [en or zh or _local_name(node) for node, en, zh in zip(nodes, english, chinese, strict=True)],
        "label_zh": [zh or "" for zh in chinese],
    }
    for key in ("place", "place_label", "places", "county", "prefecture", "province"):
        columns[key] = [fact[key] for fact in facts]
    columns["chains"] = [chain_list(member_of) for member_of in chains]
    columns["stage"] = stages
    columns["stage_label"] = [info.get("label", "") for info in infos]
    columns["stage_order"] = [info.get("order", 0) for info in infos]
    return {name: columns[name] for name in NODE_ATTRIBUTES}


def _local_name(iri: str) -> str:
    for separator in ("#", "/", ":"):
        if separator in iri.rstrip(separator):
            return iri.rstrip(separator).rsplit(separator, 1)[1]
    return iri


def _selected(selection: Selection, chains: list[str], places: list[str]) -> bool:
    if selection.chains is not None and not selection.chains.intersection(chains):
        return False
    return selection.region is None or selection.region in places


def select(graph: nx.DiGraph, selection: Selection) -> nx.DiGraph:
    """The part of ``graph`` a selection asks for, at firm or stage level (a new graph)."""
    if selection.level not in ("firm", "stage"):
        raise InputError(f"--level {selection.level!r}: use firm or stage")
    kept = {n for n, data in graph.nodes(data=True) if _selected(selection, data["chains"], data["places"])}
    # Built in the full graph's node and edge order: networkx's subgraph views follow the order
    # of a set when the selection is small, and float sums (PageRank) would then differ in the
    # last digits between processes.
    chosen = nx.DiGraph()
    chosen.add_nodes_from((node, dict(data)) for node, data in graph.nodes(data=True) if node in kept)
    chosen.add_edges_from(
        (supplier, client, dict(data))
        for supplier, client, data in graph.edges(data=True)
        if supplier in kept and client in kept
    )
    chosen.graph = dict(graph.graph)
    chosen.graph["selection"] = selection.describe(graph.graph)
    return stage_level(chosen) if selection.level == "stage" else chosen


def select_columns(projection: Projection, selection: Selection) -> Projection:
    """The firm-level part of a projection that a selection asks for (what :func:`select` keeps)."""
    if selection.level != "firm":
        raise InputError(f"--level {selection.level!r}: columns are firm level; use select() for stages")
    meta = dict(projection.meta, selection=selection.describe(projection.meta))
    if selection.chains is None and selection.region is None:
        # Everything is selected: share the columns rather than copy every one of them.
        return dataclasses.replace(projection, meta=meta)
    chains, places = projection.columns["chains"], projection.columns["places"]
    keep = np.fromiter(
        (_selected(selection, chains[i], places[i]) for i in range(len(projection))),
        dtype=bool,
        count=len(projection),
    )
    return projection.restrict(keep, meta)


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
                label=info.get("label", data.get("stage_label") or _local_name(stage)),
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
        else:
            staged.add_edge(
                a,
                b,
                weight=1,
                supplies=list(data.get("supplies", ())),
                periods=list(data.get("periods", ())),
                sources=list(data.get("sources", ())),
                inferred=data.get("inferred", False),
            )
    staged.graph["unstaged"] = unstaged
    return staged
