"""Interactive HTML views of a supply network: one self-contained, offline file per view.

PyVis builds the network model (nodes, edges, vis-network options); chaingraph renders it with
its own template, which inlines vis-network's script and style from the pyvis package, so the
page makes no network request and nothing is written beside it (PyVis's own templates load
vis-network and Bootstrap from CDNs in every mode, and its "local" mode writes a lib/ folder).
Every string from the data reaches the page as JSON inside a script (``<``, ``>``, ``&`` escaped)
or as autoescaped HTML text; vis-network shows tooltips with ``innerText``.

Where nodes have stages, the stage layout (:mod:`chaingraph.views.layout`) is the default: up to
:data:`PHYSICS_LIMIT` nodes the page sizes its grid from the labels it measures, above that the
grid is set here. Without stages, physics settles small views and a layered layout computed
here places large ones. Above :data:`NODE_LIMIT` a view is refused.
"""

from __future__ import annotations

import colorsys
import dataclasses
import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from pyvis.network import Network

from .. import __version__
from .._runtime.fileio import safe_stem
from ..errors import InputError
from ..measures.reference import MEASURES, staged_purchases
from ..measures.shares import group_shares
from ..projection import periods
from ..projection.model import edge_evidence, stage_infos
from ..sheets.quantities import HEDGE_MARKS
from ..vocab import EVIDENCE_LEVELS, VIEW_LAYOUTS, check_language, name_in, name_of
from .layout import (
    ROW_HEIGHT,
    TRACK_WIDTH,
    Slot,
    against_stage_order,
    extra_lane,
    lane_chains,
    layered_positions,
    slot_positions,
    stage_slots,
    supply_levels,
)

__all__ = [
    "AGAINST_STYLE",
    "DIMMED_LABEL_COLOR",
    "EVIDENCE_STYLES",
    "FAN_SLOPE",
    "FONT_SIZE",
    "GAPS",
    "GENERATOR_MARK",
    "INFERRED_DASHES",
    "LABEL_COLOR",
    "LABEL_INSIDE",
    "LABEL_WIDTH",
    "LINE_HEIGHT",
    "LOCATED_DASHES",
    "MINIMUM_CONTRAST",
    "NODE_LIMIT",
    "OWN_LOSS_LIMIT",
    "PALETTE",
    "PHYSICS_LIMIT",
    "ROUTE_LIMIT",
    "SHAPES",
    "TEXT",
    "TIER_OUTLINES",
    "TOOLTIP_MEASURES",
    "View",
    "ViewData",
    "balanced_lines",
    "check_size",
    "colours_of_stages",
    "contrast_ratio",
    "counted",
    "is_chaingraph_view",
    "measure_name",
    "purchase_shares",
    "render_view",
    "stage_colors",
    "template_environment",
    "text_color_on",
]

