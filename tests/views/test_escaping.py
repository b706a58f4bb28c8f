"""Whatever the text, the view's HTML escapes it."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from chaingraph.measures import reference as analysis
from chaingraph.views.page import balanced_lines


class _Page(HTMLParser):
    """The script bodies of a page, and every event-handler attribute in it."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _page_naming_everything(text: str) -> _Page:
    """The parsed view of a two-firm graph whose every name, product and source is ``text``."""
    from chaingraph.reports import Drawing, FocusWindow, ScenarioDrawn, ViewData
    from chaingraph.views.page import render_view

    graph = nx.DiGraph()
    graph.add_edge("urn:a", "urn:b", supplies=[text], sources=[text])
    graph.graph.update(places={}, chains={})
    for node in graph:
        graph.nodes[node].update(
            label=text,
            label_zh=text,
            kind="firm",
            stage="urn:s",
            stage_label=text,
            stage_order=1,
            places=[],
            place_label=text,
            chains=[],
        )
    measures = analysis.node_measures(graph).values
    page = _Page()
    data = ViewData(
        graph,
        measures,
        title=text,
        chain_figures=[(text, text)],  # the notes and the headline name it too
        focus_window=FocusWindow(label=text, hops=1, nodes=2, total=2),
        scenario_drawn=ScenarioDrawn(removed=(text,), members=1, beyond=0, direction="downstream", per_tier=(1,)),
    )
    page.feed(render_view(data, Drawing(layout="physics")))
    return page


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=60))
def test_html_escaping_holds_for_any_string(text):
    page = _page_naming_everything(text)
    assert len(page.scripts) == 2  # vis-network and ours: no injected script element
    assert page.handlers == []  # no event-handler attribute anywhere
    ours = page.scripts[1]
    # The data adds no < or > to the script: it is all escaped (the script's own comparisons are
    # counted on a page whose names hold neither).
    plain = _page_naming_everything("a").scripts[1]
    assert (ours.count("<"), ours.count(">")) == (plain.count("<"), plain.count(">"))
    nodes, _ = json.JSONDecoder().raw_decode(ours.split("new vis.DataSet(", 1)[1])
    # Every character arrives as it was (a long Chinese name only gains line breaks to wrap evenly).
    assert {node["label"] for node in nodes} == {balanced_lines(text)}
    assert balanced_lines(text).replace("\n", "") == text.replace("\n", "")
