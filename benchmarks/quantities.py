"""Quantities on every relation (issue 44): the cost of reading them, and of the scenarios that
read shares. Two networks side by side in one run: ``synth --quantities`` (every edge a qualified relation with a
value and the client's share) and the same file with the quantity values' lines left out (the same
relations, no quantities), each loaded into a store; then, each step its own process (wall seconds,
peak RSS from the kernel), alone:

    python benchmarks/quantities.py --firms 100000

Targets: ``stats --store`` with quantities within 1.2x of the same network without; one weighted
or upstream scenario <= 5 s; ``impact --all --by region --direction both`` <= 60 s. The scenario's
command is mostly reading the store's projection; the cascade alone is timed in-process too
(``cascade only``), on the projection read once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import chaingraph, ratio_row, run_step

#: What the N-Triples lines of quantities contain (synth writes no other line with these).
QUANTITY_MARKS = ("#tradeValue>", "#clientShare>", "qudt.org/schema/qudt/")

CASCADE_ONLY = """
import sys, time
import numpy as np
from chaingraph.store import open_store
from chaingraph.projection.read import project_columns
from chaingraph.measures.compiled import AnalysisGraph
from chaingraph.measures.cascade import compiled_cascade
table = project_columns(open_store(disk_store=sys.argv[1]))
graph = AnalysisGraph(table)
stage = [i for i, s in enumerate(table.columns["stage"]) if s.endswith("assembly")]
removed = np.zeros(len(table), dtype=bool)
removed[stage[: max(1, len(stage) // 20)]] = True  # a twentieth of the assembly firms stop
for direction, threshold in (("downstream", 1.0), ("downstream", 0.5), ("upstream", 0.5), ("both", 0.5)):
    began = time.perf_counter()
    found = compiled_cascade(graph, removed, threshold=threshold, direction=direction)
    print(f"{direction} {threshold}: {time.perf_counter() - began:.2f} s, {len(found.disrupted):,} disrupted")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=1800)
    arguments = parser.parse_args()
    firms = arguments.firms
    print("| network | step | seconds | peak MB | ratio to without |")
    print("| --- | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="chaingraph-quantities-") as work:
        folder = Path(work)
        stores = {}
        priced, plain = folder / "with.nt", folder / "without.nt"
        run_step(chaingraph("synth", "--firms", str(firms), "--quantities", "-o", str(priced)), arguments.timeout)
        with priced.open(encoding="utf-8") as lines, plain.open("w", encoding="utf-8") as out:
            # the same relations, their quantity values left out
            out.writelines(line for line in lines if not any(mark in line for mark in QUANTITY_MARKS))
        for name, data in (("without quantities", plain), ("with quantities", priced)):
            stores[name] = folder / f"{name.split()[0]}-store"
            loaded = run_step(
                chaingraph("load", "--no-bundled", str(data), "--store", str(stores[name])), arguments.timeout
            )
            print(f"| {name} | load --store | {loaded['wall']:.1f} | {loaded['rss']:.0f} | |")
        steps = [
            ("stats --store", ["stats", "--format", "csv"]),
            ("impact --remove stage:assembly --threshold 0.5", ["impact", "--remove", "stage:assembly",
                                                                "--threshold", "0.5", "--format", "csv"]),
            ("impact --remove stage:assembly --direction upstream --threshold 0.5",
             ["impact", "--remove", "stage:assembly", "--direction", "upstream", "--threshold", "0.5",
              "--format", "csv"]),
            ("impact --all --by region --direction both --threshold 0.5",
             ["impact", "--all", "--by", "region", "--direction", "both", "--threshold", "0.5", "--format", "csv"]),
        ]  # fmt: skip
        for step, command in steps:
            base = None
            for name, store in stores.items():
                result = run_step(chaingraph(*command, "--store", str(store)), arguments.timeout)
                row, base = ratio_row(name, step, result, base)
                print(row)
        only = run_step([sys.executable, "-c", CASCADE_ONLY, str(stores["with quantities"])], arguments.timeout)
        for line in only.get("stdout", "").splitlines():
            print(f"| with quantities | cascade only, {line} | | | |")


if __name__ == "__main__":
    main()
