"""``chaingraph view`` in a real browser: offline, directed, legended, bilingual, and inert to injected markup."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from chaingraph import Shock
from chaingraph.projection.read import project_columns
from chaingraph.projection.selection import Scope, evidence_counts, select_columns
from chaingraph.reports import Drawing, make_selection

from ..conftest import require, run_process

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    require(path is not None, "Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class Page:
    """A view opened from disk with every request, console error and dialog recorded."""

    def __init__(self, browser, path: Path, size: tuple[int, int] = (1400, 900)) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("typeof network !== 'undefined'")

    def _route(self, route) -> None:
        if route.request.url.startswith("file://") and route.request.resource_type == "document":
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def hover(self, node_id: str) -> str:
        """Hover a node and return the tooltip's text."""
        point = self.js(f"network.canvasToDOM(network.getPosition({json.dumps(node_id)}))")
        box = self.page.locator("#graph").bounding_box()
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        self.page.wait_for_timeout(600)
        return self.js("(document.querySelector('.vis-tooltip') || {}).innerText || ''")


def write_view(tmp_path: Path, *args: str) -> Path:
    result = run_process("view", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = [p for p in tmp_path.iterdir() if p.suffix == ".html"]
    assert len(written) == 1
    return written[0]


def expected_counts(*args: str) -> tuple[int, int]:
    rows = json.loads(run_process("stats", "--format", "json", *args).stdout)
    return len(rows), sum(row["in_degree"] for row in rows)


@pytest.mark.browser
@pytest.mark.parametrize("chain", ["ningde", "jinjiang"])
def test_view_opens_offline_with_every_node_and_edge(browser, tmp_path, store, chain):
    path = write_view(tmp_path, chain)
    assert path.name == f"{chain}.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing else written
    page = Page(browser, path)
    nodes, edges = expected_counts("--chain", chain)
    assert page.js("nodes.get({filter: n => n.kind !== 'place'}).length") == nodes
    assert page.js("edges.get({filter: e => e.relation === 'supply'}).length") == edges
    assert page.js("edges.get({filter: e => e.relation === 'supply' && e.arrows !== 'to'}).length") == 0
    located = page.js("edges.get({filter: e => e.relation === 'located'})")
    supply_dashes = page.js("edges.get({filter: e => e.relation === 'supply'}).map(e => JSON.stringify(e.dashes))")
    assert located and all(edge["dashes"] and edge["color"] != "#555555" for edge in located)
    assert json.dumps(located[0]["dashes"], separators=(",", ":")) not in supply_dashes
    assert page.requests == []
    assert page.errors == []
    legend = page.page.locator("aside").inner_text()
    assert "located in" in legend
    # Each evidence level of the view's edges is drawn its own way and named in the legend.
    counts = evidence_counts(select_columns(project_columns(store), make_selection(store, Scope(chain=chain))))
    dotted = page.js("edges.get({filter: e => e.relation === 'supply' && Array.isArray(e.dashes)}).length")
    assert dotted == counts["inferred"]
    assert ("supplies, inferred" in legend) == bool(counts["inferred"])
    assert ("supplies, stated by the source" in legend) == bool(counts["stated"])


@pytest.mark.browser
def test_chinese_labels_everywhere(browser, tmp_path, store):
    from chaingraph.reports import network

    page = Page(browser, write_view(tmp_path, "ningde", "--lang", "zh"))
    labels = page.js("nodes.get().map(n => n.label)")
    assert "宁德时代" in labels
    assert "宁德市" in labels  # places too
    # Every node and place of the bundled graph has a Chinese name, so no label is English.
    assert [label for label in labels if re.search(r"[A-Za-z]{2,}", label)] == []
    options = page.js("Array.from(document.querySelectorAll('#names option')).map(o => o.value)")
    assert "宁德时代" in options and "CATL" in options
    aside = page.page.locator("aside").inner_text()
    assert "正极材料" in aside
    header = page.page.locator("header").inner_text()  # the title and the counts under it
    assert "个节点" in header and not re.search(r"[A-Za-z]{2,}", header), header
    # No English is left in the legend and the figures: words of Latin letters are only names
    # that have no Chinese form (PageRank, the PNG format, the Wh/kg unit).
    assert set(re.findall(r"[A-Za-z]{2,}", aside)) <= {"PageRank", "PNG", "Wh", "kg"}
    chain_figures = store.select(
        "SELECT ?name WHERE { ?o cg:subject fj:ningde-lithium-battery ; cg:measure/skos:prefLabel ?name "
        'FILTER(LANGMATCHES(LANG(?name), "zh")) }'
    )
    names = {str(row["name"]) for row in chain_figures.rows}
    assert names and all(name in aside for name in names)
    catl = "https://w3id.org/chaingraph/fujian/catl"
    graph = network(store, Scope(chain="ningde"))
    stage = graph.nodes[catl]["stage"]
    stage_zh = next(c["stages"][stage]["label_zh"] for c in graph.graph["chains"].values() if stage in c["stages"])
    place_zh = graph.graph["places"][graph.nodes[catl]["place"]]["label_zh"]
    tooltip = page.hover(catl)
    assert "宁德时代" in tooltip and stage_zh in tooltip and place_zh in tooltip
    assert not {graph.nodes[catl]["stage_label"], graph.nodes[catl]["place_label"]} & set(tooltip.splitlines())
    assert page.errors == []


PROBES = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=2;alert(2)</script>",
    '"><svg onload=alert(3)>',
]


@pytest.mark.browser
def test_injected_markup_shows_as_text_and_runs_nothing(browser, tmp_path, ttl):
    body = "".join(
        f"ex:x{i} a cg:Company ; rdfs:label {json.dumps(probe)}@en , {json.dumps(probe)}@zh-Hans ;"
        f" cg:locatedIn ex:place{i} ; cg:inChain ex:chain ; cg:atStage ex:stage{i} ; cg:supplierOf ex:x{i + 1} .\n"
        f"ex:place{i} a cg:Place ; rdfs:label {json.dumps(probe)}@en .\n"
        f"ex:stage{i} a cg:ChainStage ; skos:inScheme ex:chain ; skos:prefLabel {json.dumps(probe)}@en .\n"
        for i, probe in enumerate(PROBES)
    )
    body += 'ex:chain a cg:IndustrialChain ; rdfs:label "<b>chain</b>"@en ; cg:region ex:place0 .\n'
    body += 'ex:x3 a cg:Company ; rdfs:label "End"@en .\n'
    data = ttl(body)
    out = tmp_path / "out"
    out.mkdir()
    path = write_view(out, "chain", "--no-bundled", "--data", str(data))
    page = Page(browser, path)
    for i, probe in enumerate(PROBES):
        assert probe in page.hover(f"https://example.test/x{i}")
        page.page.mouse.down()  # a click opens the side panel, which must show the probe as text
        page.page.mouse.up()
        assert page.page.locator("#details-name").inner_text() == probe
        assert probe in page.page.locator("#details").inner_text()
    assert page.js("window.__pwned === undefined")
    assert page.dialogs == []
    assert page.js("document.querySelectorAll('img, svg').length") == 0
    assert PROBES[0] in page.page.locator("aside").inner_text()  # the legend shows the stage name as text
    assert "<b>chain</b>" in page.page.locator("header h1").inner_text()
    assert page.errors == []


