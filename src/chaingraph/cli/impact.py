"""``chaingraph impact``: what breaks if a firm drops out."""

from __future__ import annotations

import click

from .app import (
    choose_columns,
    cli,
    columns_option,
    emit,
    evidence_option,
    format_option,
    graph_options,
    group_by_option,
    render_json,
    stdout,
)

__all__ = ["impact"]


@cli.command()
@click.argument("firm", required=False)
@graph_options
@click.option("--chain", metavar="C", help="Analyse only chain C (a chain id or name, or a region).")
@click.option("--region", metavar="PLACE", help="Analyse only nodes located in PLACE.")
@evidence_option
@group_by_option
@click.option("--all", "all_firms", is_flag=True, help="Rank every firm with clients by the harm its loss does.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows with --all.")
@format_option()
@columns_option("every column; keys as in --format json")
def impact(store, firm, chain, region, evidence, group_by, all_firms, top, fmt, columns) -> None:
    """What breaks if FIRM drops out of the supply network.

    Reports the clients left without any supplier of FIRM's stage, the clients left with no
    supplier at all, the supplier-to-client paths cut (reach lost), and the change in weakly
    connected components. FIRM is a name (English or Chinese), a CURIE or an IRI.

    \b
    Examples:
      chaingraph impact CATL
      chaingraph impact 宁德时代 --format json
      chaingraph impact --all --top 5
      chaingraph impact CATL --evidence stated
    """
    from ..reports import IMPACT_HEADERS, impact_record
    from ..reports import impact as compute

    results = compute(
        store, firm, chain=chain, region=region, evidence=evidence, group_by=group_by, all_firms=all_firms, top=top
    )
    records = [impact_record(i) for i in results]
    keys = list(IMPACT_HEADERS)
    chosen = choose_columns(columns, keys) or keys
    if fmt == "json":
        emit(render_json(records))
        return
    from .render import render

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
        render(rows, shown, "table", headers=headers, title=title, console=stdout.console, choosable=True)


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
