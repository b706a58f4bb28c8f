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
``sources`` (IRIs of source passages or pages), ``evidence`` (``stated`` when a source states the
edge, ``inferred`` when every statement of it is an inference, with its ``inference`` kinds and
``reasons``; see :data:`vocab.EVIDENCE_LEVELS`) and ``inferred`` (``evidence == "inferred"``); an
edge stated only directly, with no qualified relation, has none of these attributes and its
evidence is ``unspecified``.

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

from ..errors import InputError
from ..store.base import Store
from ..vocab import (
    CG,
    EVIDENCE_LEVELS,
    INFERENCE_KINDS,
    KIND_BY_CLASS,
    ORGANIZATION_CLASSES,
    PLACE_CLASSES,
    check_level,
    curies,
    evidence_level,
    local_name,
)
from .model import NODE_ATTRIBUTES, Projection
from .saved import PROJECTION_FORMAT, read_saved_projection

__all__ = [
    "CHAINS_QUERY",
    "CONTROLS_QUERY",
    "EDGES_QUERY",
    "EDGE_DETAILS_QUERY",
    "LABELS_QUERY",
    "MEMBERSHIP_QUERY",
    "NODES_QUERY",
    "PLACES_QUERY",
    "PLACE_LEVELS",
    "Selection",
    "edge_evidence",
    "evidence_counts",
    "group_by_owner",
    "owners",
    "place_ancestors",
    "project",
    "project_columns",
    "select",
    "select_columns",
    "stage_level",
]

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
SELECT ?supplier ?client ?product ?period ?source ?evidence ?inferred ?reason WHERE {
  ?relation a cg:SupplyRelation ; cg:supplier ?supplier ; cg:client ?client .
  OPTIONAL { ?relation cg:supplies/rdfs:label ?product
             FILTER(LANGMATCHES(LANG(?product), "en") || LANG(?product) = "") }
  OPTIONAL { ?relation cg:period ?period }
  OPTIONAL { ?relation prov:wasDerivedFrom ?source }
  OPTIONAL { ?relation cg:evidence ?evidence }
  OPTIONAL { ?relation cg:inferredFromStages ?inferred }
  OPTIONAL { ?relation cg:inferenceReason ?reason
             FILTER(LANGMATCHES(LANG(?reason), "en") || LANG(?reason) = "") }
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

# Only control merges firms (--group-by owner); a part stake (cg:hasStakeIn) does not.
CONTROLS_QUERY = """
SELECT ?owner ?owned WHERE {
  ?owner cg:controls ?owned .
  FILTER(!isLiteral(?owned))
}
ORDER BY ?owned ?owner"""

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
    #: The evidence levels of the edges kept (see :data:`vocab.EVIDENCE_LEVELS`); ``None``: all.
    evidence: frozenset[str] | None = None
    #: ``owner``: each firm merged into the organization that controls it (``cg:controls``).
    group_by: str | None = None

    def describe(self, meta: dict) -> str:
        """The selection in words, with labels from ``meta`` (a graph's ``graph.graph``)."""
        parts = []
        if self.chains is not None:
            labels = sorted(meta["chains"].get(c, {}).get("label", c) for c in self.chains)
            parts.append("chain " + ", ".join(labels))
        if self.region is not None:
            parts.append("region " + meta["places"].get(self.region, {}).get("label", self.region))
        parts.append(f"{self.level} level")
        if self.evidence is not None:
            parts.append("edges " + " or ".join(level for level in EVIDENCE_LEVELS if level in self.evidence))
        if self.group_by is not None:
            parts.append(f"grouped by {self.group_by}")
        return "; ".join(parts)


def project(store: Store) -> nx.DiGraph:
    """The whole supply network of the store, at firm level, as a ``networkx.DiGraph``."""
    return project_columns(store).to_networkx()


def project_columns(store: Store) -> Projection:
    """The whole supply network of the store, at firm level, as columns (see :class:`Projection`).

    Rows are read as they come and turned into integer ids at once: memory grows with the number of
    nodes, not with the number of triples read.
    """
    saved = getattr(store, "saved_projection", None)
    if saved is not None and saved.format == PROJECTION_FORMAT:
        return read_saved_projection(saved.folder)
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
    meta = {
        "places": _places(store, labels),
        "chains": _chains(store, labels),
        "controls": [list(pair) for pair in store.select_lexical(CONTROLS_QUERY)],
    }
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
    """Products, periods, sources and evidence of qualified relations, by (supplier, client).

    An edge's evidence is the strongest of its relations' (see :data:`vocab.EVIDENCE_LEVELS`).
    Edges carry attributes only where qualified relations give details; absent means none.
    """
    found_by_pair: dict[tuple[str, str], dict] = {}
    rows = store.select_lexical(EDGE_DETAILS_QUERY)
    for supplier, client, product, period, source, evidence, inferred, reason in rows:
        if supplier not in index or client not in index:
            continue
        found = found_by_pair.setdefault((supplier, client), defaultdict(set))
        for key, value in (("supplies", product), ("periods", period), ("sources", source), ("reasons", reason)):
            if value is not None:
                found[key].add(value)
        found["levels"].add(evidence_level(evidence, inferred))
        if evidence is not None and evidence != str(CG.Stated):
            found["inference"].add(INFERENCE_KINDS.get(evidence, local_name(evidence)))
        elif inferred in ("true", "1"):
            found["inference"].add(INFERENCE_KINDS[str(CG.InferredFromStages)])
    details = {}
    for pair, found in found_by_pair.items():
        level = next(level for level in EVIDENCE_LEVELS if level in found["levels"])
        details[pair] = {key: sorted(found[key]) for key in ("supplies", "periods", "sources")}
        details[pair].update(evidence=level, inferred=level == "inferred")
        if level == "inferred":
            details[pair].update(inference=sorted(found["inference"]), reasons=sorted(found["reasons"]))
    return details


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
        entry["label"] = names.get("en", local_name(place))
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
                "label": labels.get(stage).get("en", local_name(stage)),
                "label_zh": labels.get(stage).get("zh", ""),
                "order": int(order) if order is not None and re.fullmatch(r"-?[0-9]+", order.strip()) else 0,
            }
    for chain, entry in chains.items():
        entry["id"] = local_name(chain)
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
        "label": [en or zh or local_name(node) for node, en, zh in zip(nodes, english, chinese, strict=True)],
        "label_zh": [zh or "" for zh in chinese],
    }
    for key in ("place", "place_label", "places", "county", "prefecture", "province"):
        columns[key] = [fact[key] for fact in facts]
    columns["chains"] = [chain_list(member_of) for member_of in chains]
    columns["stage"] = stages
    columns["stage_label"] = [info.get("label", "") for info in infos]
    columns["stage_order"] = [info.get("order", 0) for info in infos]
    return {name: columns[name] for name in NODE_ATTRIBUTES}


