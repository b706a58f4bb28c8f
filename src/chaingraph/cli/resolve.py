"""``chaingraph resolve``: how the sheets' names resolved to firms, and the pairs left to the user."""

from __future__ import annotations

import click

from .app import cli, emit, render_json, stderr, stdout
from .options import format_option, graph_options, output_options

__all__ = ["resolve"]

NAME_HEADERS = {"name": "name", "entity": "firm", "how": "how"}
CANDIDATE_HEADERS = {"a_name": "name", "b_name": "may be", "score": "score", "why": "why", "a": "a", "b": "b"}
#: The review sheet: the candidates with an empty decision column (same / different).
REVIEW_COLUMNS = ["a", "a_name", "b", "b_name", "score", "why", "decision"]


@cli.command(short_help="How the sheets' names resolved to firms; pairs that may be one firm.")
@graph_options(tables=True)
@click.option("--graph-names", is_flag=True, help="List the graph's organizations' own names too.")
@output_options("Write the candidate pairs as a review sheet (CSV) with an empty decision column.")
@format_option()
def resolve(source, graph_names, output, force, fmt) -> None:
    """Every distinct name of the --relations and --firms sheets as written, the firm (IRI) it
    resolved to and how: graph (a label of the graph), sheet (a name of the firms sheet),
    normalised (the same name but for width, case, punctuation, a stock code, a trade name in
    brackets or a legal form of the same family), same-as (your --same-as decision), new; then the
    pairs of firms that may be one
    (scored 0 to 1, with the reason), which are never merged without you.

    \b
    Examples:
      chaingraph resolve --relations registry.csv --relations press.csv
      chaingraph resolve --relations registry.csv --format json
      chaingraph resolve --relations registry.csv -o review.csv
    """
    from .._runtime.fileio import atomic_write, check_target
    from ..interchange.tabular import to_csv
    from ..reports.resolution import resolve as compute
    from .render import TableLook, render

    may_replace = check_target(output, force=force) if output is not None else False
    report = compute(source, graph_names=graph_names)
    data = report.as_json()
    if output is not None:
        rows = [{**candidate, "decision": ""} for candidate in data["candidates"]]
        atomic_write(output, to_csv(rows, REVIEW_COLUMNS), may_replace=may_replace)
        stderr.print(f"wrote {output}: {len(rows):,} pairs to decide (same or different)")
    if fmt == "json":
        emit(render_json(data))
        return
    if fmt != "table":
        emit(render(data["names"], list(NAME_HEADERS), fmt))
        return
    tables = [(data["names"], NAME_HEADERS, "Names and the firms they resolved to")]
    if data["candidates"]:
        tables.append((data["candidates"], CANDIDATE_HEADERS, "May be one firm (not merged)"))
    for rows, headers, title in tables:
        look = TableLook(headers=list(headers.values()), title=title)
        render(rows, list(headers), "table", look=look, console=stdout.console)
    if not data["candidates"]:
        stdout.print("May be one firm: none")