PHYSICS_LIMIT = 800
#: The gap before a track that many suppliers fan into, per pixel of height the fan spans.
FAN_SLOPE = 0.8
#: Up to this many nodes the page routes each edge around the boxes it would cross (the bundled
#: views have under 100 nodes).
ROUTE_LIMIT = 300
#: How long the page may spend routing edges (ms); the edges left keep their straight drawing.
ROUTE_BUDGET_MS = 1500
#: A route may be at most this many times the straight line, plus two boxes: longer is a loop.
ROUTE_DETOUR = 1.5
# Dash patterns (px): located-in edges long and light, inferred supply edges dotted and dark.
LOCATED_DASHES = [10, 8]
INFERRED_DASHES = [2, 4]
#: How a supply edge of each evidence level is drawn: vis-network dashes and colour, and the
#: legend's CSS class for it (templates/view.html).
EVIDENCE_STYLES: dict[str, dict[str, Any]] = {
    "stated": {"dashes": False, "color": "#555555", "css": "line"},
    "inferred": {"dashes": INFERRED_DASHES, "color": "#555555", "css": "line dotted"},
    "unspecified": {"dashes": False, "color": "#a8a8a8", "css": "line light"},
}
#: How a supply edge that runs against the chain's stage order is drawn in the stage layout:
#: curved (so it does not run through the columns between) and in its own colour.
AGAINST_STYLE = {"color": "#9b59b6", "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25}}
#: Labels wrap at this width (px), so a long name takes two lines, not a column's width.
LABEL_WIDTH = 150
FONT_SIZE = 14
#: Space (px) between the stage layout's tracks, rows and lanes, and the height of a label's line.
#: ``passage``: the height kept free between two boxes of a staggered column's near track around
#: the centre of the far node facing it, for that node's edges to pass through (a row's gap on the
#: side its edges leave from, the rest on the side they head to).
GAPS = {"track": 36, "row": 12, "lane": 44, "passage": 44}
LINE_HEIGHT = 18
NODE_LIMIT = 20_000
GENERATOR_MARK = b'<meta name="generator" content="chaingraph'

#: Nodes with no stage, and nodes a trace dims: greys no stage colour is mistaken for.
NO_STAGE_COLOR, DIMMED_COLOR = "#c0c0c0", "#e6e6e6"
#: Label text: dark on the white page (12:1); a dimmed node's label is meant to recede.
LABEL_COLOR, DIMMED_LABEL_COLOR = "#343434", "#c8c8c8"
#: Shapes vis-network draws the label inside of, on the node's fill rather than on the page.
LABEL_INSIDE = frozenset({"box", "circle", "ellipse", "database", "text"})
#: WCAG 2's AA threshold for text: every label keeps at least this contrast with what is behind it.
MINIMUM_CONTRAST = 4.5
#: One colour per stage, for readers with any colour vision: Paul Tol's "muted" nine, then colours
#: each as far as can be from all before it, from the page's greys and from white under normal and
#: simulated deutan, protan and tritan vision (docs/palette.py makes and measures it: the first 9
#: and the greys stay 11.8 CAM02-UCS apart for every vision, the first 21 9.2). Past 24 stages,
#: hues by the golden ratio, distinct but not checked for colour-blind readers.
PALETTE = [
    "#332288",
    "#88ccee",
    "#44aa99",
    "#117733",
    "#999933",
    "#ddcc77",
    "#cc6677",
    "#882255",
    "#aa4499",
    "#b487ff",
    "#d2000f",
    "#6900d2",
    "#f0b400",
    "#c387c3",
    "#6969ff",
    "#96b478",
    "#960000",
    "#c32d69",
    "#a5e1b4",
    "#783c78",
    "#b469a5",
    "#e187a5",
    "#78874b",
    "#a578d2",
]

SHAPES = {
    "firm": ("dot", "●"),
    "segment": ("diamond", "◆"),
    "association": ("triangle", "▲"),
    "institute": ("star", "★"),
    "government": ("triangleDown", "▼"),
    "organization": ("square", "■"),
    "stage": ("box", "▭"),
    "place": ("hexagon", "⬢"),
}

TEXT = {
    "en": {
        "find": "Find a node",
        "stages": "Chain stages (colour)",
        "kinds": "Kinds (shape)",
        "edges": "Edges",
        "supply": "supplies (supplier → client)",
        "supply_stated": "supplies, stated by the source",
        "supply_inferred": "supplies, inferred (the edge says why)",
        "supply_unspecified": "supplies, evidence not given",
        "against": "runs against the stage order (curved)",
        "located": "located in",
        "show_places": "show places and located-in links",
        "years": "Year",
        "by_year": "only the relations in force in",
        "undated_stay": "Edges no period dates stay drawn; node sizes count every year.",
        "size": "Node size: {measure}.",
        "firm": "firm",
        "segment": "cluster segment (group of firms)",
        "association": "association",
        "institute": "research institute",
        "government": "government body",
        "organization": "organization",
        "stage": "chain stage",
        "place": "place",
        "no_stage": "no stage",
        "no_chain": "in no chain",
        "places_lane": "places",
        "also_named": "also named",
        "stage_label": "stage",
        "stage_inferred": "  inferred from what it supplies: {products}",
        "place_label": "place",
        "supplies": "supplies",
        "period": "period",
        "value": "value",
        "volume": "volume",
        "client_share": "share of the client's purchases of it",
        "supplier_share": "share of the supplier's sales",
        "sources": "sources",
        "inferred": "inferred{kinds}; not stated by the source",
        "figures": "figures",
        "suppliers": "Suppliers",
        "clients": "Clients",
        "close": "Close",
        "save_png": "Save as PNG",
        "details_hint": "Click a node for its details and its whole supply chain.",
        "chain_figure": "{chain}: {figure}",
        "sampled": "Measures {measures} estimated from {count} sampled sources.",
        "unstaged": "{count} members without a stage are not shown at stage level.",
        "scenario_removed": "scenario: removed",
        "scenario_stage": "scenario: disrupted in tier {tier}, every supplier of {stages} lost",
        "scenario_supply": "scenario: disrupted in tier {tier}, every supplier lost",
        "scenario_note": "Scenario: removing {removed} ({count}, crossed out) disrupts {beyond} more {where}; "
        "firms per tier: {tiers}.",
        "scenario_downstream": "downstream",
        "scenario_upstream": "upstream (they stop buying)",
        "scenario_both": "up- and downstream",
        "scenario_demand": "scenario: disrupted in tier {tier}, {share} of its sales lost (its buyers stopped buying)",
        "scenario_share": "scenario: disrupted in tier {tier}, {share} of its supply lost",
        "scenario_stage_share": "scenario: disrupted in tier {tier}, {share} of its supply of {stages} lost",
        "tier_demand": "lost its sales (dotted outline, a demand shock)",
        "width_share": "width: the share of the client's purchases of that stage (stated, or from values or volumes)",
        "organizations_one": "{count} organization",
        "organizations_many": "{count:,} organizations",
        "scenario_legend": "Scenario",
        "tier_removed": "removed (dashed outline, name crossed out)",
        "tier_one": "disrupted in tier {tier}",
        "tier_beyond": "disrupted in tier {tier} and beyond",
        "own_loss": "its own loss would disrupt, tier by tier: {tiers}",
        "own_loss_none": "its own loss would disrupt no other firm",
        "focus_note": "The neighbourhood of {firm}, tiers up and down: {hops} ({nodes} of {total} nodes).",
        "font_missing": "This computer has no font for the Chinese text of this page, which shows as empty boxes: "
        "install one, such as Noto Sans CJK SC (Debian and Ubuntu: fonts-noto-cjk), and open the page again.",
        "subtitle": "{nodes}, {edges}",
        "nodes_one": "{count} node",
        "nodes_many": "{count:,} nodes",
        "edges_one": "{count} supply edge",
        "edges_many": "{count:,} supply edges",
    },
    "zh": {
        "find": "查找节点",
        "stages": "产业链环节（颜色）",
        "kinds": "类型（形状）",
        "edges": "连线",
        "supply": "供应（供应方 → 客户）",
        "supply_stated": "供应（来源陈述）",
        "supply_inferred": "供应（推断，理由见连线）",
        "supply_unspecified": "供应（未注明证据）",
        "against": "逆环节顺序的供应（弧线）",
        "located": "位于",
        "show_places": "显示地点及其位置关系",
        "years": "年份",
        "by_year": "只显示该年有效的供应关系：",
        "undated_stay": "无期间的供应关系始终显示；节点大小按所有年份计算。",
        "size": "节点大小：{measure}。",
        "firm": "企业",
        "segment": "集群环节（企业群体）",
        "association": "行业协会",
        "institute": "研究院",
        "government": "政府机构",
        "organization": "组织",
        "stage": "产业链环节",
        "place": "地点",
        "no_stage": "无环节",
        "no_chain": "不属于产业链",
        "places_lane": "地点",
        "also_named": "又名",
        "stage_label": "环节",
        "stage_inferred": "  据其供应的产品推断：{products}",
        "place_label": "地点",
        "supplies": "供应内容",
        "period": "期间",
        "value": "金额",
        "volume": "数量",
        "client_share": "占采购方该类采购比重",
        "supplier_share": "占供应方销售比重",
        "sources": "来源",
        "inferred": "推断{kinds}，来源未直接陈述",
        "figures": "数据",
        "suppliers": "供应方",
        "clients": "客户",
        "close": "关闭",
        "save_png": "保存为 PNG",
        "details_hint": "点击节点查看详情及其整条供应链。",
        "chain_figure": "{chain}：{figure}",
        "sampled": "{measures}由 {count} 个抽样起点估算。",
        "unstaged": "{count} 个无环节成员未在环节层级显示。",
        "scenario_removed": "情景：已移除",
        "scenario_stage": "情景：第 {tier} 层受影响，{stages}的供应方全部失去",
        "scenario_supply": "情景：第 {tier} 层受影响，全部供应方失去",
        "scenario_note": "情景：移除{removed}（{count}，已划去）后，{where}另有 {beyond} 个组织受影响；"
        "各层数目：{tiers}。",
        "scenario_downstream": "下游",
        "scenario_upstream": "上游（其不再采购）",
        "scenario_both": "上下游",
        "scenario_demand": "情景：第 {tier} 层受影响，失去 {share} 的销售（其客户不再采购）",
        "scenario_share": "情景：第 {tier} 层受影响，失去 {share} 的供应",
        "scenario_stage_share": "情景：第 {tier} 层受影响，{stages}的供应失去 {share}",
        "tier_demand": "失去销售（点线边框，需求冲击）",
        "width_share": "线宽：占客户该环节采购的份额（数据所述，或按金额、数量计）",
        "organizations_one": "{count} 个组织",
        "organizations_many": "{count:,} 个组织",
        "scenario_legend": "情景",
        "tier_removed": "已移除（虚线边框，名称划去）",
        "tier_one": "第 {tier} 层受影响",
        "tier_beyond": "第 {tier} 层及以后受影响",
        "own_loss": "其自身缺失将逐层影响：{tiers}",
        "own_loss_none": "其自身缺失不会影响其他企业",
        "focus_note": "{firm}的上下游 {hops} 层（{nodes} / {total} 个节点）。",
        # Said in English too: a reader whose computer cannot draw Chinese cannot read it in Chinese.
        "font_missing": "本机没有显示本页中文所需的字体，中文显示为空框。"
        "请安装中文字体（如 Noto Sans CJK SC）后重新打开。 "
        "This computer has no font for this page's Chinese text: install one, such as Noto Sans CJK SC "
        "(Debian and Ubuntu: fonts-noto-cjk), and open the page again.",
        "subtitle": "{nodes}，{edges}",
        "nodes_one": "{count} 个节点",
        "nodes_many": "{count:,} 个节点",
        "edges_one": "{count} 条供应连线",
        "edges_many": "{count:,} 条供应连线",
    },
}


@dataclass
class ViewData:
    """Everything a view shows, computed upstream: the network, its measures and figures."""

    graph: nx.DiGraph
    measures: Mapping[str, Mapping[str, float]]
    title: str
    figures: Mapping[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: A scenario drawn on the view (``view --remove``): node -> its tier, reason and lost stages
    #: (``{"tier": 1, "reason": "stage", "stages": [stage IRIs]}``); tier 0 is the removed set.
    scenario: Mapping[str, Mapping] = field(default_factory=dict)
    #: What each node's own loss would disrupt: node -> firms per tier beyond it (views up to
    #: :data:`OWN_LOSS_LIMIT` nodes).
    own_loss: Mapping[str, list[int]] = field(default_factory=dict)
    #: Where the year slider starts (``--as-of``: the edges in force on it are drawn, the rest
    #: hidden); ``None``: every edge shown. With ``undated="exclude"`` undated edges start hidden.
    as_of: str | None = None
    undated: str = "include"
    #: Every name each firm was given (:func:`chaingraph.reports.firm_names`): the details list
    #: those beyond the two shown, so a merge can be checked on the page.
    names: Mapping[str, list[str]] = field(default_factory=dict)
    #: What the view is about, said under its title: a focus firm and its tiers, a scenario and
    #: the firms it disrupts per tier (one line each).
    headline: list[str] = field(default_factory=list)
    #: The firm a focus view is about (its IRI): the page opens on it, its details in the panel.
    focus: str | None = None


def is_chaingraph_view(path: Path) -> bool:
    """True when ``path`` is an HTML file chaingraph wrote (so it may be replaced)."""
    try:
        with open(path, "rb") as handle:
            return GENERATOR_MARK in handle.read(4096)
    except OSError:
        return False


def check_size(graph: nx.DiGraph) -> None:
    """Refuse views a browser cannot show usefully: empty ones, and ones above :data:`NODE_LIMIT`."""
    if graph.number_of_nodes() == 0:
        raise InputError("nothing to show: the selection has no organizations or supply edges")
    if graph.number_of_nodes() > NODE_LIMIT:
        raise InputError(
            f"{graph.number_of_nodes()} nodes is more than a browser view can show ({NODE_LIMIT}); "
            "narrow it with --region or --chain, or use --level stage"
        )


class View(str):
    """The HTML page of a view: a string to write to a file, that Jupyter shows inline.

    In a notebook the page goes into an ``<iframe srcdoc>``: the same self-contained page, with no
    request to any network, sandboxed to run its own scripts only (no access to the notebook).
    """

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self, quote=True)}" sandbox="allow-scripts allow-downloads" '
            'style="width: 100%; height: 640px; border: 0"></iframe>'
        )