def _selected(selection: Selection, chains: list[str], places: list[str]) -> bool:
    if selection.chains is not None and not selection.chains.intersection(chains):
        return False
    return selection.region is None or selection.region in places


def select(graph: nx.DiGraph, selection: Selection) -> nx.DiGraph:
    """The part of ``graph`` a selection asks for, at firm or stage level (a new graph)."""
    check_level(selection.level)
    if selection.group_by == "owner":
        graph = group_by_owner(Projection.from_networkx(graph)).to_networkx()
    kept = {n for n, data in graph.nodes(data=True) if _selected(selection, data["chains"], data["places"])}
    # Built in the full graph's node and edge order: networkx's subgraph views follow the order
    # of a set when the selection is small, and float sums (PageRank) would then differ in the
    # last digits between processes.
    chosen = nx.DiGraph()
    chosen.add_nodes_from((node, dict(data)) for node, data in graph.nodes(data=True) if node in kept)
    chosen.add_edges_from(
        (supplier, client, dict(data))
        for supplier, client, data in graph.edges(data=True)
        if supplier in kept and client in kept and _evidence_kept(selection, data)
    )
    chosen.graph = dict(graph.graph)
    chosen.graph["selection"] = selection.describe(graph.graph)
    return stage_level(chosen) if selection.level == "stage" else chosen