def test_never_overwrites_a_foreign_file_without_force(tmp_path):
    precious = tmp_path / "ningde.html"
    precious.write_text("<html>my own page</html>", encoding="utf-8")
    result = run_process("view", "ningde", cwd=tmp_path)
    assert result.returncode == 2
    assert "use --force" in result.stderr
    assert precious.read_text(encoding="utf-8") == "<html>my own page</html>"
    assert run_process("view", "ningde", "--force", cwd=tmp_path).returncode == 0
    # A view chaingraph wrote may be replaced without --force, and the user is told so.
    replaced = run_process("view", "ningde", "--lang", "zh", cwd=tmp_path)
    assert replaced.returncode == 0 and "replacing the view that was there" in replaced.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ningde.html"]
    first = run_process("view", "ningde", "-o", "other.html", cwd=tmp_path)
    assert first.returncode == 0 and "replacing" not in first.stderr  # a new file: nothing replaced


def test_default_file_name_cannot_escape_the_folder(tmp_path):
    from chaingraph.cli import default_view_name

    assert default_view_name("../../etc/passwd") == "etc-passwd.html"
    assert default_view_name("宁德") == "宁德.html"
    assert default_view_name("..") == "view.html"


def test_view_of_unknown_chain_suggests(tmp_path):
    result = run_process("view", "ningdee", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_view_into_missing_folder_is_an_input_error(tmp_path):
    result = run_process("view", "ningde", "-o", str(tmp_path / "no" / "such" / "x.html"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.browser
def test_a_5000_firm_view_opens_and_draws(browser, tmp_path):
    data = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "5000", "-o", str(data)).returncode == 0
    path = write_view(tmp_path, "synthetic", "--data", str(data))
    page = Page(browser, path)
    assert page.js("nodes.length") == 5000
    assert page.js("network.physics.options.enabled") is False  # layout computed in Python
    drawn = page.page.evaluate(
        "new Promise(resolve => { network.once('afterDrawing', () => resolve(true)); network.redraw(); })"
    )
    assert drawn is True
    assert page.requests == [] and page.errors == []


#: Each edge the page routed (drawn as another curve than the layout gave it) whose drawn length is
#: more than a detour around the boxes: 1.5 times the straight line plus two of the tallest boxes
#: with their clearance (templates/view.html's bound, written again here from its definition).
LOOPS = """() => {
  var tallest = 0, found = [];
  nodes.getIds().forEach(function (id) {
    var b = network.getBoundingBox(id); tallest = Math.max(tallest, b.bottom - b.top + 8);
  });
  (window.routed.changed || []).forEach(function (id) {
    var drawn = network.body.edges[id], a = drawn.from, b = drawn.to, length = 0, last = a;
    for (var i = 1; i <= 400; i++) {
      var p = drawn.edgeType.getPoint(i / 400); length += Math.hypot(p.x - last.x, p.y - last.y); last = p;
    }
    if (length > 1.5 * Math.hypot(b.x - a.x, b.y - a.y) + 2 * tallest + 1) {
      found.push(drawn.fromId + " -> " + drawn.toId);
    }
  });
  return found;
}"""


@pytest.mark.browser
def test_a_focus_view_opens_on_its_firm_with_its_details_and_draws_no_loop(browser, tmp_path):
    """Two tiers around a firm of a synthetic network: more than fits the window at a readable
    size, so the page opens at that size centred on the focus firm (it had opened on the upstream
    corner, the firm off-screen), with the firm's details in the panel; no route loops."""
    data = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "3000", "-o", str(data)).returncode == 0
    path = write_view(tmp_path, "synthetic", "--data", str(data), "--focus", "Synthetic Firm 0000046", "--hops", "2")
    page = Page(browser, path)
    page.page.wait_for_function("window.arranged === true")
    focus = "https://w3id.org/chaingraph/synthetic/firm/46"
    assert page.js("window.focusNode") == focus
    off_screen = """() => { var r = document.getElementById('graph').getBoundingClientRect();
      return nodes.getIds({filter: n => !n.hidden}).filter(function (id) {
        var p = network.canvasToDOM(network.getPosition(id));
        return p.x < 0 || p.y < 0 || p.x > r.width || p.y > r.height;
      }).length; }"""
    assert page.js(off_screen) > 0  # too many to fit at a readable size: the case above
    where = page.js(f"network.canvasToDOM(network.getPosition({json.dumps(focus)}))")
    area = page.js("[document.getElementById('graph').clientWidth, document.getElementById('graph').clientHeight]")
    assert 0 <= where["x"] <= area[0] and 0 <= where["y"] <= area[1], (where, area)
    assert page.page.locator("#details-name").inner_text() == "Synthetic Firm 0000046"
    assert page.page.locator("#details").is_visible()
    assert page.js("window.routed.changed.length") > 0  # the routing ran and drew some edges anew
    assert page.js(LOOPS) == []
    assert page.errors == []


def test_a_view_from_the_library_shows_inline_in_a_notebook(store):
    import html

    import chaingraph

    page = chaingraph.view(store, Scope(chain="ningde"))
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts' in shown
    assert "allow-same-origin" not in shown  # the page cannot reach into the notebook
    srcdoc = shown.split('srcdoc="', 1)[1].split('" sandbox=', 1)[0]
    assert html.unescape(srcdoc) == page  # the same self-contained page
    assert '"' not in srcdoc  # no quote ends the attribute early


@pytest.mark.browser
def test_the_notebook_frame_draws_the_view_offline(browser, tmp_path, store):
    import chaingraph

    notebook = tmp_path / "notebook.html"
    cell = chaingraph.view(store, Scope(chain="ningde"))._repr_html_()
    notebook.write_text(f"<!DOCTYPE html><html><body><div class='output'>{cell}</div></body></html>", "utf-8")
    requests, errors = [], []
    page = browser.new_page(viewport={"width": 1400, "height": 900})

    def route(request_route) -> None:
        if request_route.request.url == notebook.resolve().as_uri():
            request_route.continue_()
        else:
            requests.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(notebook.resolve().as_uri())
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_function("typeof network !== 'undefined'")
    nodes, edges = expected_counts("--chain", "ningde")
    assert frame.evaluate("nodes.get({filter: n => n.kind !== 'place'}).length") == nodes
    assert frame.evaluate("edges.get({filter: e => e.relation === 'supply'}).length") == edges
    assert requests == [] and errors == []
    page.close()


@pytest.mark.browser
def test_places_start_hidden_and_the_toggle_shows_them(browser, tmp_path):
    (tmp_path / "plain").mkdir()
    hidden_first = Page(browser, write_view(tmp_path / "plain", "ningde"))
    count = "nodes.get({filter: n => n.kind === 'place' && !n.hidden}).length"
    links = "edges.get({filter: e => e.relation === 'located' && !e.hidden}).length"
    total = hidden_first.js("nodes.get({filter: n => n.kind === 'place'}).length")
    total_links = hidden_first.js("edges.get({filter: e => e.relation === 'located'}).length")
    assert total > 0 and total_links > 0
    assert hidden_first.js(count) == 0 and hidden_first.js(links) == 0
    hidden_first.page.locator("#places").check()
    assert hidden_first.js(count) == total and hidden_first.js(links) == total_links
    hidden_first.page.locator("#places").uncheck()
    assert hidden_first.js(count) == 0
    assert hidden_first.errors == [] and hidden_first.requests == []
    (tmp_path / "shown").mkdir()
    shown = Page(browser, write_view(tmp_path / "shown", "ningde", "--places"))
    assert shown.js(count) == total and shown.page.locator("#places").is_checked()


@pytest.mark.browser
def test_a_click_traces_a_firms_whole_supply_chain(browser, tmp_path, store):
    import networkx as nx

    from chaingraph.reports import network

    page = Page(browser, write_view(tmp_path, "fujian"))  # CATL's chain and three others
    graph = network(store, Scope(chain="fujian"))
    catl = "https://w3id.org/chaingraph/fujian/catl"
    point = page.js(f"network.canvasToDOM(network.getPosition({json.dumps(catl)}))")
    box = page.page.locator("#graph").bounding_box()
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    traced = page.js("window.traced")
    assert traced["node"] == catl
    assert set(traced["upstream"]) == nx.ancestors(graph, catl) and traced["upstream"]
    assert set(traced["downstream"]) == nx.descendants(graph, catl) and traced["downstream"]
    dimmed = page.js("nodes.get({filter: n => n.color === '#e6e6e6'}).map(n => n.id)")
    kept = {catl} | nx.ancestors(graph, catl) | nx.descendants(graph, catl)
    all_nodes = set(page.js("nodes.getIds()"))
    assert set(dimmed) == all_nodes - kept
    # Edges off the chain are dimmed too: those with an end outside both its upstream and its
    # downstream (the other chains' edges).
    up, down = nx.ancestors(graph, catl) | {catl}, nx.descendants(graph, catl) | {catl}
    off_chain = {(u, v) for u, v in graph.edges() if not ({u, v} <= up or {u, v} <= down)}
    dimmed_edges = page.js("edges.get({filter: e => e.relation === 'supply' && e.color === '#e6e6e6'})")
    assert {(e["from"], e["to"]) for e in dimmed_edges} == off_chain and off_chain
    # The side panel names the firm, its stage and place, and every supply edge with its sources.
    panel = page.page.locator("#details")
    assert panel.is_visible()
    attrs = graph.nodes[catl]
    assert page.page.locator("#details-name").inner_text() == attrs["label"]
    details = page.page.locator("#details-text").inner_text()
    assert attrs["stage_label"] in details and attrs["place_label"] in details and attrs["label_zh"] in details
    suppliers = page.page.locator("#details-suppliers > li")
    clients = page.page.locator("#details-clients > li")
    assert suppliers.count() == graph.in_degree(catl) and clients.count() == graph.out_degree(catl)
    listed = page.page.locator("#details-suppliers").inner_text() + page.page.locator("#details-clients").inner_text()
    for other in nx.all_neighbors(graph, catl):
        assert graph.nodes[other]["label"] in listed
    sources = {s for edge in [*graph.in_edges(catl), *graph.out_edges(catl)] for s in graph.edges[edge]["sources"]}
    assert sources and all(source in listed for source in sources)
    links = set(page.js("Array.from(document.querySelectorAll('#details a')).map(a => a.getAttribute('href'))"))
    assert links == {source for source in sources if source.startswith("http")}
    # Tesla has no client here: its panel lists its supplier and shows no empty client list.
    tesla = "https://w3id.org/chaingraph/fujian/tesla"
    point = page.js(f"network.canvasToDOM(network.getPosition({json.dumps(tesla)}))")
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert graph.out_degree(tesla) == 0 < graph.in_degree(tesla)
    assert page.page.locator("#details-name").inner_text() == graph.nodes[tesla]["label"], page.js("window.traced")
    assert page.page.locator("#details-from").is_visible() and not page.page.locator("#details-to").is_visible()
    page.page.keyboard.press("Escape")
    assert not panel.is_visible()
    assert page.js("window.traced") is None
    assert page.js("nodes.get({filter: n => n.color === '#e6e6e6'}).length") == 0
    # NIO's suppliers have suppliers: every tier is traced, not only the first.
    nio = "https://w3id.org/chaingraph/fujian/nio"
    point = page.js(f"network.canvasToDOM(network.getPosition({json.dumps(nio)}))")
    page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert set(page.js("window.traced.upstream")) == nx.ancestors(graph, nio)
    assert len(nx.ancestors(graph, nio)) > len(set(graph.predecessors(nio)))
    assert page.errors == [] and page.requests == []


def staged_view(store, chain: str):
    """The view's network as NetworkX has it, with each node's stage order from the data."""
    from chaingraph.reports import network

    return network(store, Scope(chain=chain))


@pytest.mark.browser
@pytest.mark.parametrize("chain", ["ningde", "putian", "jinjiang"])
def test_stages_are_columns_in_chain_order(browser, tmp_path, store, chain):
    graph = staged_view(store, chain)
    page = Page(browser, write_view(tmp_path, chain))
    x = page.js("Object.fromEntries(nodes.getIds().map(id => [id, network.getPosition(id).x]))")
    order = {node: attrs["stage_order"] for node, attrs in graph.nodes(data=True) if attrs.get("stage")}
    assert len(order) > 1
    # No node of an earlier stage is right of a node of a later one; stages that feed the same
    # clients may share a column (stacked in it), and an edge between two stages runs left to right.
    for a in order:
        for b in order:
            if order[a] < order[b]:
                assert x[a] <= x[b], (a, b)
    # A supply edge runs left to right unless it runs against the stage order; then it is drawn
    # curved and in a colour of its own.
    edges = page.js("edges.get({filter: e => e.relation === 'supply'})")
    assert len(edges) == graph.number_of_edges()
    against = {(e["from"], e["to"]) for e in edges if e.get("against")}
    expected = {(u, v) for u, v in graph.edges() if u in order and v in order and order[u] >= order[v]}
    assert against == expected
    for edge in edges:
        if (edge["from"], edge["to"]) in against:
            assert edge["smooth"]["type"].startswith("curved") and edge["color"] not in {"#555555", "#a8a8a8"}
        else:
            assert x[edge["from"]] < x[edge["to"]], edge
    if chain == "ningde":  # recyclers and the testing service supply CATL, upstream of them
        catl = "https://w3id.org/chaingraph/fujian/catl"
        assert {u for u, v in against if v == catl} and "against the stage order" in page.page.locator(
            "aside"
        ).inner_text()
    assert page.errors == [] and page.requests == []


#: The shown nodes whose box (shape and label) lies partly outside the window's drawing area.
OUTSIDE_THE_WINDOW = """() => {
  var area = document.getElementById('graph').getBoundingClientRect();
  return nodes.getIds({filter: n => !n.hidden}).filter(function (id) {
    var b = network.getBoundingBox(id);
    var a = network.canvasToDOM({x: b.left, y: b.top}), z = network.canvasToDOM({x: b.right, y: b.bottom});
    return a.x < 0 || a.y < 0 || z.x > area.width || z.y > area.height;
  });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("args", [("ningde",), ("ningde", "--places"), ("ningde", "--places", "--lang", "zh")])
def test_the_ningde_view_opens_whole_in_a_1400_by_900_window_at_the_readable_size(browser, tmp_path, args):
    """Its eighteen input suppliers in one column ran below the window while a fifth of the canvas
    stood empty; staggered over two tracks the chain, and its places with --places, fit."""
    page = Page(browser, write_view(tmp_path, *args), (1400, 900))
    page.page.wait_for_function("window.arranged === true")
    assert page.js("network.getScale() * options.nodes.font.size") >= 11
    if "--places" in args:
        assert page.js("nodes.get({filter: n => n.kind === 'place' && !n.hidden}).length") > 0
    assert page.js(OUTSIDE_THE_WINDOW) == []
    assert page.errors == []


LABEL_BOXES = """() => {
  var shown = nodes.getIds({filter: n => !n.hidden});
  network.fit({animation: false}); network.redraw();  // every label drawn where it is
  return shown.map(id => { var b = network.getBoundingBox(id); return [id, b.left, b.top, b.right, b.bottom]; })
    .concat(titleBoxes().map(b => ["lane title " + b.title, b.left, b.top, b.right, b.bottom]));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080)])