def render_view(
    data: ViewData, *, size_by: str = "pagerank", lang: str = "en", layout: str = "auto", places: bool = False
) -> View:
    """The HTML page of a view: nodes coloured by stage, shaped by kind, sized by ``size_by``;
    places and located-in links hidden until the page's toggle (or ``places``) shows them."""
    check_language(lang)
    if layout not in VIEW_LAYOUTS:
        raise InputError(f"--layout {layout!r}: use {', '.join(VIEW_LAYOUTS)}")
    graph = data.graph
    check_size(graph)
    if size_by not in data.measures:
        raise InputError(f"--size-by {size_by!r}: unknown measure (measures: {', '.join(data.measures)})")
    text = TEXT[lang]
    layout = _chosen_layout(graph, layout)
    links = _located_links(graph) if graph.number_of_nodes() <= PHYSICS_LIMIT else []
    sizes = _scaled(data.measures[size_by], graph)
    colors = stage_colors(graph)
    placements, slots = _placements(graph, layout, links, sizes)
    net = Network(directed=True, height="100%", width="100%", cdn_resources="remote")
    net.node_ids = _NodeIds()
    _add_nodes(net, data, sizes, colors, text, lang, placements)
    against = {(u, v) for u, v in graph.edges() if against_stage_order(slots, u, v)} if slots else set()
    levels_shown, by_share = _add_supply_edges(net, graph, text, against)
    _add_places(net, graph, links, text, lang, placements, hidden=not places)
    net.options = _options(layout)
    page = _page(
        data,
        net,
        text,
        lang,
        size_by,
        colors,
        levels_shown,
        physics=layout == "physics",
        places=places,
        against=bool(against),
        by_share=by_share,
        lane_titles=_lane_titles(graph, slots, text, lang),
    )
    return View(page)


