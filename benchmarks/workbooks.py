"""A workbook against the same rows as CSV (issue 43): ``stats --relations`` on a 100k-row ``.xlsx``
within 1.5x of the same data as CSV. Both are written here from synth's tables (the workbook by
openpyxl's write-only mode, a sheet per role with title rows above the header, as published lists
have); each step is its own process (wall seconds, peak RSS from the kernel), both in one run, alone:

    python benchmarks/workbooks.py --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import chaingraph, ratio_row, run_step


def write_sheets(rows: int, folder: Path) -> list[tuple[str, list[str]]]:
    """chaingraph's synthetic network of about ``rows`` relations (synth's tables, 3.57 relations a
    firm), its relations and firms sheets written as CSV and as one workbook of two sheets; the
    table options of each, for ``stats``."""
    import subprocess

    import openpyxl
    import pyarrow.parquet as pq

    tables = folder / "synth"
    subprocess.run(
        chaingraph("synth", "--firms", str(max(rows * 100 // 357, 10)), "--format", "parquet", "-o", str(tables)),
        check=True,
    )
    book = openpyxl.Workbook(write_only=True)
    options: dict[str, list[str]] = {"csv": [], "xlsx": []}
    workbook = folder / f"synth-{rows}.xlsx"
    for role in ("relations", "firms"):
        table = pq.read_table(tables / f"{role}.parquet")
        names, columns = table.column_names, [column.to_pylist() for column in table.columns]
        sheet = folder / f"{role}-{rows}.csv"
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(names)
            writer.writerows(zip(*columns, strict=True))
        page = book.create_sheet(role)
        page.append([f"The synthetic network's {role}, as a published list lays it out"])
        page.append([])
        page.append(names)
        for record in zip(*columns, strict=True):
            page.append(list(record))
        options["csv"] += [f"--{role}", str(sheet)]
        options["xlsx"] += [f"--{role}", str(workbook)]
    book.save(workbook)
    return [("stats --relations rel.csv --firms firms.csv", options["csv"]), ("the same as one .xlsx", options["xlsx"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--timeout", type=float, default=1800)
    arguments = parser.parse_args()
    print("| rows | step | seconds | peak MB | ratio to CSV |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="chaingraph-workbooks-") as work:
        for rows in arguments.rows:
            base = None
            for name, options in write_sheets(rows, Path(work)):
                command = chaingraph("stats", "--no-bundled", *options, "--format", "csv")
                row, base = ratio_row(f"{rows:,}", name, run_step(command, arguments.timeout), base)
                print(row)


if __name__ == "__main__":
    main()
