"""``chaingraph view``: interactive HTML views."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import LANGUAGES, LEVELS, VIEW_LAYOUTS
from .app import cli, status_line, stderr
from .options import (
    dating_options,
    drawing_request,
    evidence_option,
    graph_options,
    output_options,
    scope_request,
    shock_options,
    shock_request,
)

__all__ = ["default_view_name", "view"]


@cli.command(short_help="Write an interactive offline HTML view of a chain.")
@click.argument("chain", metavar="CHAIN")
@graph_options(tables=True)
@output_options(
    "HTML file to write [default: CHAIN.html].", force="Replace an existing file that chaingraph did not write."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the view in the system browser.")
@click.option(
    "--size-by",
    default="pagerank",
    show_default=True,
    metavar="MEASURE",
    help="Measure that sizes the nodes (any stats measure).",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="firm",
    show_default=True,
    help="firm: one node per firm or segment; stage: one node per chain stage.",
)
@click.option("--region", metavar="PLACE", help="Only nodes located in PLACE.")
@evidence_option
@dating_options
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of node labels and legend.",
)
@click.option(
    "--layout",
    type=click.Choice(list(VIEW_LAYOUTS)),
    default="auto",
    show_default=True,
    help="; ".join(f"{name}: {what}" for name, what in VIEW_LAYOUTS.items()) + ".",
)
@click.option("--places", is_flag=True, help="Start with places and located-in links shown (the page has a toggle).")
@click.option(
    "--remove",
    multiple=True,
    metavar="KIND:NAME",
    help="Draw a scenario, as impact --remove: removed firms crossed out, disrupted ones outlined by tier.",
)
@shock_options("--remove")
@click.option("--focus", metavar="FIRM", help="Draw only FIRM's neighbourhood (--hops tiers up and down).")
@click.option(
    "--hops", type=click.IntRange(min=1), default=1, show_default=True, help="Tiers up and down with --focus."
)
@scope_request()
@shock_request
@drawing_request
def view(source, scope, output, force, open_browser, drawing, remove, shock) -> None:
    """Write an interactive HTML view of chain CHAIN: one self-contained file that works offline.

    CHAIN is a chain id or name, or a region for all its chains: ningde, jinjiang, putian, or fujian
    for everything. Arrows point supplier -> client; colour shows the chain stage, shape the kind
    of node, size the chosen measure. Stages are columns in chain order, upstream on the left;
    an edge that runs against that order (a recycler supplying the cell maker) is drawn curved,
    in its own colour. Places and their dashed located-in links start hidden: the
    page's toggle shows them, or --places starts with them shown. A click on a node traces its
    whole supply chain, upstream and downstream; Escape clears it. In views up to 800 nodes a
    node's details say what its own loss would disrupt, tier by tier; --remove draws a scenario
    (by the rule of impact --remove: --threshold and --direction; firms that lost their sales to
    a demand shock are outlined dotted) and --focus a firm's neighbourhood.

    \b
    Examples:
      chaingraph view ningde
      chaingraph view jinjiang --lang zh -o jinjiang-zh.html
      chaingraph view fujian --level stage --layout hierarchical
      chaingraph view ningde --places
      chaingraph view ningde --layout physics
      chaingraph view ningde --remove stage:separators -o ningde-separators.html
      chaingraph view ningde --remove firm:CATL --direction upstream --threshold 0.4 -o catl-demand.html
      chaingraph view ningde --focus CATL --hops 1 -o catl.html
    """
    from .._runtime.fileio import atomic_write, check_target
    from ..views import view as build
    from ..views.page import is_chaingraph_view

    target_path = output or Path(default_view_name(scope.chain))
    may_replace = check_target(target_path, force=force, ours=is_chaingraph_view)
    with status_line("building view") as update:
        html = build(
            source,
            scope,
            drawing,
            remove=remove,
            shock=shock,
            progress=lambda step: update(f"building view: {step}"),
        )
    atomic_write(target_path, html, may_replace=may_replace)
    # Replacing an earlier view is allowed without --force, so it is never silent.
    replaced = " (replacing the view that was there; -o NAME keeps both)" if may_replace else ""
    stderr.print(f"wrote {target_path}{replaced}")
    if open_browser:
        import webbrowser

        webbrowser.open(target_path.resolve().as_uri())


def default_view_name(target: str) -> str:
    """``C.html`` with C reduced to a safe file name: no folders, no leading dots."""
    from .._runtime.fileio import safe_stem

    return f"{safe_stem(target)}.html"
