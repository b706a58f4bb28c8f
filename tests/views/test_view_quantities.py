"""A view's supply edges say their quantities (issue 44, item 6, in part): the tooltip and the side
panel list value, volume and shares, hedges marked as a sheet writes them, in both languages."""

from __future__ import annotations

from chaingraph.projection.selection import Scope
from chaingraph.views.texts import TEXT
from chaingraph.views.tooltips import edge_tooltip

from ..conftest import run_process

EDGE = {
    "supplies": ["LFP cathode"],
    "value": 120e9,
    "currency": "CNY",
    "volume": 3_050_000.0,
    "volume_unit": "TONNE",
    "supplier_share": 0.4446,
    "hedges": {"value": "MoreThan", "volume": "Approximately"},
}


def test_an_edges_tooltip_lists_its_quantities_with_their_hedges():
    lines = edge_tooltip(EDGE, TEXT["en"]).splitlines()
    assert "value: >120,000,000,000 CNY" in lines
    assert "volume: ~3,050,000 TONNE" in lines
    assert "share of the supplier's sales: 44.46%" in lines
    assert not any("client's purchases" in line for line in lines)  # not stated: not shown
    assert "占供应方销售比重: 44.46%" in edge_tooltip(EDGE, TEXT["zh"]).splitlines()


def test_the_bundled_view_shows_yunengs_share_of_sales(tmp_path):
    page = tmp_path / "ningde.html"
    assert run_process("view", "ningde", "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "share of the supplier\\u0027s sales: 44.46%" in html
    assert "share of the supplier\\u0027s sales: \\u003e50%" in html  # Tinci's "over half"


def _edges(html: str) -> list[dict]:
    import json

    edges, _ = json.JSONDecoder().raw_decode(html.split("var edges = new vis.DataSet(", 1)[1])
    return edges


def test_an_edge_is_as_wide_as_its_share_of_the_clients_purchases_where_the_data_gives_it(store, tmp_path):
    """A sheet states Hunan Yuneng's share of CATL's cathode purchases (60%): by the share rule the
    other cathode suppliers of CATL in the view split the remaining 40% equally; widths run from 1 px
    to 1 + SHARE_WIDTH px with the share, and the legend says what the width is. Without a share
    the view draws no such width and no such legend line."""
    import networkx as nx

    from chaingraph.reports import network
    from chaingraph.views import view
    from chaingraph.views.edges import SHARE_WIDTH

    sheet = tmp_path / "share.csv"
    sheet.write_text("supplier,client,client_share\nHunan Yuneng,CATL,60%\n", encoding="utf-8")
    page = tmp_path / "ningde.html"
    assert run_process("view", "ningde", "--relations", str(sheet), "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    fj = "https://w3id.org/chaingraph/fujian/"
    graph: nx.DiGraph = network(store, Scope(chain="ningde"))
    cathode = graph.nodes[fj + "yuneng"]["stage"]
    others = {s for s in graph.predecessors(fj + "catl") if s != fj + "yuneng" and graph.nodes[s]["stage"] == cathode}
    assert len(others) >= 2
    widths = {(e["from"], e["to"]): e["width"] for e in _edges(html)}
    assert abs(widths[fj + "yuneng", fj + "catl"] - (1 + SHARE_WIDTH * 0.6)) < 1e-9
    for supplier in others:
        assert abs(widths[supplier, fj + "catl"] - (1 + SHARE_WIDTH * 0.4 / len(others))) < 1e-9
    legend = "width: the share of the client\\u0027s purchases of that stage"
    assert legend in html or "width: the share of the client&#39;s purchases of that stage" in html
    plain = str(view(store, Scope(chain="ningde")))
    assert "width: the share of the client" not in plain
