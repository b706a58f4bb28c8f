"""A workbook against the same rows as CSV (issue 43): ``stats --relations`` on a 100k-row ``.xlsx``
within 1.5x of the same data as CSV. Both files are written here (the workbook by openpyxl's
write-only mode, with two title rows above the header as published lists have); each step is its
own process (wall seconds, peak RSS from the kernel), both in one run, alone:

    python benchmarks/workbooks.py --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import chaingraph, run_step

HEADER = ["supplier", "client", "supplies", "start", "source"]


def write_sheets(rows: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    import openpyxl

    draw = random.Random(seed)
    firms = max(rows // 3, 10)
    records = [
        [
            f"Firm {draw.randrange(firms):07d}",
            f"Firm {draw.randrange(firms):07d}",
            draw.choice(["cells", "cathode", "electrolyte", "separators"]),
            str(2015 + draw.randrange(10)),
            f"https://example.org/list#{index}",
        ]
        for index in range(rows)
    ]
    sheet = folder / f"relations-{rows}.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(records)
    book = openpyxl.Workbook(write_only=True)
    page = book.create_sheet("Suppliers")
    page.append(["A supplier list, as published"])
    page.append(["Compiled from the members' reports."])
    page.append(HEADER)
    for record in records:
        page.append(record)
    workbook = folder / f"relations-{rows}.xlsx"
    book.save(workbook)
    return sheet, workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--timeout", type=float, default=1800)
    arguments = parser.parse_args()
    print("| rows | step | seconds | peak MB | ratio to CSV |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="chaingraph-workbooks-") as work:
        for rows in arguments.rows:
            sheet, workbook = write_sheets(rows, Path(work))
            base = None
            for name, path in (("stats --relations rel.csv", sheet), ("stats --relations rel.xlsx", workbook)):
                result = run_step(chaingraph("stats", "--relations", str(path), "--format", "csv"), arguments.timeout)
                if result.get("wall") is None or result.get("code"):
                    why = result.get("error") or result["stderr"][-200:]
                    print(f"| {rows:,} | {name} | failed: {why} | | |")
                    continue
                base = base or result["wall"]
                print(
                    f"| {rows:,} | {name} | {result['wall']:.1f} | {result['rss']:.0f} | {result['wall'] / base:.2f}x |"
                )


if __name__ == "__main__":
    main()
