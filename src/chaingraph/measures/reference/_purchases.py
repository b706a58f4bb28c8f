"""Purchases: how concentrated each firm's buying of an input stage is (HHI by supplier, by region,
by owner group), how much of a supplier's sales its largest client takes, and the single-sourced
client-stage pairs; shares by :mod:`chaingraph.measures.shares`' rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import networkx as nx

from ...projection.groups import owners_of
from ..shares import group_shares, hhi

__all__ = [
    "edge_purchase_shares",
    "group_hhi",
    "purchase_hhi",
    "region_hhi",
    "single_sourced",
    "staged_purchases",
    "top_customer_share",
]


def purchase_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most concentrated input stage: the largest, over the
    stages it buys from, of the Herfindahl-Hirschman index of its suppliers' shares of that stage.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attribute ``stage``; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]; 10,000 for a stage bought from one supplier (or from one
        supplier with everything), 0 for a firm that buys from no staged supplier.

    Notes
    -----
    Reads incoming edges, self-loops left out, grouped by the supplier's stage (suppliers with no
    stage in no group); shares by the rule of :mod:`chaingraph.measures.shares`.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): above 2,500 highly concentrated.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")], )
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> purchase_hhi(g)["cell"]
    5000.0
    >>> g.edges["a", "cell"]["client_share"] = 0.9
    >>> round(purchase_hhi(g)["cell"])
    8200
    """
    return _grouped_purchase_hhi(graph, {node: node for node in graph})


