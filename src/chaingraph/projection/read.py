"""The projection: RDF in the store -> a ``networkx.DiGraph`` of supply edges, supplier -> client.

One edge per supplier-client pair, whether the data states ``cg:supplierOf``, its inverse
``cg:clientOf``, or only a qualified ``cg:SupplyRelation``. Only organizations and segments become
nodes: no literal, class or label ever does (the trap of rdflib's generic converter).

Node attributes: ``label`` (English), ``label_zh``, ``kind`` (firm, segment, association,
institute, government, organization, or stage at stage level), ``place`` and ``place_label``
(the nearest place), ``places`` (every place the node is located in and every place those lie
in, the nearest first), ``county``,
``prefecture``, ``province`` (the administrative places it lies in, where known), ``chains``,
``stage``, ``stage_label``, ``stage_order``. Edge attributes: ``supplies`` (labels), ``periods`` (as
written), ``intervals`` (each relation's ``[start, end]`` bounds as written, ``""`` where it has none:
a year, a month or a day; see :mod:`chaingraph.projection.periods`),
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
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._runtime.arrays import sorted_unique
from .._runtime.memory import bulk_building, release_arrow_memory
from ..names import ProductVocabulary, stages_from_products
from ..queries.texts import package_query
from ..sheets.quantities import (
    add_statement,
    edge_quantities,
    pair_quantities,
    with_quantities,
)
from ..store.base import Store
from ..vocab import (
    CG,
    EVIDENCE_LEVELS,
    INFERENCE_KINDS,
    KIND_BY_CLASS,
    ORGANIZATION_CLASSES,
    PLACE_CLASSES,
    PLACE_LEVELS,
    STATED,
    curies,
    evidence_level,
    local_name,
)
from .details import details_evidence, details_without_quantities, products_supplied, quantity_details
from .model import NODE_ATTRIBUTES, NetworkFacts, Projection, place_ancestors, stage_infos
from .saved import PROJECTION_FORMAT, read_saved_projection

__all__ = [
    "CHAINS_QUERY",
    "CONTROLS_QUERY",
    "CONTROL_PERIODS_QUERY",
    "EDGES_QUERY",
    "EDGE_DETAILS_QUERY",
    "ESSENTIAL_INPUTS_QUERY",
    "LABELS_QUERY",
    "MEMBERSHIP_QUERY",
    "NODES_QUERY",
    "PLACES_QUERY",
    "PLACE_LEVELS",
    "STAGE_VOCABULARY_QUERY",
    "assemble",
    "essential_inputs",
    "place_ancestors",
    "project",
    "project_columns",
    "read_facts",
    "stage_inference_note",
]

EDGES_QUERY = package_query("projection-edges")

EDGE_DETAILS_QUERY = package_query("projection-edge-details")
EDGE_QUANTITIES_QUERY = package_query("projection-edge-quantities")

NODES_QUERY = package_query("projection-nodes", ORGANIZATION_CLASSES=curies(ORGANIZATION_CLASSES))

LABELS_QUERY = package_query("projection-labels")

MEMBERSHIP_QUERY = package_query("projection-memberships")

PLACES_QUERY = package_query("projection-places", PLACE_CLASSES=curies(PLACE_CLASSES))

CONTROLS_QUERY = package_query("projection-controls")

CONTROL_PERIODS_QUERY = package_query("projection-control-periods")

CHAINS_QUERY = package_query("projection-chains")
STAGE_VOCABULARY_QUERY = package_query("projection-stage-vocabulary")
ESSENTIAL_INPUTS_QUERY = package_query("projection-essential-inputs")

#: The answers of hundreds of thousands of rows, read as columns: the nodes, the edges, the labels
#: and the memberships, in the order :func:`read_facts` reads them.
_LARGE_QUERIES = (NODES_QUERY, EDGES_QUERY, LABELS_QUERY, MEMBERSHIP_QUERY)


def project(store: Store) -> nx.DiGraph:
    """The whole supply network of the store, at firm level, as a ``networkx.DiGraph``."""
    return project_columns(store).to_networkx()


def project_columns(store: Store) -> Projection:
    """The whole supply network of the store, at firm level, as columns (see :class:`Projection`):
    the RDF's alone (sheets beside it are joined by
    :meth:`chaingraph.projection.source.NetworkSource.projection`).

    Rows are read as they come and turned into integer ids at once: memory grows with the number of
    nodes, not with the number of triples read.
    """
    saved = getattr(store, "saved_projection", None)
    if saved is not None and saved.format == PROJECTION_FORMAT:
        return read_saved_projection(saved.folder)
    # What the reader builds (sets, tuples, dicts of strings) holds no cycles: see bulk_building.
    with bulk_building():
        facts = read_facts(store)
    release_arrow_memory()  # the answers' text, read and freed: given back before the measures
    with bulk_building():
        return assemble(facts)


def read_facts(store: Store) -> NetworkFacts:
    """The network's facts read from the store by SPARQL (see :class:`NetworkFacts`)."""
    # The four large answers are asked at once: Oxigraph writes an answer whole without holding
    # Python's lock, so both cores answer while the first answers are read into columns.
    with ThreadPoolExecutor(max_workers=3) as pool:
        asked = [pool.submit(store.select_columns, query) for query in _LARGE_QUERIES]
        nodes, kinds = _typed_nodes(asked[0].result())
        typed = len(nodes)
        index = {node: i for i, node in enumerate(nodes)}
        # Edge ends with no organization class join the nodes here, before their facts are read.
        suppliers, clients = _edges(asked[1].result(), nodes, kinds, index)
        known = pa.array(nodes, pa.string())
        labels = _Labels(asked[2].result(), index, known)
        memberships = _Memberships(asked[3].result(), known)
        del asked  # each answer's columns go as soon as they are read
    return NetworkFacts(
        nodes=nodes,
        kinds=kinds,
        english=labels.node_labels["en"],
        chinese=labels.node_labels["zh"],
        located=memberships.located,
        chains=memberships.chains,
        stages=memberships.stages,
        suppliers=suppliers,
        clients=clients,
        details=_with_quantities(_edge_details(store, index), store, index),
        places=_places(store, labels),
        chain_meta=_chains(store, labels),
        controls=[list(pair) for pair in store.select_lexical(CONTROLS_QUERY)],
        typed=typed,
        control_periods=sorted(
            [owner, owned, start or "", end or ""]
            for owner, owned, start, end in store.select_lexical(CONTROL_PERIODS_QUERY)
        ),
        stage_vocabulary=sorted((name, stage) for name, stage in store.select_lexical(STAGE_VOCABULARY_QUERY)),
        essential_inputs=sorted((found, stage) for found, stage in store.select_lexical(ESSENTIAL_INPUTS_QUERY)),
    )