def _lane_titles(graph: nx.DiGraph, slots: Mapping[str, Slot], text: Mapping[str, str], lang: str) -> dict[int, str]:
    """The name above each lane of the stage layout: its chain, then "in no chain", "places"."""
    chains = graph.graph.get("chains", {})
    titles = {lane: name_of(chains[chain], lang) for lane, chain in enumerate(lane_chains(graph))}
    for node, slot in slots.items():
        if slot.lane not in titles:
            titles[slot.lane] = text["no_chain"] if node in graph else text["places_lane"]
    return titles


def _placements(
    graph: nx.DiGraph, layout: str, links: list[tuple[str, str]], sizes: Mapping[str, float]
) -> tuple[dict[str, dict], dict[str, Slot]]:
    """Each node's (and place's) fixed position, stage-layout slot or hierarchical level, as
    vis-network node fields; and the slots.

    Up to :data:`PHYSICS_LIMIT` nodes the page sizes the stage layout's rows and tracks from the
    labels it has measured (the slot fields); above, measuring and moving every node would double
    the time the page takes to open, so the grid is set here, with cells that hold the largest
    node and a three-line label."""
    levels = supply_levels(graph) if layout in ("layered", "hierarchical") else {}
    slots: dict[str, Slot] = {}
    positions: Mapping[str, tuple[float, float]] = {}
    places = list(dict.fromkeys(place for _, place in links))
    measured = graph.number_of_nodes() <= PHYSICS_LIMIT
    if layout == "stages":
        largest = 2 * max(sizes.values(), default=0.0)
        wide, tall = max(LABEL_WIDTH, largest) + GAPS["track"], largest + 3 * LINE_HEIGHT + GAPS["row"]
        cell = (TRACK_WIDTH, ROW_HEIGHT) if measured else (wide, tall)
        slots = stage_slots(graph, cell=cell)
        slots.update(extra_lane(slots, places, links))
        positions = slot_positions(slots, cell)
    elif layout == "layered":
        positions = layered_positions(graph, levels)
    elif layout == "hierarchical":
        levels.update(dict.fromkeys(places, max(levels.values(), default=0) + 1))
    placements: dict[str, dict] = {}
    for node in [*graph, *places]:
        extra = placements[node] = {}
        if node in positions:
            extra.update(x=positions[node][0], y=positions[node][1])
        if node in slots and measured:
            slot = slots[node]
            extra["slot"] = dataclasses.asdict(slot)
        if layout == "hierarchical":
            extra["level"] = levels[node]
    return placements, slots


#: Up to this many nodes, each node's tooltip and side panel say what its own loss would disrupt.
OWN_LOSS_LIMIT = 800
#: The outline of a disrupted node, by tier (the fill keeps its stage's colour); deeper tiers
#: take the last. Tier 0, the removed set, is drawn dashed in black and crossed out in its label.
TIER_OUTLINES = ["#000000", "#d62728", "#ff7f0e", "#bcbd22", "#9467bd"]
#: The outline of a firm disrupted by a demand shock (its sales lost): dotted, in its tier's colour.
DEMAND_DASHES = [3, 6]


def _scenario_style(node: str, data: ViewData, fill: str) -> dict:
    """The colour, outline and label mark of a node in a scenario view."""
    found = data.scenario.get(node)
    if found is None:
        return {"color": fill}
    tier = int(found["tier"])
    outline = TIER_OUTLINES[min(tier, len(TIER_OUTLINES) - 1)]
    style: dict = {"color": {"background": fill, "border": outline}, "borderWidth": 5}
    if tier == 0:
        style["shapeProperties"] = {"borderDashes": [6, 4]}
    elif found["reason"] == "demand":  # its buyers stopped buying: outlined dotted
        style["shapeProperties"] = {"borderDashes": DEMAND_DASHES}
    return style


def _add_nodes(
    net: Network,
    data: ViewData,
    sizes: Mapping[str, float],
    colors: Mapping[str, str],
    text: Mapping[str, str],
    lang: str,
    placements: Mapping[str, dict],
) -> None:
    """Draw each node: coloured by stage, shaped by kind, sized by its measure, named in ``lang``."""
    graph = data.graph
    for node, attrs in graph.nodes(data=True):
        label, other = _names(attrs, lang)
        removed = data.scenario.get(node, {}).get("tier") == 0
        shape = SHAPES.get(attrs.get("kind", ""), SHAPES["organization"])[0]
        fill = colors.get(attrs.get("stage", ""), NO_STAGE_COLOR)
        net.add_node(
            node,
            label=balanced_lines(f"✕ {label}" if removed else label),
            altLabel=other,
            kind=attrs.get("kind", "organization"),
            shape=shape,
            size=sizes[node],
            title=_node_tooltip(node, attrs, data, text, lang),
            font={"color": text_color_on(fill) if shape in LABEL_INSIDE else LABEL_COLOR},
            **_scenario_style(node, data, fill),
            **placements[node],
        )