def region_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most regionally concentrated input stage: the largest,
    over the stages it buys from, of the Herfindahl-Hirschman index of its suppliers' shares of
    that stage summed by the suppliers' province first.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attributes ``stage`` and ``province`` (a place IRI,
        ``""`` when not known); edge quantities as :func:`chaingraph.measures.shares.group_shares`
        reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]: 10,000 when every supplier of some stage is in one province.

    Notes
    -----
    Reads incoming edges (supplier -> client) as :func:`purchase_hhi` does; a supplier whose
    province is not known counts as a province of its own, so an unknown place never adds to a
    concentration (the figure is a lower bound where places are missing). What a region's loss
    would do is ``impact --remove region:...``; this says where each purchase is exposed to one.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): the index; here over shares summed per province (chaingraph's own use).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> nx.set_node_attributes(g, {"a": "jiangxi", "b": "jiangxi", "cell": ""}, "province")
    >>> region_hhi(g)["cell"], purchase_hhi(g)["cell"]
    (10000.0, 5000.0)
    """
    return _grouped_purchase_hhi(graph, {node: graph.nodes[node].get("province") or node for node in graph})


def group_hhi(graph: nx.DiGraph) -> dict[str, float]:
    """The concentration of each firm's most concentrated input stage with its suppliers' shares
    summed by owner group first.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attribute ``stage``; ``graph.graph["controls"]``,
        ``(owner, owned)`` IRI pairs; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> HHI in [0, 10,000]: 10,000 when every supplier of some stage belongs to one group.

    Notes
    -----
    Reads incoming edges (supplier -> client) as :func:`purchase_hhi` does; a supplier's group is
    the organization that ultimately controls it (:func:`chaingraph.projection.groups.owners_of`,
    the rule ``--group-by owner`` merges by), itself when none does: two subsidiaries of one parent
    are one source of supply.

    References
    ----------
    .. [1] U.S. Department of Justice and Federal Trade Commission, "Horizontal Merger Guidelines",
       section 5.3 (2010): the index; here over shares summed per owner group (chaingraph's own use).

    Examples
    --------
    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell")], controls=[("a", "b")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "cell": "cell"}, "stage")
    >>> group_hhi(g)["cell"]
    10000.0
    """
    nodes = list(graph)
    owner = owners_of(nodes, graph.graph.get("controls", []))
    return _grouped_purchase_hhi(graph, {node: nodes[owner[i]] for i, node in enumerate(nodes)})


def staged_purchases(graph: nx.DiGraph) -> Iterator[tuple[str, list[list[str]]]]:
    """Each firm and its purchases: for each input stage, the suppliers of that stage, the group
    whose shares the share rule divides (incoming edges; self-loops and unstaged suppliers in none).

    >>> g = nx.DiGraph([("a", "cell"), ("b", "cell"), ("x", "cell")])
    >>> nx.set_node_attributes(g, {"a": "foil", "b": "foil", "x": "", "cell": "cell"}, "stage")
    >>> dict(staged_purchases(g))["cell"]
    [['a', 'b']]
    """
    for node in graph:
        by_stage: dict[str, list[str]] = defaultdict(list)
        for supplier in graph.predecessors(node):
            stage = graph.nodes[supplier].get("stage", "")
            if supplier != node and stage:
                by_stage[stage].append(supplier)
        yield node, list(by_stage.values())


def _grouped_purchase_hhi(graph: nx.DiGraph, group_of: dict[str, str]) -> dict[str, float]:
    """:func:`purchase_hhi` with each stage's suppliers' shares summed by ``group_of`` first."""
    found = {}
    for node, purchases in staged_purchases(graph):
        largest = 0.0
        for members in purchases:
            shares, _ = group_shares([graph.edges[s, node] for s in members], "client_share")
            summed: dict[str, float] = defaultdict(float)
            for supplier, share in zip(members, shares, strict=True):
                summed[group_of[supplier]] += share
            largest = max(largest, hhi(list(summed.values())))
        found[node] = largest
    return found


def top_customer_share(graph: nx.DiGraph) -> dict[str, float]:
    """The share of each firm's sales that its largest client takes.

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; edge quantities as
        :func:`chaingraph.measures.shares.group_shares` reads them.

    Returns
    -------
    dict
        Node -> share in [0, 1]; 0 for a firm with no client.

    Notes
    -----
    Reads outgoing edges, self-loops left out; shares of sales by the rule of
    :mod:`chaingraph.measures.shares` (``supplier_share``, else values, volumes, equal shares).
    How dependent a supplier is on one buyer: what a demand shock reads.

    References
    ----------
    .. [1] C. Diem, A. Borsos, T. Reisch, J. Kertész and S. Thurner, "Quantifying firm-level
       economic systemic risk from nation-wide supply networks", Scientific Reports 12, 7719
       (2022): sales shares carry a demand shock upstream.

    Examples
    --------
    >>> g = nx.DiGraph([("cathode", "cell"), ("cathode", "car")])
    >>> top_customer_share(g)["cathode"]
    0.5
    >>> g.edges["cathode", "cell"]["supplier_share"] = 0.4446
    >>> top_customer_share(g)["cathode"]
    0.5554
    """
    found = {}
    for node in graph:
        edges = [graph.edges[node, client] for client in graph.successors(node) if client != node]
        found[node] = max(group_shares(edges, "supplier_share")[0], default=0.0)
    return found


def single_sourced(graph: nx.DiGraph) -> list[dict]:
    """For each client, the stages it buys from exactly one supplier (a single point of failure).

    Parameters
    ----------
    graph : networkx.DiGraph
        Supply edges supplier -> client; node attributes ``stage`` and ``stage_label``.

    Returns
    -------
    list of dict
        One record per (client, stage) with one supplier: ``client``, ``stage``,
        ``stage_label``, ``supplier``.

    Notes
    -----
    Reads incoming edges: the suppliers of each client, grouped by the supplier's chain stage.
    Suppliers with no stage are grouped under ``""``.

    Examples
    --------
    >>> g = nx.DiGraph([("mine", "smelter"), ("smelter", "cell"), ("foil", "cell"), ("cell", "car")])
    >>> nx.set_node_attributes(g, {"mine": "ore", "smelter": "metal", "foil": "", "cell": "cell"}, "stage")
    >>> [(f["client"], f["stage"]) for f in single_sourced(g) if f["client"] == "cell"]
    [('cell', ''), ('cell', 'metal')]
    """
    findings = []
    for client in graph:
        by_stage: dict[str, list[str]] = defaultdict(list)
        for supplier in graph.predecessors(client):
            by_stage[graph.nodes[supplier].get("stage", "")].append(supplier)
        for stage, suppliers in sorted(by_stage.items()):
            if len(suppliers) == 1:
                findings.append(
                    {
                        "client": client,
                        "stage": stage,
                        "stage_label": graph.nodes[suppliers[0]].get("stage_label", ""),
                        "supplier": suppliers[0],
                    }
                )
    return findings


def edge_purchase_shares(graph: nx.DiGraph) -> dict[tuple[str, str], float]:
    """Each supply edge's share of its client's purchases of the supplier's stage, by the share
    rule of :mod:`chaingraph.measures.shares`, where the data gives it: stated shares, or values or
    volumes on every edge of the group (an equal split says nothing about the edge, and is left out).
    Edges read supplier -> client; a self-loop and an unstaged supplier belong to no stage's group.

    >>> g = nx.DiGraph()
    >>> g.add_nodes_from(["a", "b"], stage="cathode")
    >>> g.add_edge("a", "cell", client_share=0.9)
    >>> g.add_edge("b", "cell")
    >>> {edge: round(share, 2) for edge, share in edge_purchase_shares(g).items()}
    {('a', 'cell'): 0.9, ('b', 'cell'): 0.1}
    """
    found: dict[tuple[str, str], float] = {}
    for client, purchases in staged_purchases(graph):
        for members in purchases:
            shares, basis = group_shares([graph.edges[s, client] for s in members], "client_share")
            if basis != "equal":
                found.update({(s, client): share for s, share in zip(members, shares, strict=True)})
    return found
