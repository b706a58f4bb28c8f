"""The columns of ``stats`` and ``impact``: their JSON keys and table headers, in one place."""

from __future__ import annotations

from ..measures import reference as analysis

__all__ = [
    "BUYER_CONCENTRATION",
    "COLUMN_HEADERS",
    "IMPACT_HEADERS",
    "NODE_COLUMNS",
    "STAGE_KEYS",
    "STATS_KEYS",
    "STATS_TABLE_COLUMNS",
]

#: What ``stats`` says of each node before its measures: key -> table header.
NODE_COLUMNS = {"id": "id", "label": "name", "label_zh": "名称", "kind": "kind", "place": "place", "stage": "stage"}

#: The columns of ``stats``: the contract's JSON keys, in report order.
STATS_KEYS = [*NODE_COLUMNS, *analysis.MEASURES]
#: The firm measures of a firm's purchases' concentration: at stage level, the highest of the stage's firms'.
BUYER_CONCENTRATION = ("hhi", "region_hhi", "group_hhi")
#: What a stage-level report adds: the concentration of the purchases of each stage.
STAGE_KEYS = {"purchase_hhi": "supply HHI"}

#: The table header of every column of ``stats``.
COLUMN_HEADERS = {**NODE_COLUMNS, **{key: info.header for key, info in analysis.MEASURES.items()}, **STAGE_KEYS}

#: What the stats table shows unless --columns says otherwise, in the order they are kept when
#: the terminal is narrow (the last is left out first).
STATS_TABLE_COLUMNS = ["label", "label_zh", "stage", *(key for key, m in analysis.MEASURES.items() if m.in_table)]

#: The columns of impact's csv, markdown and --all table, with their table headers, in priority order.
IMPACT_HEADERS = {
    "label": NODE_COLUMNS["label"],
    "label_zh": NODE_COLUMNS["label_zh"],
    "direct_clients": "clients",
    "downstream_reach": "downstream",
    "reach_lost": "paths cut",
    "stage_losses": "stages lost",
    "stranded": "stranded",
    "components_before": "components",
    "components_after": "after",
    "id": "IRI",
}
