"""The views' colours: one per chain stage for readers with any colour vision (the palette, and a
stage's colour as its place among every stage the network knows), and WCAG 2's contrast arithmetic
that keeps every label readable on what is behind it.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping

import networkx as nx

__all__ = [
    "DIMMED_COLOR",
    "DIMMED_LABEL_COLOR",
    "LABEL_COLOR",
    "MINIMUM_CONTRAST",
    "NO_STAGE_COLOR",
    "PALETTE",
    "colour_rank",
    "colours_of_stages",
    "contrast_ratio",
    "stage_colors",
    "text_color_on",
]

#: Nodes with no stage, and nodes a trace dims: greys no stage colour is mistaken for.
NO_STAGE_COLOR, DIMMED_COLOR = "#c0c0c0", "#e6e6e6"
#: Label text: dark on the white page (12:1); a dimmed node's label is meant to recede.
LABEL_COLOR, DIMMED_LABEL_COLOR = "#343434", "#c8c8c8"
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
        colour_rank(info.get("order", 0), info.get("label", ""), stage)
        for chain in chains.values()
        for stage, info in chain.get("stages", {}).items()
        if info.get("members", 1)  # a stage with no member anywhere takes no colour
    }
    known_stages = {stage for *_, stage in known}
    unknown = {colour_rank(order, label, stage) for stage, (order, label) in drawn.items() if stage not in known_stages}
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


def colour_rank(order: int, label: str, stage: str) -> tuple[bool, int, str, str]:
    """Where a stage stands in the colour order: ordered stages upstream first, unordered last."""
    return (order <= 0, order, label, stage)
