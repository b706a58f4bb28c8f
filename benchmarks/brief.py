"""The chain brief (issue 46): the bundled Ningde and Jinjiang briefs, and a brief of a synthetic
network loaded into a store, each step its own process (wall seconds, peak RSS from the kernel),
alone:

    python benchmarks/brief.py --firms 100000

Targets: the bundled Ningde and Jinjiang briefs <= 3 s each; a brief of a 100k-firm network from
a ``--store`` <= 30 s. ``--parts`` also times each verb the brief gathers, in one process on the
projection read once, to say where the time goes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PY, chaingraph, ratio_row, run_step

PARTS = """
import sys, time
from chaingraph.store import open_store
from chaingraph.projection.source import network_source
from chaingraph import Scope, gaps, stats
from chaingraph.reports import concentrated
from chaingraph.reports.rankings import rank_removals
from chaingraph.reports.scenarios import scenario
source = network_source(open_store(disk_store=sys.argv[1]))
source.projection()
chain = sys.argv[2]
region = source.projection().meta["chains"][chain]["region"]
asked = Scope(chain=chain)
for name, run in [("gaps", lambda: gaps(source, asked, region=region)),
                  ("stats", lambda: stats(source, asked, sort="dependence")),
                  ("concentrated purchases", lambda: concentrated(source, asked, hhi_above=2500)),
                  *((f"impact --all --by {by}", lambda by=by: rank_removals(source, by, asked, top=3))
                    for by in ("region", "stage", "owner")),
                  ("the leader's demand shock", lambda: scenario(
                      source, [gaps(source, asked, region=region).leaders[0]["id"]], asked, direction="upstream",
                      threshold=0.5, partial=0.1))]:
    started = time.perf_counter(); run(); print(f"| {name} | {time.perf_counter() - started:.1f} |")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--parts", action="store_true", help="also time each verb the brief gathers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chaingraph-brief-bench-") as folder:
        work = Path(folder)
        print("| network | step | wall s | peak MB | ratio |\n| --- | --- | ---: | ---: | ---: |")
        for chain in ("ningde", "jinjiang-integrated-circuit"):
            result = run_step(chaingraph("brief", "--chain", chain, "-o", str(work / f"{chain}.html")), 120)
            print(ratio_row("bundled", f"brief --chain {chain}", result, None)[0])
        network, store = work / "synth.nt", work / "synth.store"
        run_step(chaingraph("synth", "--firms", str(args.firms), "-o", str(network)), 3600)
        run_step(chaingraph("load", str(network), "--store", str(store)), 3600)
        brief = chaingraph("brief", "--chain", "synthetic", "--store", str(store), "-o", str(work / "s.html"))
        result = run_step(brief, 3600)
        print(ratio_row(f"{args.firms:,} firms", "brief --chain synthetic --store", result, None)[0])
        if args.parts:
            chain = "https://w3id.org/chaingraph/synthetic/chain/synthetic"
            print("\n| part | s |\n| --- | ---: |")
            print(run_step([PY, "-c", PARTS, str(store), chain], 3600).get("stdout", ""))


if __name__ == "__main__":
    main()