@pytest.mark.parametrize("args", [("ningde",), ("jinjiang",), ("putian",), ("fujian",), ("fujian", "--places")])
def test_no_two_labels_overlap_and_text_is_readable(browser, tmp_path, store, args, size):
    from chaingraph.reports import network

    page = Page(browser, write_view(tmp_path, *args), size)
    text_px = page.js("network.getScale() * options.nodes.font.size")
    assert text_px >= 11
    boxes = page.js(LABEL_BOXES)
    nodes = [box for box in boxes if not box[0].startswith("lane title ")]
    assert len(nodes) == page.js("nodes.get({filter: n => !n.hidden}).length") > 0
    # A view of several chains names each chain's lane.
    titles = {box[0].removeprefix("lane title ") for box in boxes} - {box[0] for box in nodes}
    chains = network(store, Scope(chain=args[0])).graph["chains"]
    names = {chains[c]["label"] for c in make_selection(store, Scope(chain=args[0])).chains}
    assert titles - {"in no chain", "places"} == (names if len(titles) > 1 else set())
    assert len(names) == 1 or titles >= names
    overlapping = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []
    # Long names wrap: no label is wider than the wrap width (or its node).
    width = page.js("options.nodes.widthConstraint.maximum")
    sizes = page.js("Object.fromEntries(nodes.get().map(n => [n.id, n.size || 0]))")
    assert all(right - left <= max(width, 2 * sizes[node]) + 8 for node, left, _, right, _ in nodes)
    assert page.errors == [] and page.requests == []


