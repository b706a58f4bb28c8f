"""``chaingraph impact``: what breaks if a firm drops out."""

from __future__ import annotations

import click

from ..engines import session_of
from ..errors import InputError
from .app import cli, emit, render_json, stderr, stdout
from .options import (
    choose_columns,
    columns_option,
    compute_request,
    dating_options,
    engine_options,
    evidence_option,
    format_option,
    graph_options,
    group_by_option,
    scope_request,
    shock_options,
    shock_request,
)

__all__ = ["impact"]


@cli.command(short_help="What breaks when a firm, region, stage or group drops out.")
@click.argument("firm", required=False)
@graph_options(tables=True)
@click.option("--chain", metavar="C", help="Analyse only chain C (a chain id or name, or a region).")
@click.option("--region", metavar="PLACE", help="Analyse only nodes located in PLACE.")
@evidence_option
@dating_options
@group_by_option
@click.option("--all", "all_firms", is_flag=True, help="Rank every firm with clients by the harm its loss does.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows with --all.")
@click.option(
    "--remove",
    "remove",
    multiple=True,
    metavar="KIND:NAME",
    help="Remove a set and follow the cascade: KIND firm, region, stage or owner (a bare name is a firm); repeatable.",
)
@click.option(
    "--by",
    type=click.Choice(["region", "stage", "owner"]),
    help="With --all: rank places, stages or groups instead of firms, by the cascade their removal starts.",
)
@click.option(
    "--partial",
    type=click.FloatRange(min=0, max=1, min_open=True),
    metavar="SHARE",
    help="With --remove: also list firms that lost at least SHARE of some stage's supply (e.g. 0.5), "
    "and with demand shocks of their sales.",
)
@shock_options("--remove or --by")
@engine_options
@format_option()
@columns_option("every column; keys as in --format json")
@scope_request()
@shock_request
@compute_request
def impact(source, firm, scope, all_firms, top, remove, by, shock, compute, fmt, columns) -> None:
    """What breaks if FIRM drops out of the supply network, or a whole set (--remove).

    For one FIRM: the clients left without any supplier of FIRM's stage, the clients left with no
    supplier at all, the supplier-to-client paths cut (reach lost), and the change in weakly
    connected components. FIRM is a name (English or Chinese), a CURIE or an IRI.

    With --remove: the cascade, tier after tier. A firm is disrupted when every supplier of one of
    its stages is disrupted (stage-starved) or every supplier it has (supply-starved); suppliers
    with no stage only count towards the second. The README states the rule in full.

    \b
    Examples:
      chaingraph impact CATL
      chaingraph impact 宁德时代 --format json
      chaingraph impact --all --top 5
      chaingraph impact CATL --evidence stated
      chaingraph impact --remove region:Ningde
      chaingraph impact --remove stage:separators --partial 0.5
      chaingraph impact --remove firm:CATL --direction upstream --threshold 0.4
      chaingraph impact --remove owner:CATL --format json
      chaingraph impact --all --by region
      chaingraph impact --remove region:Ningde --engine spark --relations rel.parquet --firms firms.parquet
    """
    from ..reports import IMPACT_HEADERS, impact_record
    from ..reports import impact as measure

    if remove:
        if firm or all_firms:
            raise click.UsageError("--remove replaces FIRM and --all: give one of them")
        with session_of(compute.engine):
            _scenario(source, remove, scope, shock, compute, (fmt, columns))
        return
    compute.local("impact (a firm, --all, --all --by)", spark_with="--remove")
    if shock.partial is not None:
        raise click.UsageError("--partial goes with --remove")
    if by is not None:
        if not all_firms or firm:
            raise click.UsageError("--by goes with --all")
        _ranking(source, by, top, scope, shock, (fmt, columns))
        return
    if not shock.plain:
        raise click.UsageError("--threshold and --direction go with --remove or --all --by")

    if not all_firms and not firm:
        raise InputError("impact needs a FIRM, or --all")
    results = measure(source, None if all_firms else firm, scope, top=top)
    records = [impact_record(i) for i in results]
    keys = list(IMPACT_HEADERS)
    chosen = choose_columns(columns, keys) or keys
    if fmt == "json":
        emit(render_json(records))
        return
    from .render import TableLook, render

    if fmt != "table":
        flat = [
            {
                **r,
                "stage_losses": [f"{x['client_label']}: {x['stage_label']}" for x in r["stage_losses"]],
                "stranded": r["stranded_labels"],
            }
            for r in records
        ]
        emit(render(flat, chosen, fmt))
        return
    for record in records if not all_firms else []:
        _print_impact(record)
    if all_firms:
        from .render import distinguish_labels

        rows = distinguish_labels(
            [{**r, "stage_losses": len(r["stage_losses"]), "stranded": len(r["stranded"])} for r in records]
        )
        shown = [key for key in chosen if key != "id"] if columns is None else chosen
        headers = [IMPACT_HEADERS[key] for key in shown]
        title = "Firms whose loss hurts most"
        render(
            rows, shown, "table", look=TableLook(headers=headers, title=title, choosable=True), console=stdout.console
        )


def _print_impact(record: dict) -> None:
    from rich.markup import escape

    from .render import quantity

    name = escape(record["label"]) + (f" ({escape(record['label_zh'])})" if record["label_zh"] else "")
    stdout.print(f"[bold]If {name} drops out[/]")
    clients, downstream = record["direct_clients"], record["downstream_reach"]
    stdout.print(f"  {quantity(clients, 'direct client')}, {quantity(downstream, 'firm')} downstream")
    if record["stage_losses"]:
        stdout.print("  clients left with no supplier of its stage:")
        for loss in record["stage_losses"]:
            stranded = " (no supplier left at all)" if loss["client"] in record["stranded"] else ""
            stdout.print(f"    - {escape(loss['client_label'])}: {escape(loss['stage_label'] or 'unstaged')}{stranded}")
    else:
        stdout.print("  every client keeps another supplier of its stage")
    stdout.print(f"  supplier-to-client paths cut: {record['reach_lost']}")
    stdout.print(f"  weakly connected components: {record['components_before']} -> {record['components_after']}")


