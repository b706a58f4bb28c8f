"""``chaingraph diff``: how the supply network changed between two dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import click

from .app import cli, emit, render_json, stdout
from .options import evidence_option, format_option, graph_options, scope_request

__all__ = ["diff"]

RELATION_HEADERS = {"supplier_label": "supplier", "client_label": "client", "supplies": "supplies", "periods": "period"}
RANK_HEADERS = {
    "label": "firm",
    "measure": "measure",
    "rank_from": "rank then",
    "rank_to": "rank now",
    "change": "change",
}
COVERAGE_HEADERS = {
    "label": "chain",
    "stages_covered_from": "stages covered then",
    "stages_covered_to": "now",
    "local_share_from": "local share then",
    "local_share_to": "now",
}


def _shown(key: str, value: object) -> str:
    """A cell of the table: a share as a percentage (1 is 100%), a firm out of the network as no rank."""
    from ..interchange.tabular import format_cell

    if key.startswith("local_share") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.0%}"
    return format_cell(value)


@cli.command(short_help="What changed between two dates: relations, firms, ranks, coverage.")
@graph_options(tables=True)
@click.option(
    "--from", "from_date", required=True, metavar="DATE", help="The earlier date (YYYY, YYYY-MM, YYYY-MM-DD)."
)
@click.option("--to", "to_date", required=True, metavar="DATE", help="The later date.")
@click.option("--chain", metavar="C", help="Only this chain (an id or name), or every chain of a region.")
@click.option("--region", metavar="PLACE", help="Only firms located in this place.")
@evidence_option
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rank changes among the first N."
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="List every leading firm's ranks, not only those that moved (a firm out of the network on a date has none).",
)
@format_option()
@scope_request()
def diff(source, from_date, to_date, scope, top, every, fmt) -> None:
    """The supply relations that began and ended between two dates, the firms that entered and
    left the network, the firms whose PageRank or dependence rank changed most among the first
    --top, and each regional chain's stage coverage and local-sourcing share then and now.

    Dates are read as --as-of reads them; an undated relation is in force on both dates, so it
    never begins or ends.

    \b
    Examples:
      chaingraph diff --from 2021 --to 2025
      chaingraph diff --from 2022-06 --to 2025 --chain ningde --format json
    """
    from ..reports.changes import diff as compute
    from .render import TableLook, render

    report = compute(source, scope, from_date=from_date, to_date=to_date, top=top, every=every)
    if fmt == "json":
        emit(render_json(report.as_json()))
        return
    sections: list[tuple[str, Sequence[Mapping[str, object]], dict[str, str], str]] = [
        (
            "began",
            report.began,
            RELATION_HEADERS,
            f"Relations that began after {report.from_date}, by {report.to_date}",
        ),
        (
            "ended",
            report.ended,
            RELATION_HEADERS,
            f"Relations in force on {report.from_date} that ended by {report.to_date}",
        ),
        ("entered", report.entered, {"label": "firm", "label_zh": "名称"}, "Firms that entered the network"),
        ("left", report.left, {"label": "firm", "label_zh": "名称"}, "Firms that left the network"),
        (
            "rank_changes",
            report.rank_changes,
            RANK_HEADERS,
            f"Rank changes among the first {top} (--all: the unmoved too)",
        ),
        ("coverage", report.coverage, COVERAGE_HEADERS, "Stage coverage and local sourcing of each regional chain"),
    ]
    if fmt != "table":
        # One table for programs: a section column, then each section's own columns.
        keys = ["section", *dict.fromkeys(k for _, _, headers, _ in sections for k in headers)]
        rows = [{"section": name, **row} for name, found, _, _ in sections for row in found]
        emit(render(rows, keys, fmt))
        return
    for _, found, headers, title in sections:
        if not found:
            stdout.print(f"{title}: none")
            continue
        shown = [{key: _shown(key, row.get(key)) for key in headers} for row in found]
        render(
            shown,
            list(headers),
            "table",
            look=TableLook(headers=list(headers.values()), title=title),
            console=stdout.console,
        )
    stdout.print(f"{report.undated:,} undated edges count as in force on both dates")