def assemble(facts: NetworkFacts) -> Projection:
    """The :class:`Projection` of a network's facts: each node's place levels, chain list and stage
    label derived, and each stage's member count noted in ``meta``."""
    meta: dict[str, Any] = {
        "places": facts.places,
        "chains": facts.chain_meta,
        "controls": facts.controls,
        "control_periods": facts.control_periods,
        # stage -> the input stages it cannot produce without; a stage not here: every input.
        "essential_inputs": essential_inputs(facts.essential_inputs),
    }
    facts = _stages_from_products(facts, meta)
    columns = _node_columns(facts, meta)
    # How many nodes each stage has in the whole network: a view of a part of it colours stages
    # by their place among those with members (views.colours.stage_colors).
    members: dict[str, int] = {}
    for stage in columns["stage"]:
        if stage:
            members[stage] = members.get(stage, 0) + 1
    for chain in meta["chains"].values():
        for stage, info in chain["stages"].items():
            info["members"] = members.get(stage, 0)
    # The quantities become columns beside the edges; the details keep the rest.
    quantities = edge_quantities(facts.nodes, facts.suppliers, facts.clients, quantity_details(facts.details))
    evidence = details_evidence(facts.nodes, facts.suppliers, facts.clients, facts.details)
    details = details_without_quantities(facts.details)
    return Projection(facts.nodes, columns, facts.suppliers, facts.clients, details, meta, quantities, evidence)


def _stages_from_products(facts: NetworkFacts, meta: dict[str, Any]) -> NetworkFacts:
    """``facts`` with each firm that has no stage at the one stage its supplied products name
    (:func:`chaingraph.names.stages_from_products`), in that stage's chain too. ``meta`` notes
    each inference, ``stages_from_products`` (firm -> stage and the products naming it, the
    inference's reason), and the firms left unstaged because their products name several stages,
    ``products_of_several_stages``. Segments keep the stage their source gives them, or none."""
    vocabulary = ProductVocabulary(facts.stage_vocabulary)
    if not vocabulary:
        return facts
    unstaged = {
        node for node, kind, stage in zip(facts.nodes, facts.kinds, facts.stages, strict=True)
        if not stage and kind != "segment"
    }  # fmt: skip
    found = stages_from_products(products_supplied(facts.details, unstaged), vocabulary)
    meta["stages_from_products"] = {
        firm: {"stage": stage, "products": products} for firm, (stage, products) in found.items()
    }
    meta["products_of_several_stages"] = found.several
    if not found:
        return facts
    chain_of = {stage: chain for chain, entry in facts.chain_meta.items() for stage in entry["stages"]}
    stages, chains = list(facts.stages), list(facts.chains)
    for i, node in enumerate(facts.nodes):
        if node in found:
            stages[i] = stage = found[node][0]
            if stage in chain_of:
                chains[i] = chains[i] | {chain_of[stage]}
    return dataclasses.replace(facts, stages=stages, chains=chains)


