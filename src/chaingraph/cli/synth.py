"""``chaingraph synth``: synthetic networks for scale tests."""

from __future__ import annotations

import click

from .app import cli, output_options, progress_bar, stderr

__all__ = ["synth"]


@cli.command(short_help="Write a synthetic supply network for scale tests.")
@click.option("--firms", type=int, required=True, help="Number of firms (10 to 10,000,000).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same network.")
@click.option(
    "--dated", is_flag=True, help="Also give most edges a qualified relation with a period (for --as-of and diff)."
)
@output_options("File to write (.nt or .ttl).", required=True)
def synth(firms, seed, dated, output, force) -> None:
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
    """
    from ..interchange.synth import synth as generate

    with progress_bar("generating") as advance:
        summary = generate(firms, seed, output, force=force, dated=dated, progress=advance)
    stderr.print(f"wrote {output}: {summary.firms} firms, {summary.edges} supply edges, {summary.triples} triples")
