"""``chaingraph stats``: centrality and risk measures of a selection."""

from __future__ import annotations

from collections.abc import Iterable

import click

from ..engines import session_of
from .app import cli, emit, emit_records_json, status_line, stderr, stdout
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
    selection_options,
)

__all__ = ["engine_notes", "network_notes", "stats"]


def _measure_help() -> str:
    from ..measures.registry import MEASURES

    return "\n".join(f"  {key:<19} {info.help}" for key, info in MEASURES.items())


class _MeasuresEpilog(click.Command):
    """Lists the measures under ``stats --help``, importing the analysis module only then."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = "\b\nMeasures (edges point supplier -> client):\n" + _measure_help()
        super().format_epilog(ctx, formatter)


@cli.command(cls=_MeasuresEpilog, short_help="Centrality and supply-chain risk of every firm.")
@graph_options(tables=True)
@selection_options
@evidence_option
@dating_options
@group_by_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    help="Show only the first N rows (0: all) [default: a table on a terminal shows the rows that fit; "
    "files and pipes get all].",
)
@click.option("--sort", default="pagerank", show_default=True, metavar="MEASURE", help="Measure to rank by.")
@click.option("--exact", is_flag=True, help="Compute betweenness, closeness and harmonic exactly on large graphs.")
@engine_options
@click.option(
    "--output",
    "spark_output",
    metavar="DIR",
    help="With --engine spark: write every firm's row there as Parquet (on the cluster) and show --top (10).",
)
@columns_option(
    "name, 名称, stage, suppliers, clients, pagerank, dependence, cut point in a table; every column in csv and json"
)
@format_option()
@scope_request()
@compute_request
def stats(source, scope, top, sort, compute, columns, fmt) -> None:
    """Centrality and supply-chain risk measures of every firm (or stage).

    Which firms hold the chain together (pagerank, betweenness, cut points), which suppliers
    many depend on (dependence, downstream reach), and how local each chain's supply is against
    what its sources claim.

    \b
    Examples:
      chaingraph stats
      chaingraph stats --chain ningde --top 5
      chaingraph stats --evidence stated
      chaingraph stats --chain ningde --group-by owner
      chaingraph stats --level stage --format markdown
      chaingraph stats --columns name,stage,betweenness,upstream,downstream
      chaingraph stats --format json | jq '.[0]'
      chaingraph stats --engine spark --relations rel.parquet --firms firms.parquet
    """
    from ..reports import STAGE_KEYS, STATS_KEYS, STATS_TABLE_COLUMNS
    from ..reports import stats as measure

    # A stage-level report adds the concentration of each stage's purchases.
    level = scope.level
    every_key = [*STATS_KEYS, *STAGE_KEYS] if level == "stage" else STATS_KEYS
    table_columns = [*STATS_TABLE_COLUMNS, *STAGE_KEYS] if level == "stage" else STATS_TABLE_COLUMNS
    chosen = choose_columns(columns, every_key)

    if fmt == "json" and level == "firm" and compute.here:
        from ..reports import read_names_ahead

        read_names_ahead(source)  # every firm's names go with its row: read while the measures run
    with status_line("computing measures") as update, session_of(compute.engine):
        report = measure(
            source,
            scope,
            sort=sort,
            top=top or None,
            compute=compute,
            progress=lambda step: update(f"computing {step}"),
        )
    if report.nodes == 0:
        stderr.print("no organizations or supply edges in this selection (add data with --data)")
    if fmt == "table":
        _print_stats_table(report, chosen or table_columns, first_screen=top is None and stdout.is_terminal)
        return
    from .render import render

    keys = list(chosen or every_key)
    rows = report.rows
    if fmt == "json" and level == "firm":  # every name a firm was given, to check a merge by
        from ..reports import StatsRows, firm_names

        names = firm_names(source, report.ids)
        wanted: list[str] | None = [*keys, "names"]
        if isinstance(rows, StatsRows):  # the names a column of the rows, built with them
            with_names = rows.with_column("names", names, ())
            named: Iterable[dict] = with_names
            if list(with_names.keys) == wanted:
                wanted = None  # every row has just these keys, in this order: no row is checked
        else:
            named = ({**row, "names": names.get(row["id"], [])} for row in rows)  # one row at a time
        emit_records_json(named, wanted)
    else:
        emit(render(rows, keys, fmt))
    for note in network_notes(report) + engine_notes(report):
        stderr.print(f"[dim]{note}[/]")


def network_notes(report) -> list[str]:
    """Lines saying which edges the measures used, and which firms were merged into their owners."""
    used = ", ".join(f"{count} {level}" for level, count in report.evidence.items() if count)
    notes = [f"supply edges by evidence: {used or 'none'} (--evidence to choose)"]
    from .render import quantity

    dating = getattr(report, "dating", None)
    if dating and dating["undated_kept"]:
        total = quantity(dating["in_force"] + dating["undated"], "edge")
        notes.append(f"{total}: {dating['in_force']:,} in force on {dating['as_of']}, {dating['undated']:,} undated")
    elif dating:
        notes.append(f"{quantity(dating['in_force'], 'edge')} in force on {dating['as_of']} (undated edges left out)")

    concentration = getattr(report, "concentration", None)
    if concentration and concentration["purchases"]:
        bases = ", ".join(f"{basis} {count}" for basis, count in concentration["purchase_bases"].items())
        sales = ", ".join(f"{basis} {count}" for basis, count in concentration["sales_bases"].items())
        purchases = quantity(concentration["purchases"], "client-stage purchase")
        notes.append(
            f"concentration: {concentration['above_2500']:,} of {purchases} "
            f"above HHI 2,500 (highly concentrated, 2010 US merger guidelines; {concentration['above_1800']:,} above "
            f"1,800, 2023); shares of purchases from: {bases}; of sales (top customer) from: {sales or 'none'}"
        )
    merged = sum(len(members) for members in report.grouped.values())
    if merged:
        groups = "; ".join(f"{head} ({', '.join(members)})" for head, members in report.grouped_labels.items())
        notes.append(
            f"grouped by owner: {quantity(merged, 'organization')} merged into the "
            f"{quantity(len(report.grouped), 'organization')} that control them: {groups}"
        )
    return notes


def engine_notes(report) -> list[str]:
    """Lines saying what the engine left out, and why (its columns are empty), and what else."""
    from ..reports import COLUMN_HEADERS

    by_reason: dict[str, list[str]] = {}
    for key, why in report.left_out.items():
        by_reason.setdefault(why, []).append(COLUMN_HEADERS.get(key, key))
    lines = []
    if by_reason:
        said = "; ".join(f"{' and '.join(headers)} ({why})" for why, headers in by_reason.items())
        lines.append(f"not computed on Spark, so empty: {said}; --engine local computes them")
    return lines + list(report.notes)


#: Lines a terminal keeps for the title, the header and the table's frame, and the prompt after.
SCREEN_MARGIN = 9


def _print_stats_table(report, columns: list[str], *, first_screen: bool = False) -> None:
    from ..reports import COLUMN_HEADERS
    from .render import distinguish_labels, fit_table, left_out_note

    with stdout.capture() as capture:  # what follows the table, to know how many rows fit above it
        _print_after_table(report)
    after = capture.get()
    rows = distinguish_labels([{**row, "rank": i} for i, row in enumerate(report.rows, 1)])
    hidden = 0
    if first_screen:  # the top of the ranking stays on screen; the rest is one option away
        fits = max(5, stdout.height - SCREEN_MARGIN - after.count("\n"))
        rows, hidden = rows[:fits], max(0, len(rows) - fits)
    title = f"{report.selection}: {report.nodes} nodes, {report.edges} supply edges"
    headers = ["#", *(COLUMN_HEADERS.get(c, c) for c in columns)]
    table, left_out = fit_table(rows, ["rank", *columns], headers, title, stdout.width)
    stdout.print(table)
    if hidden:
        stdout.print(f"[dim]{hidden:,} more rows: --top N shows N, --top 0 all, --format csv every row[/]")
    if left_out:
        stdout.print(left_out_note(left_out))
    stdout.file.write(after)


def _print_after_table(report) -> None:
    """The lines under the stats table: which edges counted, estimates, the chains' summaries."""
    from ..measures.kernels import SEED

    for note in network_notes(report):
        stdout.print(f"[dim]{note}[/]")
    exact = "; --exact for exact" if report.exact_on_request else ""
    if report.sampled:
        sampled = ", ".join(sorted(report.sampled))
        k = next(iter(report.sampled.values()))
        stdout.print(f"[dim]estimated from {k} sampled sources (seed {SEED}): {sampled}{exact}[/]")
    if report.estimated:
        stdout.print(f"[dim]estimated from {report.estimate_method}: {', '.join(report.estimated)}{exact}[/]")
    for note in engine_notes(report):
        stdout.print(f"[dim]{note}[/]")
    for cluster in report.clusters:
        _print_cluster(cluster)
    if report.single_sourced:
        stdout.print(
            f"\nsingle-sourced: {len(report.single_sourced)} client-stage pairs with one supplier"
            " (query single-sourced)"
        )