def essential_inputs(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """``(input, stage)`` pairs as stage -> its essential input stages, sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for essential, stage in sorted(set(pairs)):
        found[stage].append(essential)
    return dict(found)


#: How many firms a note on stages taken from products names before it says "and N more".
NOTE_NAMES = 5


def stage_inference_note(projection: Projection) -> str | None:
    """One line on the firms placed at a stage by what they supply, each an inference, and on
    those left unstaged because their products name several stages; ``None`` when there are none.

    >>> from chaingraph.store import open_store
    >>> stage_inference_note(project_columns(open_store())) is None
    True
    """
    label = dict(zip(projection.nodes, projection.columns["label"], strict=True))
    # A part of the network (a chain, a region) keeps the whole network's meta: say its own firms.
    inferred = {firm: found for firm, found in projection.meta.get("stages_from_products", {}).items() if firm in label}
    several = {
        firm: found for firm, found in projection.meta.get("products_of_several_stages", {}).items() if firm in label
    }
    if not inferred and not several:
        return None
    stage_label = {stage: info.get("label", local_name(stage)) for stage, info in stage_infos(projection.meta).items()}

    def listed(items: list[str]) -> str:
        more = len(items) - NOTE_NAMES
        return "; ".join(items[:NOTE_NAMES]) + (f"; and {more:,} more" if more > 0 else "")

    parts = []
    if inferred:
        taken = sorted(
            f"{label.get(firm, local_name(firm))} -> {stage_label.get(found['stage'], local_name(found['stage']))}"
            f" ({', '.join(found['products'])})"
            for firm, found in inferred.items()
        )
        firms = "firm" if len(taken) == 1 else "firms"
        parts.append(f"{len(taken):,} {firms} placed at a stage by what they supply (inferred): {listed(taken)}")
    if several:
        left = sorted(
            f"{label.get(firm, local_name(firm))} ({', '.join(stage_label.get(s, local_name(s)) for s in stages)})"
            for firm, stages in several.items()
        )
        firms = "firm" if len(left) == 1 else "firms"
        parts.append(f"{len(left):,} {firms} left with no stage, their products naming several: {listed(left)}")
    return "; ".join(parts)


def _typed_nodes(answer: pa.Table) -> tuple[list[str], list[str]]:
    """Organizations and segments sorted by IRI (the same order whichever store answered), and
    their kinds; a node of several classes takes the first specific kind in class order."""
    kinds: dict[str, str] = {}
    for node, kind_class in sorted(zip(*(column.to_pylist() for column in answer.columns), strict=True)):
        kind = KIND_BY_CLASS[kind_class]
        if kinds.get(node, "organization") != "organization":
            continue  # a subclass was already seen; keep the more specific kind
        kinds[node] = kind
    return list(kinds), list(kinds.values())


def _edges(
    answer: pa.Table, nodes: list[str], kinds: list[str], index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Supplier and client ids of every distinct supply edge, sorted by (supplier, client).

    Ends with no organization class join ``nodes`` as plain organizations, after the typed nodes
    and sorted by IRI. The union is not made DISTINCT by the server: duplicates are dropped here on
    integer pairs, which costs the server no memory for a set of every row.
    """
    known = pa.array(nodes, pa.string())
    found = [pc.index_in(end, value_set=known) for end in answer.columns]
    unknown = (pc.filter(end, pc.is_null(ids)).to_pylist() for end, ids in zip(answer.columns, found, strict=True))
    untyped = sorted(set().union(*unknown))
    if untyped:
        for iri in untyped:
            index[iri] = len(nodes)
            nodes.append(iri)
            kinds.append("organization")
        known = pa.array(nodes, pa.string())
        found = [pc.index_in(end, value_set=known) for end in answer.columns]
    suppliers, clients = (ids.to_numpy().astype(np.int64) for ids in found)
    pairs = sorted_unique(suppliers * len(nodes) + clients) if len(nodes) else suppliers[:0]
    return pairs // max(len(nodes), 1), pairs % max(len(nodes), 1)


def _edge_details(store: Store, index: dict[str, int]) -> dict[tuple[str, str], dict]:
    """Products, periods, sources and evidence of qualified relations, by (supplier, client).

    An edge's evidence is the strongest of its relations' (see :data:`vocab.EVIDENCE_LEVELS`).
    Edges carry attributes only where qualified relations give details; absent means none.
    """
    found_by_pair: dict[tuple[str, str], dict] = {}
    rows = store.select_lexical(EDGE_DETAILS_QUERY)
    from_stages = INFERENCE_KINDS[str(CG.InferredFromStages)]
    for supplier, client, product, period, start, end, source, evidence, inferred, reason in rows:
        if supplier not in index or client not in index:
            continue
        found = found_by_pair.get((supplier, client))
        if found is None:
            found = found_by_pair[(supplier, client)] = defaultdict(set)
        for key, value in (("supplies", product), ("periods", period), ("sources", source), ("reasons", reason)):
            if value is not None:
                found[key].add(value)
        found["levels"].add(evidence_level(evidence, inferred))
        found["intervals"].add((start or "", end or ""))
        if evidence is not None and evidence != STATED:
            found["inference"].add(INFERENCE_KINDS.get(evidence, local_name(evidence)))
        elif inferred in ("true", "1"):
            found["inference"].add(from_stages)
    details = {}
    for pair, found in found_by_pair.items():
        level = next(level for level in EVIDENCE_LEVELS if level in found["levels"])
        entry: dict[str, Any] = {key: sorted(found[key]) for key in ("supplies", "periods", "sources")}
        entry.update(evidence=level, inferred=level == "inferred")
        entry["intervals"] = [list(bounds) for bounds in sorted(found["intervals"])]
        details[pair] = entry
        if level == "inferred":
            details[pair].update(inference=sorted(found["inference"]), reasons=sorted(found["reasons"]))
    return details


def _with_quantities(details: dict, store: Store, index: dict[str, int]) -> dict[tuple[str, str], dict]:
    """``details`` with the quantities stated on each pair's relations joined in (the form of
    :mod:`chaingraph.sheets.quantities`; of several relations the latest statement). A share in
    any unit but percent or a fraction, or a number that does not parse, is left out: ``validate``
    names it."""
    stated: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for supplier, client, kind, amount, unit, comparator, start in store.select_lexical(EDGE_QUANTITIES_QUERY):
        if supplier not in index or client not in index:
            continue
        add_statement(stated[(supplier, client)].setdefault(start or "", {}), kind, amount, unit, comparator)
    for pair, by_start in stated.items():
        found = pair_quantities(list(by_start.items()))
        if found:
            details[pair] = with_quantities(details.get(pair, {}), found)
    return details


class _Labels:
    """The English and Chinese label of every resource, the ``known`` nodes' labels kept by node id.

    The shortest label in a language is the name (the least in code point order of the shortest
    ones); longer ones are full legal names.
    """

    def __init__(self, answer: pa.Table, index: dict[str, int], known: pa.Array) -> None:
        self.size = size = len(known)
        self.node_labels: dict[str, list[str | None]] = {"en": [None] * size, "zh": [None] * size}
        self.other: dict[str, dict[str, str]] = defaultdict(dict)
        resources, texts, languages = answer.columns
        # Which of the two names each label can be: a few distinct language tags, each read once.
        tags = pc.dictionary_encode(pc.fill_null(languages, "")).combine_chunks()
        keys = pa.DictionaryArray.from_arrays(
            tags.indices, pa.array([_label_key(tag) for tag in tags.dictionary.to_pylist()], pa.string())
        ).cast(pa.string())
        ids = pc.index_in(resources, value_set=known)
        named = pc.is_valid(keys)
        # The nodes' names at once: sorted by node, language, length and text, the first of each
        # (node, language) is the shortest.
        mine = pa.table({"id": ids, "key": keys, "length": pc.utf8_length(texts), "text": texts})
        mine = mine.filter(pc.and_(named, pc.is_valid(ids)))
        mine = mine.take(pc.sort_indices(mine, [(name, "ascending") for name in mine.column_names]))
        node_ids = mine.column("id").to_numpy()
        is_zh = pc.equal(mine.column("key"), "zh").to_numpy(zero_copy_only=False)
        first = np.ones(len(node_ids), dtype=bool)
        first[1:] = (node_ids[1:] != node_ids[:-1]) | (is_zh[1:] != is_zh[:-1])
        for key, in_key in (("zh", is_zh), ("en", ~is_zh)):
            chosen = first & in_key
            found = self.node_labels[key]
            for node, text in zip(
                node_ids[chosen].tolist(), mine.column("text").filter(pa.array(chosen)).to_pylist(), strict=True
            ):
                found[node] = text
        rest = pa.table({"resource": resources, "key": keys, "text": texts}).filter(pc.and_(named, pc.is_null(ids)))
        for resource, key, text in zip(*(column.to_pylist() for column in rest.columns), strict=True):
            current = self.other[resource].get(key)
            if current is None or (len(text), text) < (len(current), current):
                self.other[resource][key] = text
        self.index = index

    def get(self, resource: str) -> dict[str, str]:
        """``{"en": ..., "zh": ...}`` for one resource, the languages it has."""
        node = self.index.get(resource)
        if node is None or node >= self.size:
            return self.other.get(resource, {})
        return {key: label for key, found in self.node_labels.items() if (label := found[node]) is not None}


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


class _Memberships:
    """Where each of the ``known`` nodes is located, the chains it is in and its stage, by node id.

    One shared value object per distinct place, chain set and stage: a national network has
    millions of firms but few of each.
    """

    def __init__(self, answer: pa.Table, known: pa.Array) -> None:
        size = len(known)
        self.located: list[list[str] | None] = [None] * size
        self.chains: list[frozenset[str]] = [frozenset()] * size
        self.stages: list[str] = [""] * size
        nodes, properties, values = answer.columns
        ids = pc.index_in(nodes, value_set=known)
        mine = pa.table({"id": ids, "property": properties, "value": values}).filter(pc.is_valid(ids))
        # A few distinct places, chains and stages (one string object each), and three properties.
        shared = pc.dictionary_encode(mine.column("value")).combine_chunks()
        said = pc.dictionary_encode(mine.column("property")).combine_chunks()
        located_in, in_chain, segment_of = str(CG.locatedIn), str(CG.inChain), str(CG.segmentOf)
        role = [
            "located" if prop == located_in else "chain" if prop in (in_chain, segment_of) else "stage"
            for prop in said.dictionary.to_pylist()
        ]
        names = shared.dictionary.to_pylist()
        # In the answer's order: of two stages stated for one node, the later row's is kept.
        rows = zip(mine.column("id").to_pylist(), said.indices.to_pylist(), shared.indices.to_pylist(), strict=True)
        for i, prop, code in rows:
            value = names[code]
            if role[prop] == "located":
                already = self.located[i]
                if already is None:
                    self.located[i] = [value]
                else:
                    already.append(value)
            elif role[prop] == "chain":
                self.chains[i] = self.chains[i] | {value}
            else:
                self.stages[i] = value


def _node_columns(facts: NetworkFacts, meta: dict) -> dict[str, list]:
    nodes, kinds, located, chains, stages = facts.nodes, facts.kinds, facts.located, facts.chains, facts.stages
    places = meta["places"]
    stage_info = stage_infos(meta)
    # Per-place facts are shared by every firm located there: compute them once per place.
    by_place: dict[str, dict] = {}
    for place in {p for found in located if found for p in found}:
        ancestors = place_ancestors(places, place)
        facts_here = {"place": place, "place_label": places.get(place, {}).get("label", ""), "places": ancestors}
        for level in ("county", "prefecture", "province"):
            facts_here[level] = next((p for p in ancestors if places.get(p, {}).get("level") == level), "")
        by_place[place] = facts_here
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

    place_facts = [located_facts(found) for found in located]
    chain_lists: dict[frozenset, list[str]] = {}

    def chain_list(member_of: frozenset[str]) -> list[str]:
        if member_of not in chain_lists:
            chain_lists[member_of] = sorted(member_of)
        return chain_lists[member_of]

    infos = [stage_info.get(stage, {}) for stage in stages]
    english, chinese = facts.english, facts.chinese
    columns: dict[str, list] = {
        "kind": kinds,
        "label": [en or zh or local_name(node) for node, en, zh in zip(nodes, english, chinese, strict=True)],
        "label_zh": [zh or "" for zh in chinese],
    }
    for key in ("place", "place_label", "places", "county", "prefecture", "province"):
        columns[key] = [fact[key] for fact in place_facts]
    columns["chains"] = [chain_list(member_of) for member_of in chains]
    columns["stage"] = stages
    columns["stage_label"] = [info.get("label", "") for info in infos]
    columns["stage_order"] = [info.get("order", 0) for info in infos]
    return {name: columns[name] for name in NODE_ATTRIBUTES}
