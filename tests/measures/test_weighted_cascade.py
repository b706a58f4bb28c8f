"""Shares, thresholds and demand shocks (impact --threshold, --direction): the share rule and the
cascade written again here from their words, on random graphs with random quantities (some
missing), against the reference and the compiled path."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph.measures.cascade import cascade, compiled_cascade
from chaingraph.measures.compiled import AnalysisGraph
from chaingraph.measures.shares import BASES, edge_shares, group_shares
from chaingraph.projection.model import Projection
from chaingraph.projection.selection import Scope
from chaingraph.sheets.quantities import edge_quantities

from .test_scenarios import ESSENTIAL_MAPS, STAGES, essential_to

SHARES = st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.25, 0.4446, 0.5, 0.8, 1.0]))


@st.composite
def quantified_graphs(draw):
    """Staged supply graphs whose edges carry random shares, values and volumes, or none."""
    n = draw(st.integers(2, 12))
    nodes = [f"urn:f{i}" for i in range(n)]
    graph = nx.DiGraph()
    for node in nodes:
        graph.add_node(node, stage=draw(st.sampled_from(STAGES)), chains=[])
    for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=36)):
        data = {}
        for key in ("client_share", "supplier_share"):
            share = draw(SHARES)
            if share is not None:
                data[key] = share
        if draw(st.booleans()):
            data["value"] = float(draw(st.integers(0, 9)))
            data["currency"] = draw(st.sampled_from(["CNY", "CNY", "USD"]))
        if draw(st.booleans()):
            data["volume"] = float(draw(st.integers(1, 9)))
            data["volume_unit"] = "TONNE"
        graph.add_edge(nodes[a], nodes[b], **data)
    graph.graph["essential_inputs"] = draw(st.sampled_from(ESSENTIAL_MAPS))
    removed = draw(st.sets(st.sampled_from(nodes), min_size=1, max_size=3))
    return graph, removed


def shares_by_the_rule(edges: list[dict], key: str | None) -> list[float]:
    """The share rule of the README, written again: stated shares (the rest split equally among
    the edges stating none, scaled down when they add up past 1); else values in one currency;
    else volumes in one unit; else equal."""
    if not edges:
        return []
    if key and [e for e in edges if key in e]:
        stated_total = math.fsum(e[key] for e in edges if key in e)
        silent = [e for e in edges if key not in e]
        if stated_total > 1:
            return [e.get(key, 0.0) / stated_total for e in edges]
        return [e[key] if key in e else (1 - stated_total) / len(silent) for e in edges]
    for amount, unit in (("value", "currency"), ("volume", "volume_unit")):
        if all(amount in e for e in edges) and len({e[unit] for e in edges}) == 1:
            total = math.fsum(e[amount] for e in edges)
            if total > 0:
                return [e[amount] / total for e in edges]
    return [1 / len(edges)] * len(edges)


def lost_share(graph, ends: list[str], node: str, key: str | None, down: set[str], *, upstream: bool) -> float:
    edges = [graph.edges[node, e] if upstream else graph.edges[e, node] for e in ends]
    return math.fsum(s for e, s in zip(ends, shares_by_the_rule(edges, key), strict=True) if e in down)


def disrupted_by_rule(graph, node: str, down: set[str], threshold: float, direction: str) -> bool:
    """Whether ``node`` meets the rule after the firms ``down`` are gone (tolerance 1e-9)."""
    suppliers = [s for s in graph.predecessors(node) if s != node]
    if direction in ("downstream", "both") and suppliers:
        if all(s in down for s in suppliers):
            return True
        if threshold < 1 and lost_share(graph, suppliers, node, None, down, upstream=False) >= threshold - 1e-9:
            return True
        for stage in {graph.nodes[s]["stage"] for s in suppliers} - {""}:
            if not essential_to(graph, node, stage):
                continue
            at = [s for s in suppliers if graph.nodes[s]["stage"] == stage]
            if all(s in down for s in at):
                return True
            if threshold < 1 and lost_share(graph, at, node, "client_share", down, upstream=False) >= threshold - 1e-9:
                return True
    clients = [c for c in graph.successors(node) if c != node]
    if direction in ("upstream", "both") and clients:
        share = lost_share(graph, clients, node, "supplier_share", down, upstream=True)
        if share > 0 and share >= threshold - 1e-9:
            return True
    return False


RULES = st.tuples(st.sampled_from([0.3, 0.5, 0.75, 1.0]), st.sampled_from(["downstream", "upstream", "both"]))


@settings(max_examples=300, deadline=None)
@given(quantified_graphs(), RULES)
def test_the_weighted_cascade_is_the_rule(case, rule):
    graph, removed = case
    threshold, direction = rule
    found = cascade(graph, removed, threshold=threshold, direction=direction).disrupted
    tier = {node: why.tier for node, why in found.items()}
    for node in graph:
        if node in removed:
            continue
        if node in tier:
            t = tier[node]
            assert disrupted_by_rule(graph, node, {n for n, k in tier.items() if k < t}, threshold, direction)
            assert t == 1 or not disrupted_by_rule(
                graph, node, {n for n, k in tier.items() if k < t - 1}, threshold, direction
            )
        else:
            assert not disrupted_by_rule(graph, node, set(tier), threshold, direction)
    for node, why in found.items():
        if why.reason == "demand":
            clients = [c for c in graph.successors(node) if c != node]
            before = {n for n, k in tier.items() if k < why.tier}
            assert why.share == pytest.approx(lost_share(graph, clients, node, "supplier_share", before, upstream=True))


def _compiled(graph: nx.DiGraph) -> AnalysisGraph:
    return AnalysisGraph(Projection.from_networkx(graph))


def _same(fast, reference) -> None:
    assert fast.disrupted.keys() == reference.disrupted.keys()
    for node, why in reference.disrupted.items():
        other = fast.disrupted[node]
        assert (other.tier, other.reason, other.stages, other.basis) == (why.tier, why.reason, why.stages, why.basis)
        assert (other.share is None) == (why.share is None)
        if why.share is not None:
            assert other.share == pytest.approx(why.share)
    assert fast.partial.keys() == reference.partial.keys()
    for node, shares in reference.partial.items():
        assert fast.partial[node] == pytest.approx(shares)
    assert fast.sales_lost == pytest.approx(reference.sales_lost)


@settings(max_examples=300, deadline=None)
@given(quantified_graphs(), RULES, st.sampled_from([None, 0.25, 0.5]))
def test_the_compiled_weighted_cascade_equals_the_reference(case, rule, partial):
    graph, removed = case
    threshold, direction = rule
    compiled = _compiled(graph)
    mask = np.array([node in removed for node in compiled.nodes])
    reference = cascade(graph, removed, partial=partial, threshold=threshold, direction=direction)
    _same(compiled_cascade(compiled, mask, partial=partial, threshold=threshold, direction=direction), reference)


@settings(max_examples=200, deadline=None)
@given(quantified_graphs())
def test_at_threshold_one_downstream_quantities_change_nothing_but_partial_shares(case):
    graph, removed = case
    bare = nx.DiGraph(graph)
    for _, _, data in bare.edges(data=True):
        data.clear()
    weighted, plain = cascade(graph, removed), cascade(bare, removed)
    assert weighted.disrupted == plain.disrupted
    # Which stages are fully lost does not depend on shares (a partial loss of share 1 listed
    # unasked); with quantities the share of a part lost may differ.
    full = {n: {s for s, v in d.items() if v == pytest.approx(1.0)} for n, d in plain.partial.items()}
    assert {n: set(d) for n, d in weighted.partial.items() if n in full} == {n: set(d) for n, d in full.items()}


@settings(max_examples=300, deadline=None)
@given(quantified_graphs(), st.sampled_from(["client_share", "supplier_share", None]))
def test_shares_follow_the_rule_on_both_paths(case, key):
    graph, _ = case
    compiled = _compiled(graph)
    real = compiled.suppliers != compiled.clients
    clients = compiled.clients[real]
    quantities = compiled.quantities.take(real)
    stated = None if key is None else getattr(quantities, key)
    found = edge_shares(clients, compiled.n, stated, quantities)
    nodes = compiled.nodes
    for i, node in enumerate(nodes):
        suppliers = [s for s in graph.predecessors(node) if s != node]
        edges = [graph.edges[s, node] for s in suppliers]
        expected = dict(zip(suppliers, shares_by_the_rule(edges, key), strict=True))
        reference, basis = group_shares(edges, key)
        assert dict(zip(suppliers, reference, strict=True)) == pytest.approx(expected)
        at = np.flatnonzero(clients == i)
        got = {nodes[int(compiled.suppliers[real][e])]: float(found.share[e]) for e in at}
        assert got == pytest.approx(expected)
        if suppliers:
            assert BASES[found.basis[i]] == basis


def test_edge_quantities_find_each_pair_whatever_the_edge_order():
    nodes = ["a", "b", "c"]
    suppliers, clients = np.array([2, 0, 1]), np.array([0, 1, 2])  # not sorted
    details = {
        ("a", "b"): {"client_share": 0.3},
        ("c", "a"): {"value": 5.0, "currency": "CNY"},
        ("b", "a"): {"value": 1.0, "currency": "CNY"},
    }
    found = edge_quantities(nodes, suppliers, clients, details)
    assert np.isnan(found.client_share[[0, 2]]).all() and found.client_share[1] == 0.3
    assert found.value[0] == 5.0 and np.isnan(found.value[1:]).all()  # b -> a is not an edge


@settings(max_examples=200, deadline=None)
@given(quantified_graphs())
def test_concentration_measures_follow_their_definitions_on_both_paths(case):
    from chaingraph.measures import compiled, reference

    graph, _ = case
    expected_hhi, expected_top = {}, {}
    for node in graph:
        suppliers = [s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"]]
        by_stage = {graph.nodes[s]["stage"] for s in suppliers}
        expected_hhi[node] = max(
            (
                10_000 * math.fsum(s * s for s in shares_by_the_rule(
                    [graph.edges[s, node] for s in suppliers if graph.nodes[s]["stage"] == stage], "client_share"))
                for stage in by_stage
            ),
            default=0.0,
        )  # fmt: skip
        clients = [c for c in graph.successors(node) if c != node]
        expected_top[node] = max(
            shares_by_the_rule([graph.edges[node, c] for c in clients], "supplier_share"), default=0
        )
    assert reference.purchase_hhi(graph) == pytest.approx(expected_hhi)
    assert reference.top_customer_share(graph) == pytest.approx(expected_top)
    fast = _compiled(graph)
    assert dict(zip(fast.nodes, compiled.purchase_hhi(fast).tolist(), strict=True)) == pytest.approx(expected_hhi)
    assert dict(zip(fast.nodes, compiled.top_customer_share(fast).tolist(), strict=True)) == pytest.approx(expected_top)


@settings(max_examples=100, deadline=None)
@given(quantified_graphs())
def test_the_concentration_summary_counts_purchases_by_their_definition(case):
    from chaingraph.measures.compiled import concentration_summary

    graph, _ = case
    indices = []
    for node in graph:
        suppliers = [s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"]]
        for stage in {graph.nodes[s]["stage"] for s in suppliers}:
            edges = [graph.edges[s, node] for s in suppliers if graph.nodes[s]["stage"] == stage]
            indices.append(10_000 * math.fsum(s * s for s in shares_by_the_rule(edges, "client_share")))
    found = concentration_summary(_compiled(graph))
    assert found["purchases"] == len(indices)
    # away from the boundary, where float sums may round either way
    assert found["above_2500"] == sum(i > 2500 for i in indices) or any(abs(i - 2500) < 1e-6 for i in indices)
    assert sum(found["purchase_bases"].values()) == len(indices)


@settings(max_examples=200, deadline=None)
@given(quantified_graphs(), st.sampled_from([0.0, 1800.0, 2500.0, 9999.0]))
def test_concentrated_purchases_are_the_purchases_above_the_threshold_by_their_definition(case, threshold):
    """``query single-sourced --hhi-above``: each (client, supplier stage) purchase whose HHI by the
    share rule is above the threshold, with its supplier count, its largest supplier and share (the
    lowest id on a tie), most concentrated first."""
    from chaingraph.measures.compiled import concentrated_purchases

    graph, _ = case
    expected = []
    for node in graph:
        suppliers = sorted(s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"])
        for stage in sorted({graph.nodes[s]["stage"] for s in suppliers}):
            members = [s for s in suppliers if graph.nodes[s]["stage"] == stage]
            shares = shares_by_the_rule([graph.edges[s, node] for s in members], "client_share")
            index = 10_000 * math.fsum(s * s for s in shares)
            if abs(index - threshold) < 1e-6:
                return  # on the boundary float sums may round either way
            if index > threshold:
                top = max(range(len(members)), key=lambda i: (shares[i], [-ord(c) for c in members[i]]))
                expected.append((node, stage, len(members), index, members[top], shares[top]))
    found = concentrated_purchases(_compiled(graph), threshold)
    assert [row["hhi"] for row in found] == sorted((row["hhi"] for row in found), reverse=True)
    got = sorted((r["client"], r["stage"], r["suppliers"], r["hhi"], r["top_supplier"], r["top_share"]) for r in found)
    assert len(got) == len(expected)
    for row, want in zip(got, sorted(expected), strict=True):
        assert row[:3] == want[:3] and row[3] == pytest.approx(want[3])
        assert row[5] == pytest.approx(want[5])
        # the largest share's supplier (another with an equal share may stand in for it)
        edges = [graph.edges[s, row[0]] for s in graph.predecessors(row[0]) if graph.nodes[s]["stage"] == row[1]]
        assert row[4] == want[4] or row[5] == pytest.approx(want[5]), (row, want, edges)


def test_gaps_give_each_stages_most_concentrated_local_purchase(store):
    from chaingraph.projection.read import project_columns
    from chaingraph.projection.selection import make_selection, select_columns
    from chaingraph.reports.gap_analysis import gaps

    report = gaps(store, Scope(chain="ningde"), region="Ningde")
    graph = select_columns(project_columns(store), make_selection(store, Scope(chain="ningde"))).to_networkx()
    chain = next(c for c, info in graph.graph["chains"].items() if info.get("id") == "ningde-lithium-battery")
    local = {n for n in graph if report.region in graph.nodes[n]["places"] and chain in graph.nodes[n]["chains"]}
    for stage in report.stages:
        indices = []
        for client in local:
            at = [s for s in graph.predecessors(client) if s != client and graph.nodes[s]["stage"] == stage["stage"]]
            if at:
                shares = shares_by_the_rule([graph.edges[s, client] for s in at], "client_share")
                indices.append(10_000 * math.fsum(x * x for x in shares))
        expected = max(indices) if indices else None
        assert stage["purchase_hhi"] == (pytest.approx(expected) if expected is not None else None), stage["label"]
    assert any(stage["purchase_hhi"] == pytest.approx(10_000) for stage in report.stages)  # testing: Hifen alone


PROVINCES = st.sampled_from(["", "", "urn:p:jiangxi", "urn:p:hunan"])


@settings(max_examples=200, deadline=None)
@given(quantified_graphs(), st.data())
def test_region_and_group_concentration_follow_their_definitions_on_both_paths(case, data):
    """A purchase's HHI with its suppliers' shares summed by province (an unknown one alone) and by
    owner group (each supplier's ultimate controller, itself if none) first, written again here from
    the share rule, against the reference and the compiled path."""
    from chaingraph.measures import compiled, reference

    graph, _ = case
    nodes = list(graph)
    for node in nodes:
        graph.nodes[node]["province"] = data.draw(PROVINCES)
    controls = data.draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=4))
    graph.graph["controls"] = sorted({(a, b) for a, b in controls if a != b})

    def ultimate(node: str) -> str:  # the owner rule, written again: first controller by order, circles by their first
        parent = {}
        for owner, owned in graph.graph["controls"]:
            parent.setdefault(owned, owner)
        path = [node]
        while path[-1] in parent:
            following = parent[path[-1]]
            if following in path:
                circle = path[path.index(following) :]
                return min(circle, key=nodes.index)
            path.append(following)
        return path[-1]

    def by_groups(group_of) -> dict[str, float]:
        found = {}
        for node in graph:
            suppliers = [s for s in graph.predecessors(node) if s != node and graph.nodes[s]["stage"]]
            largest = 0.0
            for stage in {graph.nodes[s]["stage"] for s in suppliers}:
                at = [s for s in suppliers if graph.nodes[s]["stage"] == stage]
                summed: dict[str, float] = {}
                for s, share in zip(
                    at, shares_by_the_rule([graph.edges[s, node] for s in at], "client_share"), strict=True
                ):
                    summed[group_of(s)] = summed.get(group_of(s), 0.0) + share
                largest = max(largest, 10_000 * math.fsum(x * x for x in summed.values()))
            found[node] = largest
        return found

    by_region = by_groups(lambda s: graph.nodes[s]["province"] or s)
    by_owner = by_groups(ultimate)
    assert reference.region_hhi(graph) == pytest.approx(by_region)
    assert reference.group_hhi(graph) == pytest.approx(by_owner)
    fast = _compiled(graph)
    assert dict(zip(fast.nodes, compiled.region_hhi(fast).tolist(), strict=True)) == pytest.approx(by_region)
    assert dict(zip(fast.nodes, compiled.group_hhi(fast).tolist(), strict=True)) == pytest.approx(by_owner)
    assert all(by_region[n] >= reference.purchase_hhi(graph)[n] - 1e-9 for n in graph)  # summing only concentrates


def test_a_stage_levels_concentration_comes_from_its_firms(store):
    """At stage level, a stage's ``hhi`` and ``top_customer_share`` are the highest of its firms' and
    ``purchase_hhi`` the HHI of the most concentrated purchase of the stage by one firm, each written
    again here from the share rule on the firm-level network (the stage graph itself would give
    10,000 and 1 everywhere: each stage buys from one node per input stage)."""
    from chaingraph.projection.read import project_columns
    from chaingraph.projection.selection import make_selection, select_columns
    from chaingraph.reports import stats

    rows = {row["id"]: row for row in stats(store, Scope(chain="ningde", level="stage")).rows}
    graph = select_columns(project_columns(store), make_selection(store, Scope(chain="ningde"))).to_networkx()
    expected: dict[str, dict[str, float]] = {}

    def keep(stage: str, key: str, value: float) -> None:
        expected.setdefault(stage, {})[key] = max(expected.get(stage, {}).get(key, value), value)

    for firm in graph:
        inputs: dict[str, list[dict]] = {}
        for supplier in graph.predecessors(firm):
            if supplier != firm and graph.nodes[supplier]["stage"]:
                inputs.setdefault(graph.nodes[supplier]["stage"], []).append(graph.edges[supplier, firm])
        for stage, edges in inputs.items():
            purchase = 10_000 * math.fsum(x * x for x in shares_by_the_rule(edges, "client_share"))
            keep(stage, "purchase_hhi", purchase)  # a purchase of that stage
            if graph.nodes[firm]["stage"]:
                keep(graph.nodes[firm]["stage"], "hhi", purchase)  # one of the firm's own purchases
        clients = [graph.edges[firm, c] for c in graph.successors(firm) if c != firm]
        if clients and graph.nodes[firm]["stage"]:
            keep(graph.nodes[firm]["stage"], "top_customer_share", max(shares_by_the_rule(clients, "supplier_share")))
    from chaingraph.measures import reference

    for key, measure in (("region_hhi", reference.region_hhi), ("group_hhi", reference.group_hhi)):
        for firm, value in measure(graph).items():  # a stage takes the highest of its buying firms'
            buys = any(s != firm and graph.nodes[s]["stage"] for s in graph.predecessors(firm))
            if graph.nodes[firm]["stage"] and buys:
                keep(graph.nodes[firm]["stage"], key, value)
    for stage, row in rows.items():
        for key in ("hhi", "region_hhi", "group_hhi", "top_customer_share", "purchase_hhi"):
            wanted = expected.get(stage, {}).get(key)
            assert row[key] == (pytest.approx(wanted) if wanted is not None else None), (row["label"], key)
    assert rows["https://w3id.org/chaingraph/fujian/stage-libat-cathode"]["purchase_hhi"] < 2_500  # six suppliers
