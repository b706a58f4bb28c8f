"""Name resolution at scale (issue 42): ``chaingraph resolve`` and ``stats --relations`` with sheets
whose firms are spelled several ways, side by side with the same network spelled one way.

Writes, for each size N (distinct firms), two relation sheets of N rows each (a "registry" and a
"press" sheet) naming the same firms: in the registry as ``Firm NNNNNNN Co., Ltd.``, in the press
as one of ``FIRM NNNNNNN Company Limited``, ``Firm NNNNNNN (00NNNN.SZ)``, full-width
``Ｆｉｒｍ NNNNNNN`` or ``Firm NNNNNNN Ltd``; and the same rows with the registry spelling only.
Each step is its own process (wall seconds, peak RSS from the kernel), run alone:

    python benchmarks/names.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import chaingraph, run_step

VARIANTS = (
    lambda n: f"FIRM {n:07d} Company Limited",
    lambda n: f"Firm {n:07d} ({n % 1000000:06d}.SZ)",
    lambda n: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in "Firm") + f" {n:07d}",
    lambda n: f"Firm {n:07d} Ltd",
)


def write_sheets(size: int, folder: Path, seed: int = 1) -> tuple[Path, Path, Path]:
    draw = random.Random(seed)
    registry, press, plain = folder / f"registry-{size}.csv", folder / f"press-{size}.csv", folder / f"plain-{size}.csv"
    edges = [(draw.randrange(size), draw.randrange(size)) for _ in range(size)]
    with registry.open("w", encoding="utf-8") as out, plain.open("w", encoding="utf-8") as flat:
        out.write("supplier,client\n")
        flat.write("supplier,client\n")
        for a, b in edges:
            out.write(f'"Firm {a:07d} Co., Ltd.","Firm {b:07d} Co., Ltd."\n')
            flat.write(f'"Firm {a:07d} Co., Ltd.","Firm {b:07d} Co., Ltd."\n')
    with press.open("w", encoding="utf-8") as out:
        out.write("supplier,client\n")
        for a, b in edges:
            out.write(f'"{draw.choice(VARIANTS)(a)}","{draw.choice(VARIANTS)(b)}"\n')
    with plain.open("a", encoding="utf-8") as flat:
        for a, b in edges:
            flat.write(f'"Firm {a:07d} Co., Ltd.","Firm {b:07d} Co., Ltd."\n')
    return registry, press, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--timeout", type=float, default=1800)
    arguments = parser.parse_args()
    print("| firms | names | step | seconds | peak MB |")
    print("| ---: | ---: | --- | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="chaingraph-names-") as work:
        folder = Path(work)
        for size in arguments.sizes:
            registry, press, plain = write_sheets(size, folder)
            sheets = ["--no-bundled", "--relations", str(registry), "--relations", str(press)]
            steps = {
                "resolve --format json": chaingraph("resolve", *sheets, "--format", "json"),
                "stats --relations (two spellings, resolved)": chaingraph("stats", *sheets, "--format", "csv"),
                "stats --relations (one spelling)": chaingraph(
                    "stats", "--no-bundled", "--relations", str(plain), "--format", "csv"
                ),
            }
            for name, command in steps.items():
                result = run_step(command, arguments.timeout)
                if result.get("wall") is None or result.get("code"):
                    why = result.get("error") or result["stderr"][-200:]
                    print(f"| {size:,} | {2 * size:,} rows | {name} | failed: {why} | |")
                    continue
                print(f"| {size:,} | {2 * size:,} rows | {name} | {result['wall']:.1f} | {result['rss']:.0f} |")


if __name__ == "__main__":
    main()
