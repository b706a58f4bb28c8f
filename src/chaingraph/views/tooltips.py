"""What a view's tooltips say of a node or an edge: names, measures, a scenario's tier, products,
where an inferred edge comes from.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from ..measures.registry import MEASURES
from ..projection.model import edge_evidence, stage_infos
from ..reports import ViewData
from ..sheets.quantities import HEDGE_MARKS
from ..vocab import name_in, name_of

__all__ = [
    "NAMES_SHOWN",
    "TOOLTIP_MEASURES",
    "edge_inference",
    "edge_products",
    "edge_tooltip",
    "measure_name",
    "node_tooltip",
    "scenario_lines",
    "shown_names",
    "stage_name",
]


def shown_names(attrs: Mapping, lang: str) -> tuple[str, str]:
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


def node_tooltip(node: str, attrs: Mapping, data: ViewData, text: Mapping[str, str], lang: str) -> str:
    label, other = shown_names(attrs, lang)
    lines = [label + (f" / {other}" if other else ""), text[attrs.get("kind", "organization")]]
    also = [name for name in data.names.get(node, ()) if name not in (label, other)]
    if also:
        lines.append(
            f"{text['also_named']}: " + "; ".join(also[:NAMES_SHOWN]) + ("; …" if len(also) > NAMES_SHOWN else "")
        )
    if attrs.get("stage_label"):
        lines.append(f"{text['stage_label']}: {stage_name(data.graph, attrs, lang)}")
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
    lines.extend(scenario_lines(node, data, text, lang))
    figures = data.figures.get(node, [])
    if figures:
        lines.append(f"{text['figures']}:")
        lines.extend(f"  {figure}" for figure in figures[:8])
    lines.append(node)
    return "\n".join(lines)


def scenario_lines(node: str, data: ViewData, text: Mapping[str, str], lang: str) -> list[str]:
    """What the scenario did to ``node``, and what its own loss would disrupt."""
    lines = []
    found = data.scenario.get(node)
    if found is not None:
        share = found.share
        lost = "" if share is None else f"{share:.0%}"
        if found.tier == 0:
            lines.append(text["scenario_removed"])
        elif found.reason == "demand":
            lines.append(text["scenario_demand"].format(tier=found.tier, share=lost))
        elif found.reason == "supply":
            key = "scenario_supply" if share is None else "scenario_share"
            lines.append(text[key].format(tier=found.tier, share=lost))
        else:
            infos = stage_infos(data.graph.graph) if "chains" in data.graph.graph else {}
            named = [name_of(infos[s], lang) if s in infos else s for s in found.stages]
            key = "scenario_stage" if share is None else "scenario_stage_share"
            lines.append(text[key].format(tier=found.tier, stages=", ".join(named), share=lost))
    tiers = data.own_loss.get(node)
    if tiers is not None:
        lines.append(
            text["own_loss"].format(tiers=" → ".join(str(t) for t in tiers)) if tiers else text["own_loss_none"]
        )
    return lines


def edge_products(attrs: Mapping, text: Mapping[str, str]) -> list[str]:
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


def edge_inference(attrs: Mapping, text: Mapping[str, str]) -> list[str]:
    """Why an inferred supply edge was drawn; nothing for a stated one."""
    if edge_evidence(attrs) != "inferred":
        return []
    kinds = ", ".join(attrs.get("inference", []))
    return [
        text["inferred"].format(kinds=f" ({kinds})" if kinds else ""),
        *(f"  {reason}" for reason in attrs.get("reasons", [])[:3]),
    ]


def edge_tooltip(attrs: Mapping, text: Mapping[str, str]) -> str:
    lines = edge_products(attrs, text)
    if attrs.get("sources"):
        lines.append(f"{text['sources']}:")
        lines.extend(f"  {source}" for source in attrs["sources"][:6])
    lines += edge_inference(attrs, text)
    return "\n".join(lines) or text["supply"]


def stage_name(graph: nx.DiGraph, attrs: Mapping, lang: str) -> str:
    """The name of a node's stage in ``lang``, from its chain's list of stages."""
    stage = attrs["stage"]
    info: dict = next((c["stages"][stage] for c in graph.graph.get("chains", {}).values() if stage in c["stages"]), {})
    return name_of({**info, "label": attrs.get("stage_label", "")}, lang, default=stage)
