"""A view's supply edges say their quantities (issue 44, item 6, in part): the tooltip and the side
panel list value, volume and shares, hedges marked as a sheet writes them, in both languages."""

from __future__ import annotations

from chaingraph.views.page import TEXT, _edge_tooltip

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
    lines = _edge_tooltip(EDGE, TEXT["en"]).splitlines()
    assert "value: >120,000,000,000 CNY" in lines
    assert "volume: ~3,050,000 TONNE" in lines
    assert "share of the supplier's sales: 44.46%" in lines
    assert not any("client's purchases" in line for line in lines)  # not stated: not shown
    assert "占供应方销售比重: 44.46%" in _edge_tooltip(EDGE, TEXT["zh"]).splitlines()


def test_the_bundled_view_shows_yunengs_share_of_sales(tmp_path):
    page = tmp_path / "ningde.html"
    assert run_process("view", "ningde", "-o", str(page)).returncode == 0
    html = page.read_text(encoding="utf-8")
    assert "share of the supplier\\u0027s sales: 44.46%" in html
    assert "share of the supplier\\u0027s sales: \\u003e50%" in html  # Tinci's "over half"