def _print_cluster(cluster) -> None:
    from rich.markup import escape

    from .render import cite

    local, region = cluster.local_sourcing, escape(cluster.region_label)
    stdout.print(f"\n[bold]{escape(cluster.label)}[/], region {region}")
    if local["known"]:
        stdout.print(
            f"  local sourcing: {local['local']} of {local['known']} located supplier relations"
            f" ({local['share']:.0%}) from inside {region}"
        )
    else:
        stdout.print("  local sourcing: no supplier into the region has a stated location")
    if local["unknown"]:
        more = local["unknown"]
        stdout.print(f"  {more} more supplier relation{'s' if more != 1 else ''} from firms with no stated location")
    for found in local.get("by_amount", []):
        if found["share"] is not None:
            stdout.print(
                f"  by {found['basis']} ({escape(found['unit'])}): {found['share']:.0%} local, over the "
                f"{found['relations']} of {local['known']} located relations that state one"
            )
    if cluster.claimed_share is not None:
        stdout.print(f"  claimed: {cluster.claimed_share:g}% local ({escape(cite(cluster.claim_source))})")
        stated = cluster.claim_volume_relations
        if not stated:
            stdout.print(
                "  (the claim measures material volume; no relation into the region states a volume, so the "
                "lines above count relations: give volumes in a sheet's volume and unit columns)"
            )
        elif stated < local["known"]:
            stdout.print(
                f"  (the claim measures material volume; volumes are stated for {stated} of the {local['known']} "
                "located relations, so neither line above measures it whole)"
            )
    covered = [s for s in cluster.stage_coverage if s["covered"]]
    missing = [escape(s["label"]) for s in cluster.stage_coverage if not s["covered"]]
    text = f"  stages with a local member: {len(covered)} of {len(cluster.stage_coverage)}"
    if missing:
        text += "; none at: " + ", ".join(missing)
    stdout.print(text)
