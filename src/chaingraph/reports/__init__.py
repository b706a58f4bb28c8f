"""The reports: what each command prints, computed without printing anything, from the store
through the projection and the measures to plain records.

A room per verb: ``_stats`` (``stats``, ``concentrated``, ``network``), ``_impact`` (``impact``),
``_view`` (``view_data``: what a view draws, the record :mod:`chaingraph.views` lays out as a
page), ``_figures`` (the sources' figures, in English or Chinese), ``_names`` (the names of a set of
firms) and ``_columns`` (the columns of ``stats`` and ``impact``, their JSON keys and headers). The
public names are these."""

from __future__ import annotations

from ..projection.selection import Scope, evidence_levels, make_selection
from ._columns import COLUMN_HEADERS, IMPACT_HEADERS, NODE_COLUMNS, STAGE_KEYS, STATS_KEYS, STATS_TABLE_COLUMNS
from ._figures import (
    FIGURE_SOURCES_QUERY,
    FIGURE_WORDS,
    FIGURES_QUERY,
    figures_by_subject,
    format_figure,
    sourced_figures,
)
from ._impact import impact, impact_record
from ._names import firm_names, read_names_ahead
from ._stats import LOCAL_SOURCING_CLAIM, StatsReport, StatsRows, concentrated, network, stats
from ._view import NODE_LIMIT, OWN_LOSS_LIMIT, Drawing, FocusWindow, ScenarioDrawn, ViewData, check_size, view_data

__all__ = [
    "COLUMN_HEADERS",
    "FIGURES_QUERY",
    "FIGURE_SOURCES_QUERY",
    "FIGURE_WORDS",
    "IMPACT_HEADERS",
    "LOCAL_SOURCING_CLAIM",
    "NODE_COLUMNS",
    "NODE_LIMIT",
    "OWN_LOSS_LIMIT",
    "STAGE_KEYS",
    "STATS_KEYS",
    "STATS_TABLE_COLUMNS",
    "Drawing",
    "FocusWindow",
    "ScenarioDrawn",
    "Scope",
    "StatsReport",
    "StatsRows",
    "ViewData",
    "check_size",
    "concentrated",
    "evidence_levels",
    "figures_by_subject",
    "firm_names",
    "format_figure",
    "impact",
    "impact_record",
    "make_selection",
    "network",
    "read_names_ahead",
    "sourced_figures",
    "stats",
    "view_data",
]