@pytest.mark.browser
def test_search_selects_and_centres_a_firm_and_the_picture_saves_as_png(browser, tmp_path):
    page = Page(browser, write_view(tmp_path, "ningde", "--lang", "zh"))
    hifen = "https://w3id.org/chaingraph/fujian/hifen"
    page.page.locator("#find").fill("CATL")  # the other language's name finds it too
    page.page.locator("#find").dispatch_event("change")
    page.page.wait_for_timeout(1500)  # the focus animation
    catl = "https://w3id.org/chaingraph/fujian/catl"
    assert page.js("network.getSelectedNodes()") == [catl]
    centre = page.js(f"network.canvasToDOM(network.getPosition({json.dumps(catl)}))")
    box = page.page.locator("#graph").bounding_box()
    assert abs(centre["x"] - box["width"] / 2) < 5 and abs(centre["y"] - box["height"] / 2) < 5
    assert page.js("window.traced.node") == catl and hifen in page.js("window.traced.upstream")
    assert page.page.locator("#details-name").inner_text() == "宁德时代"
    assert "供应方" in page.page.locator("#details").inner_text()
    with page.page.expect_download() as download:
        page.page.locator("#png").click()
    saved = tmp_path / "saved.png"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= box["width"] and height >= box["height"]  # the whole canvas, at device scale
    assert page.errors == [] and page.requests == []


