"""``chaingraph synth``: synthetic networks for scale tests."""

from __future__ import annotations

import click

from .app import cli, progress_bar, stderr
from .options import output_options, synthetic_request

__all__ = ["synth"]


@cli.command(short_help="Write a synthetic supply network for scale tests.")
@click.option(
    "--firms", type=int, required=True, help="Number of firms (10 to 10,000,000; as Parquet up to 1,000,000,000)."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same network.")
@click.option(
    "--dated", is_flag=True, help="Also give most edges a qualified relation with a period (for --as-of and diff)."
)
@click.option(
    "--quantities",
    is_flag=True,
    help="Also give every supply a value (heavy-tailed, in yuan) and the client's share of that stage's purchases.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nt", "parquet"]),
    default="nt",
    show_default=True,
    help="nt: one N-Triples file; parquet: a folder of relations and firms tables in the import layout.",
)
@click.option(
    "--part-firms",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="With --format parquet: firms per part; a run interrupted and started again keeps its parts.",
)
@output_options("File to write (.nt or .ttl), or with --format parquet a folder.", required=True)
@synthetic_request
def synth(network, fmt, part_firms, output, force) -> None:
    """Write a synthetic supply network for scale tests and benchmarks.

    Tiered stages (raw materials, components, assembly, distribution), heavy-tailed supplier
    degrees, firms clustered in the bundled graph's places, English and Chinese names. The file
    is streamed to disk: memory stays flat however many firms.

    \b
    Examples:
      chaingraph synth --firms 10000 -o synth-10k.nt
      chaingraph stats --no-bundled --data synth-10k.nt --top 10
      chaingraph view synthetic --data synth-10k.nt --region Ningde
      chaingraph synth --firms 10000 --dated -o dated-10k.nt
      chaingraph synth --firms 10000 --quantities -o priced-10k.nt
      chaingraph synth --firms 50000000 --format parquet -o national
      chaingraph stats --engine spark --no-bundled --relations national/relations.parquet --firms national/firms.parquet
    """
    from ..interchange.synth import synth as generate
    from ..interchange.synth import synth_tables

    with progress_bar("generating") as advance:
        if fmt == "parquet":
            summary = synth_tables(network, output, force=force, part_firms=part_firms, progress=advance)
            verb = "already complete, nothing written:" if summary.complete_before else "wrote"
            written = f"{output}/relations.parquet, {output}/firms.parquet: {summary.firms:,} firms, "
            stderr.print(f"{verb} {written}{summary.edges:,} supply edges, {summary.triples:,} relation rows")
            return
        summary = generate(network, output, force=force, progress=advance)
    stderr.print(f"wrote {output}: {summary.firms} firms, {summary.edges} supply edges, {summary.triples} triples")
