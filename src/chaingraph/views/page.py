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
here places large ones. Above :data:`chaingraph.reports.NODE_LIMIT` nodes a view is refused.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
from pyvis.network import Network

from .. import __version__
from .._runtime.fileio import safe_stem
from ..errors import InputError
from ..projection import periods
from ..reports import Drawing, ViewData, check_size
from ..vocab import EVIDENCE_LEVELS, VIEW_LAYOUTS, check_language, name_of
from .colours import DIMMED_COLOR, DIMMED_LABEL_COLOR, LABEL_COLOR, NO_STAGE_COLOR, stage_colors, text_color_on
from .edges import EVIDENCE_STYLES, add_supply_edges, located_links, years_of
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
from .places import add_places
from .texts import TEXT
from .tooltips import measure_name, node_tooltip, shown_names, stage_name

__all__ = [
    "DEMAND_DASHES",
    "FAN_SLOPE",
    "FONT_SIZE",
    "GAPS",
    "GENERATOR_MARK",
    "LABEL_INSIDE",
    "LABEL_WIDTH",
    "LINE_HEIGHT",
    "PHYSICS_LIMIT",
    "ROUTE_BUDGET_MS",
    "ROUTE_DETOUR",
    "ROUTE_LIMIT",
    "SHAPES",
    "TIER_OUTLINES",
    "WIDE_PER_LINE",
    "View",
    "balanced_lines",
    "counted",
    "is_chaingraph_view",
    "render_view",
    "template_environment",
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
#: Labels wrap at this width (px), so a long name takes two lines, not a column's width.
LABEL_WIDTH = 150
FONT_SIZE = 14
#: Space (px) between the stage layout's tracks, rows and lanes, and the height of a label's line.
#: ``passage``: the height kept free between two boxes of a staggered column's near track around
#: the centre of the far node facing it, for that node's edges to pass through (a row's gap on the
#: side its edges leave from, the rest on the side they head to).
GAPS = {"track": 36, "row": 12, "lane": 44, "passage": 44}
LINE_HEIGHT = 18
GENERATOR_MARK = b'<meta name="generator" content="chaingraph'
#: Shapes vis-network draws the label inside of, on the node's fill rather than on the page.
LABEL_INSIDE = frozenset({"box", "circle", "ellipse", "database", "text"})

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


def is_chaingraph_view(path: Path) -> bool:
    """True when ``path`` is an HTML file chaingraph wrote (so it may be replaced)."""
    try:
        with open(path, "rb") as handle:
            return GENERATOR_MARK in handle.read(4096)
    except OSError:
        return False


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


def render_view(data: ViewData, drawing: Drawing | None = None) -> View:
    """The HTML page of a view, drawn as ``drawing`` asks: nodes coloured by stage, shaped by kind,
    sized by its ``size_by`` measure, named in its ``lang``; places and located-in links hidden until
    the page's toggle (or its ``places``) shows them."""
    drawing = drawing or Drawing()
    lang = drawing.lang
    check_language(lang)
    if drawing.layout not in VIEW_LAYOUTS:
        raise InputError(f"--layout {drawing.layout!r}: use {', '.join(VIEW_LAYOUTS)}")
    graph = data.graph
    check_size(graph)
    if drawing.size_by not in data.measures:
        raise InputError(f"--size-by {drawing.size_by!r}: unknown measure (measures: {', '.join(data.measures)})")
    text = TEXT[lang]
    layout = _chosen_layout(graph, drawing.layout)
    links = located_links(graph) if graph.number_of_nodes() <= PHYSICS_LIMIT else []
    sizes = _scaled(data.measures[drawing.size_by], graph)
    colors = stage_colors(graph)
    placements, slots = _placements(graph, layout, links, sizes)
    net = Network(directed=True, height="100%", width="100%", cdn_resources="remote")
    net.node_ids = _NodeIds()
    _add_nodes(net, data, sizes, colors, lang, placements)
    against = {(u, v) for u, v in graph.edges() if against_stage_order(slots, u, v)} if slots else set()
    levels_shown, by_share = add_supply_edges(net, graph, text, against, data.purchase_shares)
    add_places(net, graph, links, lang, placements, hidden=not drawing.places)
    net.options = _options(layout)
    drawn = _Drawn(
        colors=colors,
        levels_shown=levels_shown,
        physics=layout == "physics",
        against=bool(against),
        by_share=by_share,
        lane_titles=_lane_titles(graph, slots, text, lang),
    )
    return View(_page(data, net, drawing, drawn))


@dataclasses.dataclass(frozen=True)
class _Drawn:
    """What drawing the network settled, for the page around it: the stage colours, the evidence
    levels drawn, the layout's physics, whether an edge runs against the stage order or is as wide
    as its share, and each lane's title."""

    colors: Mapping[str, str]
    levels_shown: set[str]
    physics: bool
    against: bool
    by_share: bool
    lane_titles: Mapping[int, str]


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
    tier = found.tier
    outline = TIER_OUTLINES[min(tier, len(TIER_OUTLINES) - 1)]
    style: dict = {"color": {"background": fill, "border": outline}, "borderWidth": 5}
    if tier == 0:
        style["shapeProperties"] = {"borderDashes": [6, 4]}
    elif found.reason == "demand":  # its buyers stopped buying: outlined dotted
        style["shapeProperties"] = {"borderDashes": DEMAND_DASHES}
    return style


def _add_nodes(
    net: Network,
    data: ViewData,
    sizes: Mapping[str, float],
    colors: Mapping[str, str],
    lang: str,
    placements: Mapping[str, dict],
) -> None:
    """Draw each node: coloured by stage, shaped by kind, sized by its measure, named in ``lang``."""
    graph, text = data.graph, TEXT[lang]
    for node, attrs in graph.nodes(data=True):
        label, other = shown_names(attrs, lang)
        removed = node in data.scenario and data.scenario[node].tier == 0
        shape = SHAPES.get(attrs.get("kind", ""), SHAPES["organization"])[0]
        fill = colors.get(attrs.get("stage", ""), NO_STAGE_COLOR)
        net.add_node(
            node,
            label=balanced_lines(f"✕ {label}" if removed else label),
            altLabel=other,
            kind=attrs.get("kind", "organization"),
            shape=shape,
            size=sizes[node],
            title=node_tooltip(node, attrs, data, text, lang),
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


def _page(data: ViewData, net: Network, drawing: Drawing, drawn: _Drawn) -> str:
    """The self-contained HTML page around the drawn network: title, legend, search, vis-network."""
    lang, text = drawing.lang, TEXT[drawing.lang]
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
        headline=_headline(data, text),
        legend_tiers=_tier_legend(data, text),
        text={**text, "size": text["size"].format(measure=measure_name(drawing.size_by, lang))},
        nodes=nodes,
        edges=edges,
        options=net.options,
        physics=drawn.physics,
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
        lane_titles=drawn.lane_titles,
        png_name=safe_stem(data.title) + ".png",
        has_places=any(node.get("kind") == "place" for node in nodes),
        years=years_of(edges),
        as_of=data.as_of,
        as_of_window=[periods.window(data.as_of).first, periods.window(data.as_of).last] if data.as_of else None,
        undated_shown=data.undated == "include",
        places_shown=drawing.places,
        legend_stages=_stage_legend(graph, drawn.colors, text, lang),
        legend_kinds=[{"symbol": SHAPES[k][1], "label": text[k]} for k in kinds if k in SHAPES],
        legend_edges=[
            {"css": EVIDENCE_STYLES[level]["css"], "label": text[f"supply_{level}"]}
            for level in EVIDENCE_LEVELS
            if level in drawn.levels_shown
        ]
        + ([{"css": "line against", "label": text["against"]}] if drawn.against else [])
        + ([{"css": "line wide", "label": text["width_share"]}] if drawn.by_share else []),
        has_wide_text=lang == "zh" or any(_WIDE.search(str(node.get("label", ""))) for node in nodes),
        search_names=sorted({n["label"] for n in nodes} | {n["altLabel"] for n in nodes if n.get("altLabel")}),
        notes=_notes(data, text, lang),
        vis_js=_vis_asset("vis-network.min.js"),
        vis_css=_vis_asset("vis-network.css"),
    )


def _notes(data: ViewData, text: Mapping[str, str], lang: str) -> list[str]:
    """What the page notes under the network: each chain's figures from the sources, the measures
    sampled, the firms with no stage."""
    notes = [text["chain_figure"].format(chain=chain, figure=line) for chain, line in data.chain_figures]
    if data.sampled:
        notes.append(
            text["sampled"].format(
                measures=", ".join(measure_name(m, lang) for m in sorted(data.sampled)),
                count=next(iter(data.sampled.values())),
            )
        )
    if data.unstaged:
        notes.append(text["unstaged"].format(count=data.unstaged))
    return notes


def _headline(data: ViewData, text: Mapping[str, str]) -> list[str]:
    """What the view is about, under its title: a focus firm's window, then a scenario's tiers."""
    lines = []
    window, scenario = data.focus_window, data.scenario_drawn
    if window is not None:
        lines.append(
            text["focus_note"].format(firm=window.label, hops=window.hops, nodes=window.nodes, total=window.total)
        )
    if scenario is not None:
        lines.append(
            text["scenario_note"].format(
                removed=", ".join(scenario.removed),
                count=counted(text, "organizations", scenario.members),
                beyond=scenario.beyond,
                where=text[f"scenario_{scenario.direction}"],
                tiers=" → ".join(map(str, scenario.per_tier)),
            )
        )
    return lines


def counted(text: Mapping[str, str], noun: str, count: int) -> str:
    """``count`` with its noun in the page's language: "1 node", "9 nodes", "9 个节点"."""
    return text[f"{noun}_one" if count == 1 else f"{noun}_many"].format(count=count)


def _tier_legend(data: ViewData, text: Mapping[str, str]) -> list[dict]:
    """The outlines a scenario view draws, the removed set first, for the tiers it has."""
    tiers = sorted({found.tier for found in data.scenario.values()})
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
    if any(found.reason == "demand" for found in data.scenario.values()):
        items.append({"color": TIER_OUTLINES[1], "dashed": False, "dotted": True, "label": text["tier_demand"]})
    return items


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
                "label": stage_name(graph, attrs, lang),
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