#: The columns of a scenario's disrupted firms, in table order.
SCENARIO_HEADERS = {
    "tier": "tier",
    "label": "name",
    "label_zh": "名称",
    "reason": "reason",
    "stages_lost": "stage lost",
    "share_lost": "share lost",
    "basis": "basis",
    "place": "place",
    "chains": "chains",
    "id": "id",
}


def _scenario(source, remove, scope, shock, compute, shown: tuple[str, str | None]) -> None:
    """The scenario of removing ``remove``, shown as ``shown`` asks (its format and columns)."""
    from ..reports.scenarios import scenario
    from .render import quantity

    fmt, columns = shown
    report = scenario(source, remove, scope, shock=shock, compute=compute)
    partial = shock.partial
    if fmt == "json":
        emit(render_json(report.as_json()))
        return
    for note in report.notes if fmt != "table" else []:
        stderr.print(f"[dim]{note}[/]")
    rows = [
        {
            **r,
            "stages_lost": ", ".join(r["stages_lost"]),
            "chains": ", ".join(r["chains"]),
            "share_lost": "" if r["share_lost"] is None else f"{r['share_lost']:.0%}",
            "basis": r["basis"] or "",
        }
        for r in report.disrupted
    ]
    if not any(r["basis"] for r in report.disrupted) and columns is None and fmt == "table":
        columns = ",".join(key for key in SCENARIO_HEADERS if key not in ("share_lost", "basis", "id"))
    removed = ", ".join(f"{r['name']} ({quantity(r['members'], 'organization')})" for r in report.removed)
    if not _emit_records(rows, SCENARIO_HEADERS, fmt, columns, f"Removing {removed}"):
        return
    summary = report.summary
    tiers = " -> ".join(str(count) for count in summary.firms_per_tier)
    stdout.print(
        f"firms per tier: {tiers} ({quantity(summary.disrupted_beyond_removed, 'firm')} beyond the removed set)"
    )
    if summary.outside_removed_places is not None:
        stdout.print(f"disrupted outside the removed places: {summary.outside_removed_places}")
    if summary.stages_emptied:
        emptied = "; ".join(f"{s.label} ({s.chain})" for s in summary.stages_emptied)
        stdout.print(f"stages left with no member: {emptied}")
    if summary.paths_cut is not None:
        stdout.print(f"supplier-to-client paths cut: {summary.paths_cut}")
    stdout.print(f"weakly connected components: {summary.components_before} -> {summary.components_after}")
    for note in report.notes:
        stdout.print(f"[dim]{note}[/]")
    for found in report.partial:
        losses = [
            f"{stage} {share:.0%}" + (" (not essential to it)" if stage in found.get("not_essential", ()) else "")
            for stage, share in found["stages"].items()
        ]
        if found["sales_lost"] is not None:
            losses.append(f"sales {found['sales_lost']:.0%}")
        stdout.print(f"partial loss: {found['label']}: {', '.join(losses)}")
    if partial is not None and not report.partial:  # asked for, and found nowhere: said, not silent
        stdout.print(f"partial loss: none (no firm lost {partial:.0%} or more of a stage's suppliers and kept some)")


#: The columns of ``impact --all --by``, in table order.
RANKING_HEADERS = {
    "label": "removed",
    "members": "organizations",
    "disrupted_beyond_removed": "disrupted beyond",
    "firms_per_tier": "per tier",
    "paths_cut": "paths cut",
    "stages_emptied": "stages emptied",
    "components_after": "components after",
    "id": "id",
}


def _ranking(source, by, top, scope, shock, shown: tuple[str, str | None]) -> None:
    """The ``top`` places, stages or groups (``by``) whose loss hurts most, shown as ``shown`` asks."""
    from ..reports.rankings import rank_removals

    fmt, columns = shown
    ranked = rank_removals(source, by, scope, top=top, shock=shock)
    if fmt == "json":
        emit(render_json(ranked))
        return
    rows = [
        {
            "label": record["label"],
            "id": record["id"],
            "members": record["members"],
            "disrupted_beyond_removed": record["summary"].disrupted_beyond_removed,
            "paths_cut": record["summary"].paths_cut,
            "components_after": record["summary"].components_after,
            "firms_per_tier": " -> ".join(str(count) for count in record["summary"].firms_per_tier),
            "stages_emptied": len(record["summary"].stages_emptied),
        }
        for record in ranked
    ]
    title = {"region": "Places", "stage": "Stages", "owner": "Groups"}[by] + " whose loss hurts most"
    _emit_records(rows, RANKING_HEADERS, fmt, columns, title)


def _emit_records(rows: list[dict], headers: dict[str, str], fmt: str, columns: str | None, title: str) -> bool:
    """The rows as csv or markdown (every column), or as a table without the id column unless
    --columns asks for it; True when it was the table (the caller may print more under it)."""
    from .render import TableLook, render

    keys = list(headers)
    chosen = choose_columns(columns, keys) or (keys if fmt != "table" else [key for key in keys if key != "id"])
    if fmt != "table":
        emit(render(rows, chosen, fmt))
        return False
    shown = [headers[key] for key in chosen]
    render(rows, chosen, "table", look=TableLook(headers=shown, title=title, choosable=True), console=stdout.console)
    return True