def _seen_by_everyone(colours: list[str]):
    """Each colour in CAM02-UCS under normal vision and simulated full deutan, protan and tritan
    colour blindness (Machado et al. 2009, as colorspacious simulates it)."""
    import numpy as np
    from colorspacious import cspace_convert

    points = np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in colours])
    kinds = ("deuteranomaly", "protanomaly", "tritanomaly")
    visions = [{"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100} for kind in kinds]
    seen = [points] + [np.clip(cspace_convert(points, vision, "sRGB1"), 0, 1) for vision in visions]
    return [cspace_convert(colour, "sRGB1", "CAM02-UCS") for colour in seen]


@pytest.mark.parametrize("chain", ["ningde", "jinjiang", "putian", "fujian"])
def test_every_stage_has_a_colour_no_reader_confuses_with_another(store, chain):
    import numpy as np

    from chaingraph.reports import network
    from chaingraph.views.colours import DIMMED_COLOR, NO_STAGE_COLOR, stage_colors

    graph = network(store, Scope(chain=chain))  # as the view of chain (fujian: every chain of the region)
    stages = {attrs["stage"] for _, attrs in graph.nodes(data=True) if attrs.get("stage")}
    colours = stage_colors(graph)
    assert set(colours) == stages and len(set(colours.values())) == len(stages)
    # Apart from one another, and from the grey of nodes with no stage and of dimmed nodes.
    shown = [*colours.values(), NO_STAGE_COLOR, DIMMED_COLOR]
    for space in _seen_by_everyone(shown):
        distance = np.linalg.norm(space[:, None] - space[None], axis=2)
        np.fill_diagonal(distance, np.inf)
        assert distance.min() >= 9.0, (chain, distance.min())


@pytest.mark.parametrize(
    ("value", "unit", "comparator", "english", "chinese"),
    [
        ("250800000000", "CNY", None, "output value: 250.8 billion yuan (2024)", "产值：2508亿元（2024）"),
        (
            "19250000",
            "NUM",
            ("more than", "超过"),
            "output value: more than 19.25 million (2024)",
            "产值：超过1925万（2024）",
        ),
        ("37.9", "PERCENT", ("just under", "接近"), "output value: just under 37.9% (2024)", "产值：接近37.9%（2024）"),
        ("1.2e12", "CNY", None, "output value: 1.2 trillion yuan (2024)", "产值：1.2万亿元（2024）"),
    ],
)
def test_figures_read_in_each_language(value, unit, comparator, english, chinese):
    from rdflib import Literal, URIRef

    from chaingraph.reports import format_figure

    row = {
        "measure": Literal("output value", lang="en"),
        "measure_zh": Literal("产值", lang="zh-Hans"),
        "value": Literal(value, datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        "unit": URIRef(f"http://qudt.org/vocab/unit/{unit}"),
        "period": Literal("2024"),
    }
    if comparator:
        row["comparator"], row["comparator_zh"] = Literal(comparator[0]), Literal(comparator[1])
    assert format_figure(row, "en") == english
    assert format_figure(row, "zh") == chinese
    del row["measure_zh"]  # no Chinese name: the English one stands in
    assert format_figure(row, "zh").startswith("output value：")


def test_a_language_the_library_does_not_have_is_an_input_error(store):
    from chaingraph.errors import InputError
    from chaingraph.reports import figures_by_subject
    from chaingraph.views import view

    for call in (
        lambda: view(store, Scope(chain="ningde"), Drawing(lang="fr")),
        lambda: figures_by_subject(store, "fr"),
    ):
        with pytest.raises(InputError, match="--lang 'fr': use en or zh"):
            call()


def _page_nodes(html: str) -> dict[str, dict]:
    """The nodes the page hands vis.js, by id."""
    text = html.split("var nodes = new vis.DataSet(", 1)[1]
    nodes, _ = json.JSONDecoder().raw_decode(text)
    return {node["id"]: node for node in nodes}


def test_a_scenario_view_crosses_out_the_removed_and_outlines_each_tier(store):
    from chaingraph.reports.scenarios import scenario
    from chaingraph.views import view
    from chaingraph.views.page import TIER_OUTLINES

    nodes = _page_nodes(view(store, Scope(chain="ningde"), remove=["stage:separators"]))
    expected = {d["id"]: d["tier"] for d in scenario(store, ["stage:separators"], Scope(chain="ningde")).disrupted}
    assert len(set(expected.values())) == 3  # the separator makers, then CATL, then the carmakers
    for node, attrs in nodes.items():
        if node in expected:
            assert attrs["color"]["border"] == TIER_OUTLINES[min(expected[node], len(TIER_OUTLINES) - 1)]
            assert attrs["label"].startswith("✕") == (expected[node] == 0)
            assert "scenario:" in attrs["title"]
        elif "color" in attrs and isinstance(attrs["color"], dict):
            raise AssertionError(f"{node} is outlined but not disrupted")
    catl = nodes["https://w3id.org/chaingraph/fujian/catl"]
    assert "every supplier of separators lost" in catl["title"]


@pytest.mark.parametrize("direction, threshold", [("upstream", 0.4), ("both", 0.4), ("downstream", 0.5)])
def test_a_scenario_view_draws_the_scenario_impact_gives_for_its_rule(store, direction, threshold):
    """``view --remove --direction --threshold`` draws impact's scenario under the same rule: the
    same firms in the same tiers, those disrupted by a demand shock outlined dotted (and named so
    in the legend and their details), each firm's own loss under that rule too."""
    from chaingraph.reports.scenarios import scenario
    from chaingraph.views import view
    from chaingraph.views.page import DEMAND_DASHES, TIER_OUTLINES

    rule = {"shock": Shock(direction=direction, threshold=threshold)}
    html = str(view(store, Scope(chain="ningde"), remove=["firm:CATL"], **rule))
    nodes = _page_nodes(html)
    found = scenario(store, ["firm:CATL"], Scope(chain="ningde"), **rule)
    expected = {d["id"]: d for d in found.disrupted}
    outlined = {node for node, attrs in nodes.items() if isinstance(attrs.get("color"), dict)}
    assert outlined == set(expected)
    for node, record in expected.items():
        attrs = nodes[node]
        assert attrs["color"]["border"] == TIER_OUTLINES[min(record["tier"], len(TIER_OUTLINES) - 1)]
        dashes = attrs.get("shapeProperties", {}).get("borderDashes")
        assert (dashes == DEMAND_DASHES) == (record["reason"] == "demand-lost"), node
        if record["reason"] == "demand-lost":
            assert f"{record['share_lost']:.0%} of its sales lost" in attrs["title"]
    demand = [d for d in found.disrupted if d["reason"] == "demand-lost"]
    assert bool(demand) == (direction != "downstream")
    header, aside = _header_and_legend(html)
    where = {"upstream": "upstream (they stop buying)", "both": "up- and downstream", "downstream": "downstream"}
    beyond = sum(found.summary.firms_per_tier[1:])
    assert f"disrupts {beyond} more {where[direction]};" in header
    assert ("lost its sales (dotted outline, a demand shock)" in aside) == bool(demand)
    # Each firm's own loss under the same rule, as the scenario of removing it alone gives it: NIO
    # buys from CATL (upstream it reaches CATL), Hunan Yuneng supplies CATL (downstream it does).
    firm = "https://w3id.org/chaingraph/fujian/" + ("nio" if direction == "upstream" else "yuneng")
    alone = scenario(store, [f"firm:{firm}"], Scope(chain="ningde"), **rule).summary.firms_per_tier[1:]
    own = nodes[firm]["title"]
    assert (f"tier by tier: {' → '.join(map(str, alone))}" in own) if alone else ("would disrupt no other firm" in own)


def test_a_views_rule_without_a_scenario_or_out_of_range_is_one_line(run):
    for arguments, expected in (
        (["--threshold", "0.5"], "--threshold and --direction go with --remove"),
        (["--remove", "firm:CATL", "--threshold", "1.5"], "--threshold 1.5: a share between 0 (excluded) and 1"),
    ):
        result = run("view", "ningde", "-o", "x.html", *arguments)
        assert result.exit_code == 2 and expected in result.stderr, result.stderr


def _header_and_legend(html: str) -> tuple[str, str]:
    header = html[html.index("<header>") : html.index("</header>")]
    aside = html[html.index("<aside>") : html.index("</aside>")]
    return header, aside


def test_a_scenario_view_says_its_scenario_under_the_title_and_explains_its_outlines(store):
    from chaingraph.reports.scenarios import scenario
    from chaingraph.views import view

    html = str(view(store, Scope(chain="ningde"), remove=["stage:separators"]))
    header, aside = _header_and_legend(html)
    per_tier = scenario(store, ["stage:separators"], Scope(chain="ningde")).summary.firms_per_tier
    removed, beyond = per_tier[0], sum(per_tier[1:])
    assert f"({removed} organizations, crossed out) disrupts {beyond} more downstream" in header
    assert " → ".join(map(str, per_tier)) in header
    # the legend names each outline drawn: the removed set and the tiers there are, in their colours
    assert "removed (dashed outline, name crossed out)" in aside
    for tier in range(1, len(per_tier)):
        assert f"disrupted in tier {tier}" in aside
    assert f"disrupted in tier {len(per_tier)}" not in aside
    # one firm removed is one organization, not "1 organizations"
    one = _header_and_legend(str(view(store, Scope(chain="ningde"), remove=["firm:Hifen"])))[0]
    assert "(1 organization, crossed out)" in one
    # a view with no scenario has neither the line nor the legend
    plain_header, plain_aside = _header_and_legend(str(view(store, Scope(chain="ningde"))))
    assert "Scenario" not in plain_aside and "headline" not in plain_header


def test_a_focus_view_says_whose_neighbourhood_it_is_under_the_title(store):
    from chaingraph.views import view

    header, _ = _header_and_legend(str(view(store, Scope(chain="fujian"), Drawing(focus="CATL", hops=1))))
    assert "The neighbourhood of CATL, tiers up and down: 1" in header


def test_each_firm_says_what_its_own_loss_would_disrupt(store):
    from chaingraph.reports.scenarios import scenario
    from chaingraph.views import view

    nodes = _page_nodes(view(store, Scope(chain="ningde")))
    catl = nodes["https://w3id.org/chaingraph/fujian/catl"]
    tiers = scenario(store, ["firm:CATL"], Scope(chain="ningde")).summary.firms_per_tier[1:]
    assert tiers  # the carmakers
    assert f"tier by tier: {' → '.join(map(str, tiers))}" in catl["title"]
    # Testing is not essential to cell making: Hifen's own loss disrupts no other firm.
    assert "its own loss would disrupt no other firm" in nodes["https://w3id.org/chaingraph/fujian/hifen"]["title"]


def test_focus_draws_only_the_neighbourhood(store):
    import networkx as nx

    from chaingraph.reports import network
    from chaingraph.views import view

    graph = network(store, Scope(chain="fujian"))
    catl = "https://w3id.org/chaingraph/fujian/catl"
    near = set(nx.single_source_shortest_path_length(graph, catl, cutoff=1))
    near |= set(nx.single_source_shortest_path_length(graph.reverse(), catl, cutoff=1))
    drawn = {
        n
        for n, a in _page_nodes(view(store, Scope(chain="fujian"), Drawing(focus="CATL", hops=1))).items()
        if a.get("kind") != "place"
    }
    assert drawn == near and len(drawn) < len(graph)


def test_a_name_like_no_chain_lists_the_chains_there_are(run, store):
    result = run("view", "nonsense")
    assert result.exit_code == 2
    chains = {str(r["c"]).rsplit("/", 1)[1] for r in store.select("SELECT ?c WHERE { ?c a cg:IndustrialChain }").rows}
    assert chains and all(chain in result.stderr for chain in chains)


def test_each_stage_keeps_one_colour_in_every_view(store):
    from chaingraph.reports import network
    from chaingraph.views.colours import stage_colors

    seen: dict[str, set[str]] = {}
    for chain in ("ningde", "jinjiang", "putian", "fujian"):
        for level in ("firm", "stage"):
            for stage, colour in stage_colors(network(store, Scope(chain=chain, level=level))).items():
                seen.setdefault(stage, set()).add(colour)
    assert len(seen) >= 15
    assert {stage: colours for stage, colours in seen.items() if len(colours) > 1} == {}


def test_a_stage_a_sheet_adds_recolours_none_of_the_graphs(tmp_path, store):
    """Adding "lithium mining" to the Ningde chain with a sheet leaves every other stage its colour."""
    from chaingraph.projection.source import NetworkSource
    from chaingraph.projection.tables import Tables
    from chaingraph.reports import network
    from chaingraph.views.colours import stage_colors

    firms = tmp_path / "firms.csv"
    firms.write_text(
        "id,name_en,name_zh,located_in,chain,stage\n"
        "miner,Tianqi Mining,,Ningde,ningde-lithium-battery,lithium mining\n",
        encoding="utf-8",
    )
    relations = tmp_path / "relations.csv"
    relations.write_text("supplier,client\nminer,Hunan Yuneng\n", encoding="utf-8")
    before = stage_colors(network(store, Scope(chain="ningde")))
    after = stage_colors(
        network(NetworkSource(store, Tables(relations=[relations], firms=[firms])), Scope(chain="ningde"))
    )
    added = set(after) - set(before)
    assert len(added) == 1 and after[added.pop()] not in before.values()  # a colour of its own
    assert {stage: after[stage] for stage in before} == before


def test_every_kind_has_a_shape_of_its_own():
    from chaingraph.views.page import SHAPES

    assert len({shape for shape, _ in SHAPES.values()}) == len(SHAPES)
    assert len({symbol for _, symbol in SHAPES.values()}) == len(SHAPES)


@pytest.mark.browser
def test_the_year_slider_shows_the_relations_in_force_without_moving_a_node(browser, tmp_path, store):
    """The view of dated data starts at --as-of and the slider moves through years; the expected
    edges are the selection's own for each date (tested against the periods in test_as_of)."""
    from chaingraph.projection.selection import Selection

    def expected(asked: str) -> set[tuple[str, str]]:
        selection = make_selection(store, Scope(chain="ningde"))
        table = select_columns(project_columns(store), Selection(chains=selection.chains, as_of=asked))
        return {(table.nodes[a], table.nodes[b]) for a, b in zip(table.suppliers, table.clients, strict=True)}

    page = Page(browser, write_view(tmp_path, "ningde", "--as-of", "2021"))
    shown = "edges.get({filter: e => e.relation === 'supply' && !e.hidden}).map(e => [e.from, e.to])"
    assert {tuple(pair) for pair in page.js(shown)} == expected("2021")
    assert page.page.locator("#by-year").is_checked()
    before = page.js("network.getPositions()")
    move = "const s = document.getElementById('year'); s.value = '2025'; s.dispatchEvent(new Event('input'));"
    page.js(f"(() => {{ {move} }})()")
    assert {tuple(pair) for pair in page.js(shown)} == expected("2025")
    assert page.js("document.getElementById('year-shown').textContent") == "2025"
    assert page.js("network.getPositions()") == before  # only edges change
    page.page.locator("#by-year").uncheck()
    everything = page.js("edges.get({filter: e => e.relation === 'supply'}).length")
    assert len(page.js(shown)) == everything
    assert page.errors == [] and page.requests == []


def test_the_year_slider_starts_at_the_newest_start_not_a_contracts_end(store):
    """The slider runs to the last year any relation gives (a contract's end, years ahead) but
    starts at the latest year a relation of the view starts in: the newest the data says."""
    from chaingraph.reports import network
    from chaingraph.views import view

    graph = network(store, Scope(chain="ningde"))
    given = [(start, end) for _, _, attrs in graph.edges(data=True) for start, end in attrs.get("intervals") or []]
    newest_start = max(int(start[:4]) for start, _ in given if start)
    last = max(int(day[:4]) for span in given for day in span if day)
    assert last > newest_start  # the case: a relation runs on past the newest start
    page = str(view(store, Scope(chain="ningde")))
    slider = re.search(r'<input id="year" type="range" min="(\d+)" max="(\d+)" step="1" value="(\d+)"', page)
    assert slider is not None
    assert (int(slider[2]), int(slider[3])) == (last, newest_start)
    assert f'<output id="year-shown">{newest_start}</output>' in page


@pytest.mark.parametrize(
    "lang, expected",
    [("en", "{nodes} nodes, {edges} supply edges"), ("zh", "{nodes} 个节点，{edges} 条供应连线")],
)
def test_the_subtitle_counts_in_the_pages_language(store, lang, expected):
    from chaingraph.reports import network
    from chaingraph.views import view

    graph = network(store, Scope(chain="ningde"))
    page = view(store, Scope(chain="ningde"), Drawing(lang=lang))
    wanted = expected.format(nodes=graph.number_of_nodes(), edges=graph.number_of_edges())
    assert f'<span class="meta">{wanted}</span>' in page


def test_one_node_and_one_edge_are_not_plural(ttl):
    from chaingraph.store import open_store
    from chaingraph.views import view

    data = ttl(  # one firm that supplies itself: one node, one supply edge
        "ex:tiny a cg:IndustrialChain ; rdfs:label 'Tiny chain'@en .\n"
        "ex:a a cg:Company ; rdfs:label 'A'@en ; cg:locationUnknown true ; cg:inChain ex:tiny ; cg:supplierOf ex:a .\n"
    )
    page = view(open_store(bundled=False, data=[data]), Scope(chain="Tiny chain"))
    assert '<span class="meta">1 node, 1 supply edge</span>' in page


def wcag_contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio, written out here from the definition (relative luminance of
    linearised sRGB, then (L1 + 0.05) / (L2 + 0.05)), apart from the page's own."""

    def relative_luminance(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


DRAWN_LABELS = """() => nodes.get({filter: n => !n.hidden}).map(n => [
  n.id, n.shape, (n.font && n.font.color) || options.nodes.font.color || "#343434",
  typeof n.color === "string" ? n.color : n.color.background])"""
#: vis-network draws these shapes' labels inside them, on the fill; the rest below, on the page.
INSIDE = {"box", "circle", "ellipse", "database", "text"}


@pytest.mark.browser
@pytest.mark.parametrize(
    "args",
    [
        ("ningde",),
        ("fujian", "--places"),
        ("fujian", "--level", "stage"),
        ("jinjiang", "--lang", "zh", "--level", "stage"),
    ],
)
def test_every_label_has_the_contrast_wcag_asks_for_text(browser, tmp_path, args):
    page = Page(browser, write_view(tmp_path, *args))
    drawn = page.js(DRAWN_LABELS)
    assert drawn
    weak = [
        (node, text, behind)
        for node, shape, text, behind in drawn
        if wcag_contrast(text, behind if shape in INSIDE else "#ffffff") < 4.5
    ]
    assert weak == []
    if "stage" in args:
        assert {shape for _, shape, _, _ in drawn} & INSIDE  # boxes with their labels inside were checked
    assert page.errors == []


@pytest.mark.browser
def test_a_stage_view_of_a_synthetic_network_keeps_its_box_labels_readable(browser, tmp_path):
    network = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "2500", "-o", str(network)).returncode == 0
    folder = tmp_path / "view"
    folder.mkdir()
    page = Page(
        browser, write_view(folder, "synthetic", "--data", str(network), "--region", "Ningde", "--level", "stage")
    )
    drawn = page.js(DRAWN_LABELS)
    boxes = [(text, fill) for _, shape, text, fill in drawn if shape in INSIDE]
    assert len(boxes) >= 4 and all(wcag_contrast(text, fill) >= 4.5 for text, fill in boxes), boxes
    # Tracing dims the rest and then restores each label's own colour.
    first = drawn[0][0]
    page.js(f"trace({json.dumps(first)}); clearTrace()")
    assert page.js(DRAWN_LABELS) == drawn


def chinese_fonts() -> bool:
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


#: Chinese text, and what the page draws of each label line by line (vis-network's own wrap).
WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
DRAWN_LINES = """() => Object.values(network.body.nodes).filter(n => n.labelModule.lines && n.options.label)
  .map(n => [n.id, n.labelModule.lines.map(line => line.blocks.map(block => block.text).join(""))])"""


@pytest.mark.parametrize("chain", ["ningde", "jinjiang", "putian", "fujian"])
def test_chinese_labels_break_into_lines_of_even_length(store, chain):
    """A 14 px full-width character is one em, so a 150 px label line holds at most 10: a longer
    Chinese name comes in lines that fit, none of them a lone character."""
    from chaingraph.views.page import FONT_SIZE, LABEL_WIDTH

    labels = [attrs["label"] for attrs in _page_nodes(view_html(store, chain)).values() if WIDE.search(attrs["label"])]
    if chain == "fujian":  # every chain: some names need two lines
        assert any(len(label.replace("\n", "")) > LABEL_WIDTH // FONT_SIZE for label in labels)
    for label in labels:
        for line in label.split("\n"):
            assert 2 <= len(line) <= LABEL_WIDTH // FONT_SIZE, (label, line)


def view_html(store, chain: str) -> str:
    from chaingraph.views import view

    return view(store, Scope(chain=chain), Drawing(lang="zh"))


@pytest.mark.browser
@pytest.mark.parametrize("chain", ["ningde", "fujian"])
def test_chinese_views_draw_no_lone_character_and_need_no_warning(browser, tmp_path, chain):
    require(chinese_fonts(), "a Chinese font (apt-get install fonts-noto-cjk)")
    page = Page(browser, write_view(tmp_path, chain, "--lang", "zh"))
    lines = page.js(DRAWN_LINES)
    wrapped = [(node, drawn) for node, drawn in lines if len(drawn) > 1 and WIDE.search("".join(drawn))]
    assert wrapped  # long Chinese names were drawn on two lines ...
    assert [(node, drawn) for node, drawn in wrapped if min(len(line.strip()) for line in drawn) < 2] == []
    assert page.js("window.fontMissing") is False and page.page.locator("#font-missing").is_hidden()
    assert page.errors == []


@pytest.mark.browser
def test_a_chinese_view_says_which_font_it_needs_where_it_cannot_draw_chinese(browser, tmp_path):
    """Chromium started with a font configuration of Latin fonts only, as on a machine with no
    Chinese font: the page says so, in English too; an English view with no Chinese says nothing."""
    path = chromium_path()
    require(path is not None, "Debian's chromium (apt-get install chromium)")
    latin = [
        f for f in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation") if Path(f).is_dir()
    ]
    require(bool(latin), "Latin fonts (Debian's fonts-dejavu-core or fonts-liberation)")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        + "".join(f"<dir>{folder}</dir>" for folder in latin)
        + f"<cachedir>{tmp_path / 'font-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    chinese, english = tmp_path / "zh", tmp_path / "en"
    chinese.mkdir()
    english.mkdir()
    environment = {**os.environ, "FONTCONFIG_FILE": str(config)}
    latin_only = browser.browser_type.launch(executable_path=path, args=CHROMIUM_FLAGS, env=environment)
    try:
        page = Page(latin_only, write_view(chinese, "ningde", "--lang", "zh"))
        page.page.wait_for_function("window.arranged === true")
        warning = page.page.locator("#font-missing")
        assert page.js("window.fontMissing") is True and warning.is_visible()
        assert "fonts-noto-cjk" in warning.inner_text() and "Noto Sans CJK SC" in warning.inner_text()
        page = Page(latin_only, write_view(english, "ningde"))
        page.page.wait_for_function("window.arranged === true")
        assert page.page.locator("#font-missing").count() == 0  # nothing Chinese to draw
    finally:
        latin_only.close()


#: Every visible node's box (its shape and its label, as vis-network measures them) and the points
#: of every visible edge along the curve it is drawn as, 400 to an edge: the pairs where a point of
#: an edge falls inside the box of a node the edge does not end at.
EDGES_THROUGH_BOXES = """() => {
  network.fit({animation: false}); network.redraw();
  var shown = nodes.getIds({filter: function (n) { return !n.hidden; }});
  var boxes = shown.map(function (id) { return [id, network.getBoundingBox(id)]; });
  var found = {};
  edges.get({filter: function (e) { return !e.hidden; }}).forEach(function (e) {
    var drawn = network.body.edges[e.id];
    for (var i = 1; i < 400; i++) {
      var p = drawn.edgeType.getPoint(i / 400);
      boxes.forEach(function (entry) {
        var b = entry[1], inside = p.x > b.left && p.x < b.right && p.y > b.top && p.y < b.bottom;
        if (entry[0] !== e.from && entry[0] !== e.to && inside) {
          found[e.from + " -> " + e.to + " through " + entry[0]] = true;
        }
      });
    }
  });
  return Object.keys(found);
}"""


#: The edges into a node that five or more suppliers feed whose arrowhead (the last 15% of the
#: drawn curve) lies on that node's label: the label's part of its box, below its shape.
ARROWS_ON_THEIR_LABEL = """() => {
  var found = [], into = {};
  edges.get({filter: function (e) { return !e.hidden; }}).forEach(function (e) { into[e.to] = (into[e.to] || 0) + 1; });
  edges.get({filter: function (e) { return !e.hidden && into[e.to] >= 5; }}).forEach(function (e) {
    var end = network.body.nodes[e.to], b = network.getBoundingBox(e.to), drawn = network.body.edges[e.id];
    var labelTop = end.y + (end.shape.height || 0) / 2 + 1;
    for (var i = 85; i <= 100; i++) {
      var p = drawn.edgeType.getPoint(i / 100);
      if (p.x > b.left && p.x < b.right && p.y > labelTop && p.y < b.bottom) {
        found.push(e.from + " -> " + e.to);
        break;
      }
    }
  });
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080)])
@pytest.mark.parametrize("chain", ["ningde", "jinjiang", "putian", "fujian"])
def test_no_edge_passes_through_a_node_or_a_label_it_does_not_end_at(browser, tmp_path, store, chain, size):
    """Measured on the drawn geometry in Chromium: curved edges by their curve, labels by the box
    the browser gave them, in English and Chinese, with places and located-in links and without;
    and where many suppliers feed one node (CATL's 21) no arrowhead lands on its name."""
    from chaingraph.views import view

    for lang in ("en", "zh"):
        for places in (False, True):
            path = tmp_path / f"{chain}-{lang}-{places}.html"
            path.write_text(view(store, Scope(chain=chain), Drawing(lang=lang, places=places)), encoding="utf-8")
            page = Page(browser, path, size)
            page.page.wait_for_function("window.arranged === true")
            if places:
                assert page.js("nodes.get({filter: n => n.kind === 'place' && !n.hidden}).length") > 0
            assert page.js(EDGES_THROUGH_BOXES) == [], (lang, places)
            assert page.js(ARROWS_ON_THEIR_LABEL) == [], (lang, places)
            assert page.js(LOOPS) == [], (lang, places)
            assert page.errors == []
            page.page.close()


def test_a_focus_view_draws_the_scenario_of_the_whole_network(ttl):
    """C buys from A (in the window of A) and from B (outside it): losing A does not starve C, as
    ``impact`` says; the window drew C as starved when the cascade ran on the window alone."""
    from chaingraph.reports.scenarios import scenario
    from chaingraph.store import open_store
    from chaingraph.views import view

    data = ttl(
        "".join(
            f'ex:{name} a cg:Company ; rdfs:label "{name} Co"@en ; cg:locatedIn fj:ningde ;'
            " cg:inChain fj:ningde-lithium-battery .\n"
            for name in "ABCD"
        )
        + "ex:A cg:supplierOf ex:C . ex:B cg:supplierOf ex:C . ex:C cg:supplierOf ex:D .\n"
    )
    store = open_store([data])
    expected = {d["id"]: d["tier"] for d in scenario(store, ["firm:A Co"]).disrupted}
    assert expected == {"https://example.test/A": 0}  # by the rule: C keeps B, so no one else
    html = view(store, Scope(chain="ningde"), Drawing(focus="A Co", hops=1), remove=["firm:A Co"])
    nodes = _page_nodes(html)
    assert set(nodes) >= {"https://example.test/A", "https://example.test/C"}
    assert "https://example.test/B" not in nodes  # outside the window
    assert "scenario:" not in nodes["https://example.test/C"]["title"]
    assert nodes["https://example.test/A"]["label"].startswith("✕")