#: Full-width characters a label line holds: LABEL_WIDTH over FONT_SIZE (each such character is
#: one em wide) is 10; one fewer leaves room for fonts that set them a little wider.
WIDE_PER_LINE = LABEL_WIDTH // FONT_SIZE - 1
#: How Chinese organization names end, longest first: a two-line name breaks before its ending.
_NAME_ENDINGS = ("股份有限公司", "有限责任公司", "有限公司", "管理委员会", "研究院", "协会", "集团", "公司")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def balanced_lines(label: str) -> str:
    """A label of full-width (Chinese) characters with no space to break at, cut into lines of
    equal length where it would not fit one line: the browser breaks such a label wherever the
    width runs out, which leaves a lone character ("业") on the last line. Other labels as given:
    the browser wraps them at their spaces."""
    if " " in label or len(label) <= WIDE_PER_LINE or not _WIDE.search(label):
        return label
    for suffix in _NAME_ENDINGS:  # 海芬检测技术 / 有限公司 rather than 海芬检测技 / 术有限公司
        cut = len(label) - len(suffix)
        if label.endswith(suffix) and 2 <= cut <= WIDE_PER_LINE >= len(suffix):
            return label[:cut] + "\n" + suffix
    lines = -(-len(label) // WIDE_PER_LINE)
    per_line = -(-len(label) // lines)
    return "\n".join(label[start : start + per_line] for start in range(0, len(label), per_line))


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours, from 1 (the same) to 21 (black on white).

    References
    ----------
    .. [1] W3C, "Web Content Accessibility Guidelines (WCAG) 2.1", relative luminance and
       contrast ratio. https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_color_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``: one of them always has a contrast of
    at least 4.58:1 with any colour, above :data:`MINIMUM_CONTRAST`."""
    return max(("#000000", "#ffffff"), key=lambda text: contrast_ratio(text, fill))


class _NodeIds(list):
    """PyVis keeps its node ids in a list and looks each new node and both ends of each new edge
    up in it, a scan of every node each time (24 of the 40 s a 20,000-node view took); the same
    list, with a set beside it for the look-ups."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set = set()

    def append(self, node_id) -> None:
        super().append(node_id)
        self._members.add(node_id)

    def __contains__(self, node_id) -> bool:
        return node_id in self._members


def _chosen_layout(graph: nx.DiGraph, layout: str) -> str:
    """``auto`` made concrete: stage columns when any node has a stage, else physics for views a
    browser settles quickly, else layers computed here."""
    if layout != "auto":
        return layout
    if any(attrs.get("stage") for _, attrs in graph.nodes(data=True)):
        return "stages"
    return "physics" if graph.number_of_nodes() <= PHYSICS_LIMIT else "layered"


def _page(
    data: ViewData,
    net: Network,
    text: Mapping[str, str],
    lang: str,
    size_by: str,
    colors: Mapping[str, str],
    levels_shown: set[str],
    *,
    physics: bool,
    places: bool,
    against: bool,
    by_share: bool,
    lane_titles: Mapping[int, str],
) -> str:
    """The self-contained HTML page around the drawn network: title, legend, search, vis-network."""
    graph = data.graph
    nodes, edges, _, _, _, _ = net.get_network_data()
    template = template_environment().get_template("view.html")
    kinds = sorted({attrs.get("kind", "organization") for _, attrs in graph.nodes(data=True)} | {"place"})
    return template.render(
        version=__version__,
        lang_tag="zh-Hans" if lang == "zh" else "en",
        title=data.title,
        subtitle=text["subtitle"].format(
            nodes=counted(text, "nodes", graph.number_of_nodes()),
            edges=counted(text, "edges", graph.number_of_edges()),
        ),
        headline=data.headline,
        legend_tiers=_tier_legend(data, text),
        text={**text, "size": text["size"].format(measure=measure_name(size_by, lang))},
        nodes=nodes,
        edges=edges,
        options=net.options,
        physics=physics,
        gaps=GAPS,
        readable_limit=PHYSICS_LIMIT,
        route_limit=ROUTE_LIMIT,
        route_budget_ms=ROUTE_BUDGET_MS,
        route_detour=ROUTE_DETOUR,
        focus=data.focus if data.focus in graph else None,
        fan_slope=FAN_SLOPE,
        dimmed_color=DIMMED_COLOR,
        label_color=LABEL_COLOR,
        dimmed_label_color=DIMMED_LABEL_COLOR,
        lane_titles=lane_titles,
        png_name=safe_stem(data.title) + ".png",
        has_places=any(node.get("kind") == "place" for node in nodes),
        years=_years(edges),
        as_of=data.as_of,
        as_of_window=[periods.window(data.as_of).first, periods.window(data.as_of).last] if data.as_of else None,
        undated_shown=data.undated == "include",
        places_shown=places,
        legend_stages=_stage_legend(graph, colors, text, lang),
        legend_kinds=[{"symbol": SHAPES[k][1], "label": text[k]} for k in kinds if k in SHAPES],
        legend_edges=[
            {"css": EVIDENCE_STYLES[level]["css"], "label": text[f"supply_{level}"]}
            for level in EVIDENCE_LEVELS
            if level in levels_shown
        ]
        + ([{"css": "line against", "label": text["against"]}] if against else [])
        + ([{"css": "line wide", "label": text["width_share"]}] if by_share else []),
        has_wide_text=lang == "zh" or any(_WIDE.search(str(node.get("label", ""))) for node in nodes),
        search_names=sorted({n["label"] for n in nodes} | {n["altLabel"] for n in nodes if n.get("altLabel")}),
        notes=data.notes,
        vis_js=_vis_asset("vis-network.min.js"),
        vis_css=_vis_asset("vis-network.css"),
    )


def counted(text: Mapping[str, str], noun: str, count: int) -> str:
    """``count`` with its noun in the page's language: "1 node", "9 nodes", "9 个节点"."""
    return text[f"{noun}_one" if count == 1 else f"{noun}_many"].format(count=count)


def _tier_legend(data: ViewData, text: Mapping[str, str]) -> list[dict]:
    """The outlines a scenario view draws, the removed set first, for the tiers it has."""
    tiers = sorted({int(found["tier"]) for found in data.scenario.values()})
    items = []
    for tier in tiers:
        outline = TIER_OUTLINES[min(tier, len(TIER_OUTLINES) - 1)]
        if tier == 0:
            label = text["tier_removed"]
        elif tier < len(TIER_OUTLINES) - 1:
            label = text["tier_one"].format(tier=tier)
        elif tier == len(TIER_OUTLINES) - 1:
            label = text["tier_beyond"].format(tier=tier)
        else:
            continue  # drawn with the last outline, which the item above names
        items.append({"color": outline, "dashed": tier == 0, "dotted": False, "label": label})
    if any(found["reason"] == "demand" for found in data.scenario.values()):
        items.append({"color": TIER_OUTLINES[1], "dashed": False, "dotted": True, "label": text["tier_demand"]})
    return items


#: A supply edge whose share of its client's purchases the data gives is drawn from 1 px (none)
#: to 1 + SHARE_WIDTH px (all of them).
SHARE_WIDTH = 7.0


def purchase_shares(graph: nx.DiGraph) -> dict[tuple[str, str], float]:
    """Each supply edge's share of its client's purchases of the supplier's stage, by the share
    rule of :mod:`chaingraph.measures.shares`, where the data gives it: stated shares, or values or
    volumes on every edge of the group (an equal split says nothing about the edge, and is left out).
    Edges read supplier -> client; a self-loop and an unstaged supplier belong to no stage's group.

    >>> g = nx.DiGraph()
    >>> g.add_nodes_from(["a", "b"], stage="cathode")
    >>> g.add_edge("a", "cell", client_share=0.9)
    >>> g.add_edge("b", "cell")
    >>> {edge: round(share, 2) for edge, share in purchase_shares(g).items()}
    {('a', 'cell'): 0.9, ('b', 'cell'): 0.1}
    """
    found: dict[tuple[str, str], float] = {}
    for client, purchases in staged_purchases(graph):
        for members in purchases:
            shares, basis = group_shares([graph.edges[s, client] for s in members], "client_share")
            if basis != "equal":
                found.update({(s, client): share for s, share in zip(members, shares, strict=True)})
    return found


def _add_supply_edges(
    net: Network, graph: nx.DiGraph, text: Mapping[str, str], against: set[tuple[str, str]]
) -> tuple[set[str], bool]:
    """Draw each supply edge in its evidence level's style (curved, in its own colour, when it runs
    against the stage order; as wide as its share of the client's purchases where the data gives
    one); the levels drawn, and whether a width shows a share, for the legend."""
    levels_shown = set()
    shares = purchase_shares(graph)
    for supplier, client, attrs in graph.edges(data=True):
        level = edge_evidence(attrs)
        levels_shown.add(level)
        style = {"dashes": EVIDENCE_STYLES[level]["dashes"], "color": EVIDENCE_STYLES[level]["color"]}
        about = _edge_products(attrs, text) + _edge_inference(attrs, text)
        if about:  # the side panel's lines (left out where empty: a large view has many edges)
            style["about"] = about
        if attrs.get("sources"):
            style["sources"] = list(attrs["sources"])
        style.update(_edge_spans(attrs))
        if (supplier, client) in against:
            style.update(AGAINST_STYLE, against=True)
        net.add_edge(
            supplier,
            client,
            relation="supply",
            title=_edge_tooltip(attrs, text),
            arrows="to",
            width=_edge_width(attrs, shares.get((supplier, client))),
            **style,
        )
    return levels_shown, bool(shares)


def _edge_width(attrs: Mapping, share: float | None) -> float:
    """An edge's share of its client's purchases where known; else the relations it stands for."""
    if share is not None:
        return 1 + SHARE_WIDTH * share
    return 1 + math.log(attrs.get("weight", 1), 2)


def _edge_spans(attrs: Mapping) -> dict:
    """What the year slider reads of an edge: its dated relations' first and last days
    (``spans``) and whether one of its relations has no period (``undated``); nothing for an edge
    no period dates at all (it stays drawn)."""
    intervals = attrs.get("intervals") or []
    spans = [
        [periods.first_day(start) if start else "0000-01-01", periods.last_day(end) if end else "9999-12-31"]
        for start, end in intervals
        if start or end
    ]
    if not spans:
        return {}
    return {"spans": spans, "undated": len(spans) < len(intervals)}


def _years(edges: list[dict]) -> list[int] | None:
    """The slider's first and last year (from the earliest start to the latest end or start given)
    and the year it starts at: the latest year a relation starts in, the newest the data says (the
    last year may be a contract's end, years ahead, when nothing new is known)."""
    years = [int(day[:4]) for edge in edges for span in edge.get("spans", ()) for day in span]
    years = [year for year in years if 0 < year < 9999]
    if not years:
        return None
    starts = [int(span[0][:4]) for edge in edges for span in edge.get("spans", ()) if 0 < int(span[0][:4]) < 9999]
    return [min(years), max(years), max(starts, default=max(years))]


def template_environment() -> jinja2.Environment:
    """The views' templates (``views/templates``), autoescaped, every name they use required."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("chaingraph") / "views" / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _vis_asset(name: str) -> str:
    path = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name
    text = path.read_text(encoding="utf-8")
    # The script sits inside <script>; a literal "</script" in it would end the element early.
    return text.replace("</script", "<\\/script")


def _names(attrs: Mapping, lang: str) -> tuple[str, str]:
    """The name to show and the other one (for the tooltip and search), Chinese standing in for a
    missing English name."""
    english, chinese = attrs.get("label", ""), attrs.get("label_zh", "")
    shown = name_in(english, chinese, lang, default=chinese)
    other = chinese if shown == english else english
    return shown, "" if other == shown else other


def measure_name(key: str, lang: str) -> str:
    """What a view calls a measure: its key in words, or its Chinese name."""
    return name_in(key.replace("_", " "), MEASURES[key].zh if key in MEASURES else "", lang)


#: How many of a firm's other names its details list before "…".
NAMES_SHOWN = 8

#: The measures a node's tooltip shows, in report order.
TOOLTIP_MEASURES = [key for key, info in MEASURES.items() if info.in_tooltip]


def _node_tooltip(node: str, attrs: Mapping, data: ViewData, text: Mapping[str, str], lang: str) -> str:
    label, other = _names(attrs, lang)
    lines = [label + (f" / {other}" if other else ""), text[attrs.get("kind", "organization")]]
    also = [name for name in data.names.get(node, ()) if name not in (label, other)]
    if also:
        lines.append(
            f"{text['also_named']}: " + "; ".join(also[:NAMES_SHOWN]) + ("; …" if len(also) > NAMES_SHOWN else "")
        )
    if attrs.get("stage_label"):
        lines.append(f"{text['stage_label']}: {_stage_name(data.graph, attrs, lang)}")
        inferred = data.graph.graph.get("stages_from_products", {}).get(node)
        if inferred is not None:  # an inference, said as an edge's is
            lines.append(text["stage_inferred"].format(products=", ".join(inferred["products"])))
    if attrs.get("place_label"):
        place = data.graph.graph.get("places", {}).get(attrs.get("place", ""), {})
        lines.append(f"{text['place_label']}: {name_of({**place, 'label': attrs['place_label']}, lang)}")
    for measure in TOOLTIP_MEASURES:
        if measure in data.measures:
            value = data.measures[measure][node]
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            lines.append(f"{measure_name(measure, lang)}: {shown}")
    lines.extend(_scenario_lines(node, data, text, lang))
    figures = data.figures.get(node, [])
    if figures:
        lines.append(f"{text['figures']}:")
        lines.extend(f"  {figure}" for figure in figures[:8])
    lines.append(node)
    return "\n".join(lines)


def _scenario_lines(node: str, data: ViewData, text: Mapping[str, str], lang: str) -> list[str]:
    """What the scenario did to ``node``, and what its own loss would disrupt."""
    lines = []
    found = data.scenario.get(node)
    if found is not None:
        share = found.get("share")
        lost = "" if share is None else f"{share:.0%}"
        if found["tier"] == 0:
            lines.append(text["scenario_removed"])
        elif found["reason"] == "demand":
            lines.append(text["scenario_demand"].format(tier=found["tier"], share=lost))
        elif found["reason"] == "supply":
            key = "scenario_supply" if share is None else "scenario_share"
            lines.append(text[key].format(tier=found["tier"], share=lost))
        else:
            infos = stage_infos(data.graph.graph) if "chains" in data.graph.graph else {}
            named = [name_of(infos[s], lang) if s in infos else s for s in found["stages"]]
            key = "scenario_stage" if share is None else "scenario_stage_share"
            lines.append(text[key].format(tier=found["tier"], stages=", ".join(named), share=lost))
    tiers = data.own_loss.get(node)
    if tiers is not None:
        lines.append(
            text["own_loss"].format(tiers=" → ".join(str(t) for t in tiers)) if tiers else text["own_loss_none"]
        )
    return lines


def _edge_products(attrs: Mapping, text: Mapping[str, str]) -> list[str]:
    """What a supply edge carries and when, as the tooltip and the side panel say it."""
    lines = []
    if attrs.get("supplies"):
        lines.append(f"{text['supplies']}: " + "; ".join(attrs["supplies"]))
    if attrs.get("periods"):
        lines.append(f"{text['period']}: " + "; ".join(attrs["periods"]))
    hedges = attrs.get("hedges", {})
    for key, unit in (("value", "currency"), ("volume", "volume_unit"), ("client_share", ""), ("supplier_share", "")):
        if key in attrs:
            mark = HEDGE_MARKS.get(hedges.get(key, ""), "")
            amount = f"{attrs[key]:.2%}".replace(".00%", "%") if not unit else f"{attrs[key]:,.0f} {attrs[unit]}"
            lines.append(f"{text[key]}: {mark}{amount}")
    return lines


def _edge_inference(attrs: Mapping, text: Mapping[str, str]) -> list[str]:
    """Why an inferred supply edge was drawn; nothing for a stated one."""
    if edge_evidence(attrs) != "inferred":
        return []
    kinds = ", ".join(attrs.get("inference", []))
    return [
        text["inferred"].format(kinds=f" ({kinds})" if kinds else ""),
        *(f"  {reason}" for reason in attrs.get("reasons", [])[:3]),
    ]


def _edge_tooltip(attrs: Mapping, text: Mapping[str, str]) -> str:
    lines = _edge_products(attrs, text)
    if attrs.get("sources"):
        lines.append(f"{text['sources']}:")
        lines.extend(f"  {source}" for source in attrs["sources"][:6])
    lines += _edge_inference(attrs, text)
    return "\n".join(lines) or text["supply"]


def _located_links(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """The located-in links a view draws, (child, place): each node to the places it is in that no
    other of its places lies in, and each place to the places the data says it lies in."""
    places = graph.graph.get("places", {})
    links: dict[tuple[str, str], None] = {}
    for node, attrs in graph.nodes(data=True):
        located = attrs.get("places", [])
        # ``places`` holds the node's places and all they lie in.
        above = {parent for place in located for parent in places.get(place, {}).get("parents", [])}
        for place in located:
            if place not in above:
                links[(node, place)] = None
        for place in located:
            for parent in places.get(place, {}).get("parents", []):
                links[(place, parent)] = None
    return list(links)


def _add_places(
    net: Network,
    graph: nx.DiGraph,
    links: list[tuple[str, str]],
    text: Mapping[str, str],
    lang: str,
    placements: Mapping[str, dict],
    *,
    hidden: bool,
) -> None:
    """Place nodes and dashed located-in links (hidden ones still shape the layout, so the toggle
    moves nothing)."""
    places = graph.graph.get("places", {})
    for place in dict.fromkeys(parent for _, parent in links):
        info = places.get(place, {})
        label = name_of(info, lang, default=place)
        net.add_node(
            place,
            label=label,
            kind="place",
            shape="hexagon",
            size=8,
            color="#e0e0e0",
            title=f"{label}\n{text['place']}\n{place}",
            hidden=hidden,
            **placements.get(place, {}),
        )
    for child, parent in links:
        net.add_edge(
            child,
            parent,
            relation="located",
            dashes=LOCATED_DASHES,
            color="#b0b0b0",
            arrows="to",
            title=text["located"],
            physics=True,
            width=1,
            hidden=hidden,
        )


def _options(layout: str) -> dict:
    options: dict = {
        "nodes": {
            "font": {"size": FONT_SIZE, "face": "system-ui, Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
            "widthConstraint": {"maximum": LABEL_WIDTH},
        },
        "edges": {"smooth": {"type": "continuous"}, "arrows": {"to": {"scaleFactor": 0.6}}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
    }
    if layout == "physics":
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "stabilization": {"iterations": 300, "fit": True},
        }
    elif layout == "hierarchical":
        options["layout"] = {
            "hierarchical": {
                "enabled": True,
                "direction": "LR",
                "sortMethod": "directed",
                "levelSeparation": 220,
                "nodeSpacing": 90,
            }
        }
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = False
    return options


def stage_colors(graph: nx.DiGraph) -> dict[str, str]:
    """A distinct colour per chain stage a view draws, in upstream-to-downstream order
    (:func:`colours_of_stages` over the graph's chains and the stages of its nodes)."""
    drawn = {
        attrs["stage"]: (attrs.get("stage_order", 0), attrs.get("stage_label", ""))
        for _, attrs in graph.nodes(data=True)
        if attrs.get("stage")
    }
    return colours_of_stages(graph.graph.get("chains", {}), drawn)


def colours_of_stages(chains: Mapping[str, Mapping], drawn: Mapping[str, tuple[int, str]]) -> dict[str, str]:
    """The colour of each stage in ``drawn`` (stage IRI -> its order and label), from
    :data:`PALETTE`.

    The colour is the stage's own: its place among every stage of every chain the network knows
    (``chains``, as ``graph.graph["chains"]`` has them), not among the stages one page happens to
    draw, so anode materials are the same colour in the Ningde view, the Fujian view and the
    Ningde brief. Stages with no stated order (``cg:stageOrder``: those a sheet names) come after
    every ordered one, so a stage a sheet adds takes a colour of its own and recolours none of the
    graph's.
    """
    known = {
        _colour_rank(info.get("order", 0), info.get("label", ""), stage)
        for chain in chains.values()
        for stage, info in chain.get("stages", {}).items()
        if info.get("members", 1)  # a stage with no member anywhere takes no colour
    }
    known_stages = {stage for *_, stage in known}
    unknown = {
        _colour_rank(order, label, stage) for stage, (order, label) in drawn.items() if stage not in known_stages
    }
    colors = {}
    for index, (*_, stage) in enumerate(sorted(known | unknown)):
        if stage not in drawn:
            continue
        if index < len(PALETTE):
            colors[stage] = PALETTE[index]
            continue
        hue = (index * 0.618033988749895) % 1.0
        red, green, blue = colorsys.hsv_to_rgb(hue, 0.55, 0.92)
        colors[stage] = f"#{int(red * 255):02x}{int(green * 255):02x}{int(blue * 255):02x}"
    return colors


def _colour_rank(order: int, label: str, stage: str) -> tuple[bool, int, str, str]:
    """Where a stage stands in the colour order: ordered stages upstream first, unordered last."""
    return (order <= 0, order, label, stage)


def _stage_name(graph: nx.DiGraph, attrs: Mapping, lang: str) -> str:
    """The name of a node's stage in ``lang``, from its chain's list of stages."""
    stage = attrs["stage"]
    info: dict = next((c["stages"][stage] for c in graph.graph.get("chains", {}).values() if stage in c["stages"]), {})
    return name_of({**info, "label": attrs.get("stage_label", "")}, lang, default=stage)


def _stage_legend(graph: nx.DiGraph, colors: Mapping[str, str], text: Mapping[str, str], lang: str) -> list[dict]:
    """The stage colours, chain by chain (in lane order), upstream first; each item names its chain
    where the view has several."""
    chains = graph.graph.get("chains", {})
    order = {chain: index for index, chain in enumerate(lane_chains(graph))}
    seen = {}
    for _, attrs in graph.nodes(data=True):
        stage = attrs.get("stage")
        if stage and stage not in seen:
            chain = next((c for c in order if stage in chains[c]["stages"]), None)
            seen[stage] = {
                "color": colors[stage],
                "label": _stage_name(graph, attrs, lang),
                "chain": name_of(chains[chain], lang) if chain else "",
                "key": (order.get(chain, len(order)) if chain else len(order), attrs.get("stage_order", 0)),
            }
    items = sorted(seen.values(), key=lambda item: (item["key"], item["label"]))
    if len({item["chain"] for item in items}) < 2:
        for item in items:
            item["chain"] = ""
    if any(not attrs.get("stage") for _, attrs in graph.nodes(data=True)):
        items.append({"color": NO_STAGE_COLOR, "label": text["no_stage"], "chain": "", "key": (len(order) + 1, 0)})
    return items


def _scaled(values: Mapping[str, float], graph: nx.DiGraph) -> dict[str, float]:
    numbers = {node: float(values.get(node, 0) or 0) for node in graph}
    top = max(numbers.values(), default=0.0)
    if top <= 0:
        return dict.fromkeys(graph, 14.0)
    return {node: 8.0 + 32.0 * math.sqrt(value / top) for node, value in numbers.items()}