def edge_evidence(data: dict) -> str:
    """The evidence level of an edge from its attributes (``unspecified`` when it has none)."""
    return data.get("evidence", "unspecified")


def _evidence_kept(selection: Selection, data: dict) -> bool:
    return selection.evidence is None or edge_evidence(data) in selection.evidence


def evidence_counts(projection: Projection) -> dict[str, int]:
    """How many of the projection's edges are at each evidence level (every level, zeros kept)."""
    counts = dict.fromkeys(EVIDENCE_LEVELS, 0)
    detailed = _detailed_edges(projection)
    for level, found in detailed.items():
        counts[level] += int(np.count_nonzero(found))
    counts["unspecified"] += projection.edge_count - sum(counts.values())
    return counts


def _detailed_edges(projection: Projection) -> dict[str, np.ndarray]:
    """For each evidence level a qualified relation gives, a mask of the edges at that level."""
    n = max(len(projection), 1)
    codes = projection.suppliers * n + projection.clients
    index = {node: i for i, node in enumerate(projection.nodes)} if projection.details else {}
    by_level: dict[str, list[int]] = defaultdict(list)
    for (supplier, client), data in projection.details.items():
        a, b = index.get(supplier), index.get(client)
        if a is not None and b is not None:
            by_level[edge_evidence(data)].append(a * n + b)
    return {level: np.isin(codes, np.array(found, dtype=np.int64)) for level, found in by_level.items()}


def _evidence_mask(projection: Projection, levels: frozenset[str]) -> np.ndarray:
    """True for the edges whose evidence level is one of ``levels``."""
    detailed = _detailed_edges(projection)
    unspecified = np.ones(projection.edge_count, dtype=bool)
    keep = np.zeros(projection.edge_count, dtype=bool)
    for level, found in detailed.items():
        unspecified &= ~found
        if level in levels:
            keep |= found
    if "unspecified" in levels:
        keep |= unspecified
    return keep


def select_columns(projection: Projection, selection: Selection) -> Projection:
    """The firm-level part of a projection that a selection asks for (what :func:`select` keeps)."""
    if selection.level != "firm":
        raise InputError(f"--level {selection.level!r}: columns are firm level; use select() for stages")
    if selection.group_by == "owner":
        projection = group_by_owner(projection)
    meta = dict(projection.meta, selection=selection.describe(projection.meta))
    if selection.evidence is not None:
        keep_edges = _evidence_mask(projection, selection.evidence)
        projection = dataclasses.replace(
            projection, suppliers=projection.suppliers[keep_edges], clients=projection.clients[keep_edges]
        )
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


def owners(projection: Projection) -> np.ndarray:
    """For each node, the id of the organization that ultimately controls it (itself if none).

    Control is followed up the chain (a unit of a subsidiary goes to the parent); a node with two
    controllers goes to the first by IRI; a circle of control is headed by its first node.
    """
    index = {node: i for i, node in enumerate(projection.nodes)}
    parent: dict[int, int] = {}
    for owner, owned in projection.meta.get("controls", []):
        if owner in index and owned in index and index[owned] not in parent and owner != owned:
            parent[index[owned]] = index[owner]
    result = np.arange(len(projection.nodes), dtype=np.int64)
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
    pairs = np.unique((suppliers * n + clients)[suppliers != clients])
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
        details=details,
        meta=dict(projection.meta, grouped={head: sorted(members) for head, members in grouped.items()}),
    )


def _merged_details(found: dict | None, data: dict) -> dict:
    """The attributes of an edge that stands for ``found``'s edges and one more with ``data``."""
    if found is None:
        return dict(data)
    keys = ("supplies", "periods", "sources")
    merged = {key: sorted(set(found.get(key, [])) | set(data.get(key, []))) for key in keys}
    level = min(edge_evidence(found), edge_evidence(data), key=EVIDENCE_LEVELS.index)
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
    _add_stage_edges(staged, graph)
    staged.graph["unstaged"] = unstaged
    return staged


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
