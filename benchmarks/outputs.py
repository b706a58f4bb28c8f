"""Every command's output, written to a folder, and two such folders compared byte for byte: the
check that a refactoring (issue 45) or a new engine inside a command (issue 47) changes no
answer.

    python benchmarks/outputs.py write before/                      # the bundled graph, a sheet, a store, 3,000 firms
    python benchmarks/outputs.py write before/ --firms 3000 100000  # ... and 100k firms from a store
    python benchmarks/outputs.py write before/ --spark              # ... and Spark's local mode on the sheet
    git switch my-branch && pip install -e . && python benchmarks/outputs.py write after/ [the same options]
    python benchmarks/outputs.py compare before/ after/             # exit 1 and the differing files, if any

Each output is a file named after its network and command; its exit code and standard error are
kept beside it, so a command that fails the same way still compares equal and one that starts to
fail does not. The networks: the bundled graph (embedded), the same loaded into a ``--store``, the
README's sheets joined to it (``--relations``, ``--firms``), and synthetic networks (dated, with
quantities) loaded into a store.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
PY = sys.executable

#: The commands run on every network: a name for the output, the arguments (``{chain}``,
#: ``{region}`` and ``{firm}`` the network's own), and whether the command writes a file (``-o``) or stdout.
COMMANDS: list[tuple[str, list[str], bool]] = [
    ("stats.json", ["stats", "--format", "json"], False),
    ("stats-top.csv", ["stats", "--top", "20", "--format", "csv"], False),
    ("stats.txt", ["stats", "--top", "10", "--format", "table"], False),
    ("stats-chain.json", ["stats", "--chain", "{chain}", "--format", "json"], False),
    ("impact-region.json", ["impact", "--remove", "region:{region}", "--format", "json"], False),
    ("impact-demand.json", ["impact", "--remove", "region:{region}", "--direction", "upstream",
                            "--threshold", "0.5", "--partial", "0.1", "--format", "json"], False),
    ("impact-by-stage.json", ["impact", "--all", "--by", "stage", "--top", "5", "--format", "json"], False),
    ("gaps.json", ["gaps", "--chain", "{chain}", "--region", "{region}", "--format", "json"], False),
    ("diff.json", ["diff", "--from", "2021", "--to", "2025", "--format", "json"], False),
    ("single-sourced.json", ["query", "single-sourced", "--hhi-above", "2500", "--format", "json"], False),
    ("brief.html", ["brief", "--chain", "{chain}", "--region", "{region}"], True),
    ("brief-zh.html", ["brief", "--chain", "{chain}", "--region", "{region}", "--lang", "zh"], True),
    ("view.html", ["view", "{chain}"], True),
    ("view-stage-zh.html", ["view", "{chain}", "--level", "stage", "--lang", "zh", "--layout", "hierarchical"], True),
    ("view-scenario.html", ["view", "{chain}", "--remove", "region:{region}", "--direction", "upstream",
                            "--threshold", "0.5", "--as-of", "2023", "--size-by", "betweenness"], True),
    ("view-focus.html", ["view", "{chain}", "--focus", "{firm}", "--hops", "2", "--places"], True),
]  # fmt: skip

#: The firm a synthetic network's focus view is about (synth names its firms by number).
_SYNTH_FIRM = "Synthetic Firm 0000001"


def chaingraph(*args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "chaingraph", *args], capture_output=True, text=True, timeout=timeout)


def write(folder: Path, firms: list[int], spark: bool) -> None:
    """Every command of :data:`COMMANDS` on every network, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chaingraph-outputs-") as scratch:
        work = Path(scratch)
        store, nothing = work / "bundled.store", work / "nothing.ttl"
        nothing.write_text("", encoding="utf-8")  # load needs a file; the bundled graph comes with it
        _check(chaingraph("load", str(nothing), "--store", str(store)))
        sheets = ["--relations", str(EXAMPLES / "suppliers.csv"), "--firms", str(EXAMPLES / "firms.csv")]
        networks: list[tuple[str, list[str], str, str, str]] = [
            ("bundled", [], "ningde", "Ningde", "CATL"),
            ("store", ["--store", str(store)], "ningde", "Ningde", "CATL"),
            ("sheet", sheets, "ningde", "Ningde", "CATL"),
        ]
        for size in firms:
            data = work / f"synth-{size}.nt"
            _check(chaingraph("synth", "--firms", str(size), "--dated", "--quantities", "-o", str(data)))
            synthetic = work / f"synth-{size}.store"
            # With the bundled graph: the synthetic firms lie in its places, which it names.
            _check(chaingraph("load", str(data), "--store", str(synthetic)))
            networks.append((f"synth-{size}", ["--store", str(synthetic)], "synthetic", "Ningde", _SYNTH_FIRM))
        for network, args, chain, region, firm in networks:
            for name, command, to_file in COMMANDS:
                filled = [part.format(chain=chain, region=region, firm=firm) for part in command]
                _run(folder / f"{network}--{name}", [*filled, *args], to_file)
        if spark:
            spark_stats = ["stats", "--engine", "spark", *sheets, "--format", "json"]
            spark_impact = ["impact", "--engine", "spark", "--remove", "region:Ningde", *sheets, "--format", "json"]
            _run(folder / "spark-sheet--stats.json", spark_stats, False)
            _run(folder / "spark-sheet--impact-region.json", spark_impact, False)


def _run(target: Path, args: list[str], to_file: bool) -> None:
    if to_file:
        done = chaingraph(*args, "-o", str(target), "--force")
    else:
        done = chaingraph(*args)
        target.write_text(done.stdout, encoding="utf-8")
    status = f"exit {done.returncode}\n{done.stderr if done.returncode else ''}"
    target.with_name(target.name + ".status").write_text(status, encoding="utf-8")
    print(f"{target.name}: exit {done.returncode}", file=sys.stderr)


def _check(done: subprocess.CompletedProcess) -> None:
    if done.returncode:
        raise SystemExit(f"a setup step failed: {done.stderr.strip()}")


def compare(before: Path, after: Path) -> list[str]:
    """The outputs that differ between ``before`` and ``after`` (or are in one only)."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = []
    for name in names:
        one, other = before / name, after / name
        if not (one.exists() and other.exists()) or not filecmp.cmp(one, other, shallow=False):
            differ.append(name)
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True)
    writing = verbs.add_parser("write", help="Write every output into FOLDER.")
    writing.add_argument("folder", type=Path)
    writing.add_argument("--firms", type=int, nargs="*", default=[3000], help="Synthetic sizes [3000].")
    writing.add_argument("--spark", action="store_true", help="Also Spark's local mode on the sheet.")
    comparing = verbs.add_parser("compare", help="Compare two folders of outputs.")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    options = parser.parse_args()
    if options.verb == "write":
        write(options.folder, options.firms, options.spark)
        return
    differ = compare(options.before, options.after)
    for name in differ:
        digest = [hashlib.sha256(p.read_bytes()).hexdigest()[:12] if p.exists() else "missing"
                  for p in (options.before / name, options.after / name)]  # fmt: skip
        print(f"differs: {name} ({digest[0]} -> {digest[1]})")
    total = len(list(options.before.iterdir()))
    print(f"{total - len(differ)} of {total} outputs byte-identical")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
