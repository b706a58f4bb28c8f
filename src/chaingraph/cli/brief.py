"""``chaingraph brief``: one printable page of a chain in a region."""

from __future__ import annotations

from pathlib import Path

import click

from ..settings import LANGUAGES
from .app import cli, status_line, stderr
from .options import dating_options, evidence_option, graph_options, output_options, scope_request

__all__ = ["brief"]


@cli.command(short_help="Write a printable brief of a chain in a region (HTML or PDF).")
@click.option("--chain", required=True, metavar="CHAIN", help="The chain: an id or a name (ningde, jinjiang).")
@click.option("--region", metavar="PLACE", help="The region [default: the chain's own].")
@graph_options(tables=True)
@output_options(
    "HTML or PDF file to write [default: CHAIN-brief.html]; .pdf prints through headless Chromium.",
    force="Replace an existing file that chaingraph did not write.",
)
@evidence_option
@dating_options
@click.option("--since", metavar="DATE", help="Also what changed from DATE to --as-of (or today).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Language of the brief.")
@scope_request("chain", "evidence", "dating")
def brief(source, scope, region, output, force, since, lang) -> None:
    """Write the brief of CHAIN in a region: one self-contained page, laid out for print.

    The chain at a glance (its stages, the region's members and the firms elsewhere), what the
    sources state beside what the data measures, the chain leaders (链主) and the firms the chain
    depends on, the gaps and whom to attract (补链, 强链, 延链), the risks (concentrated purchases,
    the regions, stages and groups whose loss disrupts most), what changed since --since, and every
    source, numbered. Every number is the one a chaingraph command gives.

    \b
    Examples:
      chaingraph brief --chain ningde
      chaingraph brief --chain ningde --region Ningde --since 2021 --lang zh -o ningde-zh.html
      chaingraph brief --chain jinjiang-integrated-circuit -o jinjiang.pdf
    """
    from .._runtime.fileio import atomic_write, check_target, safe_stem
    from ..reports.briefing import brief as gather
    from ..views.brief import print_pdf, render_brief
    from ..views.page import is_chaingraph_view

    target = output or Path(f"{safe_stem(scope.chain)}-brief.html")
    pdf = target.suffix.lower() == ".pdf"
    may_replace = check_target(target, force=force, ours=None if pdf else is_chaingraph_view)
    with status_line("gathering the brief"):
        found = gather(source, scope, region=region, since=since, lang=lang)
        html = render_brief(found)
        written: str | bytes = print_pdf(html) if pdf else html
    atomic_write(target, written, may_replace=may_replace)
    stderr.print(f"wrote {target}")
