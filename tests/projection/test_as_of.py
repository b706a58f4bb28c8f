"""Supply networks change (issue 31): ``--as-of DATE`` keeps the edges in force on a date.

The expected edge sets come from the press relations' periods as the dataset gives them (the
``period`` column of shared/sources/public-relations.csv, written out below), read by this test's
own rule with :mod:`datetime`: never from chaingraph's code.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from chaingraph.projection.read import project_columns
from chaingraph.projection.selection import Selection, select_columns
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, run_process

FJ = "https://w3id.org/chaingraph/fujian/"

#: Each dated press relation: supplier, client and its periods as (first day, last day), from the
#: period text (a year covers the year, a month the month; "end 2025" the year 2025; "2 years from
#: 2025-01-09" ends in January 2027, its month).
PERIODS = {
    ("ronbay", "catl"): [("2026-01-01", "2031-12-31")],  # 2026-2031
    ("shenghua", "catl"): [("2025-01-01", "2029-12-31")],  # 2025-2029
    ("lopal", "catl"): [("2025-01-01", "2031-12-31")],  # 2025-2031
    ("yuneng", "catl"): [("2022-01-01", "2022-06-30")],  # H1 2022
    ("hsc", "catl"): [("2021-01-01", "2021-12-31")],  # 2021
    ("wanrun", "catl"): [("2022-01-01", "2022-12-31")],  # 2022
    ("defu", "catl"): [("2022-01-01", "2022-12-31")],
    ("sbt-ultrasonic", "catl"): [("2022-01-01", "2022-12-31")],
    ("tinci", "catl"): [("2024-06-01", "2025-12-31")],  # Jun 2024 - end 2025
    ("kaixin", "catl"): [("2021-05-01", "2022-06-30")],  # May 2021 - Jun 2022
    ("yongtai", "catl"): [("2025-01-09", "2027-01-31")],  # 2 years from 2025-01-09
    ("semcorp", "catl"): [("2021-01-01", "2021-12-31")],  # 2021
    ("senior", "catl"): [("2024-01-01", "2024-12-31")],  # 2024
    ("catl", "tesla"): [("2020-07-01", "2022-06-30"), ("2022-01-01", "2025-12-31")],  # two periods
    ("catl", "nio"): [("2021-01-01", "2021-12-31")],  # 2021
}


def days(asked: str) -> tuple[dt.date, dt.date]:
    """The first and last day a year, month or day covers."""
    parts = [int(p) for p in asked.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        following = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def dated_in_force(asked: str) -> set[tuple[str, str]]:
    first, last = days(asked)
    return {
        (FJ + a, FJ + b)
        for (a, b), spans in PERIODS.items()
        if any(dt.date.fromisoformat(s) <= last and dt.date.fromisoformat(e) >= first for s, e in spans)
    }


def edges(projection) -> set[tuple[str, str]]:
    nodes = projection.nodes
    return {
        (nodes[a], nodes[b]) for a, b in zip(projection.suppliers.tolist(), projection.clients.tolist(), strict=True)
    }


@pytest.fixture(scope="module")
def bundled():
    return project_columns(open_store())


@pytest.mark.parametrize("asked", ["2021", "2022", "2022-06-30", "2022-07", "2024", "2025", "2026", "2030", "2019"])
def test_as_of_keeps_the_relations_in_force_and_the_undated(bundled, asked):
    everything = edges(bundled)
    dated = {pair for pair in everything if pair in {(FJ + a, FJ + b) for a, b in PERIODS}}
    undated = everything - dated
    kept = edges(select_columns(bundled, Selection(as_of=asked)))
    assert kept == dated_in_force(asked) | undated
    without_undated = edges(select_columns(bundled, Selection(as_of=asked, undated="exclude")))
    assert without_undated == dated_in_force(asked)


def test_2021_and_2025_differ_where_the_press_relations_say(bundled):
    in_2021, in_2025 = dated_in_force("2021"), dated_in_force("2025")
    # by hand from the periods: 2021 has HSC, Kaixin, SEMCORP -> CATL and CATL -> Tesla, NIO;
    # 2025 has Shenghua, Lopal, Tinci, Yongtai -> CATL and CATL -> Tesla
    assert {a for a, _ in in_2021} == {FJ + f for f in ("hsc", "kaixin", "semcorp", "catl")}
    assert {b for _, b in in_2021 if b != FJ + "catl"} == {FJ + "tesla", FJ + "nio"}
    assert {a for a, _ in in_2025} == {FJ + f for f in ("shenghua", "lopal", "tinci", "yongtai", "catl")}
    assert in_2021 & in_2025 == {(FJ + "catl", FJ + "tesla")}
    # the undated relations are in both: Brunp's supply (its date is the ownership's), Skeqi's and
    # Hifen's press rows (their year is when the page was read), and every article relation
    for firm in ("brunp", "skeqi", "hifen"):
        pair = (FJ + firm, FJ + "catl")
        assert pair in edges(select_columns(bundled, Selection(as_of="2021")))
        assert pair not in edges(select_columns(bundled, Selection(as_of="2021", undated="exclude")))


def test_the_summary_counts_in_force_and_undated_apart():
    result = run_process("stats", "--chain", "ningde", "--as-of", "2021", "--format", "json")
    assert result.returncode == 0, result.stderr
    counted = run_process("stats", "--chain", "ningde", "--format", "json")
    everything = len(json.loads(counted.stdout))
    assert len(json.loads(result.stdout)) == everything  # firms stay; only their edges change
    line = next(line for line in result.stderr.splitlines() if "in force on 2021" in line)
    total, in_force, undated = (
        int(n) for n in re.fullmatch(r"(\d+) edges: (\d+) in force on 2021, (\d+) undated", line).groups()
    )
    assert in_force == len(dated_in_force("2021"))
    assert total == in_force + undated


def test_a_date_that_is_not_one_is_refused():
    assert_clean_failure(run_process("stats", "--as-of", "2021-13"), "--as-of '2021-13'", "month")
    assert_clean_failure(run_process("impact", "CATL", "--as-of", "2021-02-30"), "--as-of", "no such day")
    assert_clean_failure(
        run_process("gaps", "--chain", "ningde", "--region", "Ningde", "--as-of", "last year"), "--as-of"
    )


def test_a_sheets_start_and_end_columns_date_its_relations(tmp_path):
    sheet = tmp_path / "dated.csv"
    sheet.write_text(
        "supplier,client,start,end\n"
        "Acme Cells,CATL,2020,2021-06\n"  # until June 2021
        "Beta Foil,CATL,2022-03-15,\n"  # since 15 March 2022, still in force
        "Gamma,CATL,,\n",  # undated
        encoding="utf-8",
    )
    imported = tmp_path / "dated.nt"
    assert run_process("import", "--relations", str(sheet), "-o", str(imported)).returncode == 0
    for asked, expected in (("2021-07", set()), ("2021-06", {"Acme Cells"}), ("2022-03-15", {"Beta Foil"})):
        outputs = []
        for source in (["--relations", str(sheet)], ["--data", str(imported)]):
            result = run_process("stats", *source, "--as-of", asked, "--undated", "exclude", "--format", "json")
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
            suppliers = {
                row["label"]
                for row in json.loads(result.stdout)
                if row["out_degree"] and row["label"] in {"Acme Cells", "Beta Foil", "Gamma"}
            }
            assert suppliers == expected, (asked, source)
        assert outputs[0] == outputs[1]


def test_a_store_keeps_the_periods(tmp_path):
    store = tmp_path / "fujian.store"
    empty = tmp_path / "nothing.ttl"
    empty.write_text("", encoding="utf-8")
    assert run_process("load", str(empty), "--store", str(store)).returncode == 0
    for asked in ("2021", "2025"):
        from_store = run_process("impact", "CATL", "--as-of", asked, "--store", str(store), "--format", "json")
        embedded = run_process("impact", "CATL", "--as-of", asked, "--format", "json")
        assert from_store.returncode == 0, from_store.stderr
        assert from_store.stdout == embedded.stdout


def test_diff_lists_what_began_and_ended_between_two_dates():
    result = run_process("diff", "--from", "2021", "--to", "2025", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    then, now = dated_in_force("2021"), dated_in_force("2025")
    assert {(r["supplier"], r["client"]) for r in report["began"]} == now - then
    assert {(r["supplier"], r["client"]) for r in report["ended"]} == then - now
    assert all(r["sources"] and r["periods"] for r in report["began"] + report["ended"])
    # firms whose every edge is dated and out of force on one date: in the network on the other only
    only_then = {FJ + f for f in ("hsc", "kaixin", "semcorp", "nio")}
    only_now = {FJ + f for f in ("shenghua", "lopal", "tinci", "yongtai")}
    assert {f["id"] for f in report["left"]} == only_then
    assert {f["id"] for f in report["entered"]} == only_now
    assert set(report) >= {"began", "ended", "entered", "left", "rank_changes", "coverage"}
    assert {row["measure"] for row in report["rank_changes"]} == {"pagerank", "dependence"}
    # only the firms that moved (issue 41, item 6); a firm out of the network on a date has no rank on it
    assert all(row["change"] for row in report["rank_changes"])
    assert all(row["rank_from"] - row["rank_to"] == row["change"] for row in report["rank_changes"])
    every = json.loads(run_process("diff", "--from", "2021", "--to", "2025", "--all", "--format", "json").stdout)
    assert len(every["rank_changes"]) > len(report["rank_changes"])
    nio = next(r for r in every["rank_changes"] if r["id"] == FJ + "nio" and r["measure"] == "pagerank")
    assert nio["rank_to"] is None and nio["rank_from"] is not None and nio["change"] is None  # NIO left
    assert not any(r["id"] == FJ + "nio" for r in report["rank_changes"])
    same_day = json.loads(run_process("diff", "--from", "2022", "--to", "2022", "--format", "json").stdout)
    assert not same_day["began"] and not same_day["ended"] and not same_day["entered"] and not same_day["left"]


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_diff_renders_every_format(fmt):
    result = run_process("diff", "--from", "2021", "--to", "2025", "--chain", "ningde", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "Tinci" in result.stdout and "Kaixin" in result.stdout
    if fmt == "table":  # a share as a percentage (every located supplier of Ningde's chain is local)
        assert "100%" in result.stdout


def test_a_dated_synthetic_network_is_the_same_network_with_valid_periods(tmp_path):
    plain, dated = tmp_path / "plain.nt", tmp_path / "dated.nt"
    assert run_process("synth", "--firms", "800", "-o", str(plain)).returncode == 0
    assert run_process("synth", "--firms", "800", "--dated", "-o", str(dated)).returncode == 0
    supplier_of = "<https://w3id.org/chaingraph/ontology#supplierOf>"

    def edges_in(path):
        return {line for line in path.read_text(encoding="utf-8").splitlines() if f" {supplier_of} " in line}

    assert edges_in(dated) == edges_in(plain)  # the periods come from a generator of their own
    checked = run_process("validate", "--data", str(dated))
    assert checked.returncode == 0, checked.stdout[-2000:]
    store = tmp_path / "dated.store"
    assert run_process("load", str(dated), "--store", str(store)).returncode == 0
    for command in (["stats", "--as-of", "2020"], ["diff", "--from", "2018", "--to", "2024"]):
        from_file = run_process(*command, "--data", str(dated), "--format", "json")
        from_store = run_process(*command, "--store", str(store), "--format", "json")
        assert from_file.returncode == 0, from_file.stderr
        assert from_file.stdout == from_store.stdout
    report = json.loads(
        run_process("diff", "--from", "2018", "--to", "2024", "--store", str(store), "--format", "json").stdout
    )
    assert report["began"] and report["ended"] and report["undated"]


def test_ownership_follows_the_same_rule(tmp_path):
    """CATL's control of Brunp is dated "since 2015": before it, Brunp is its own group."""

    def merged(*where: str) -> str:
        result = run_process("stats", "--group-by", "owner", "--format", "json", *where)
        assert result.returncode == 0, result.stderr
        text = " ".join(result.stderr.split())  # the console wraps long lines
        return text[text.index("grouped by owner") :]

    assert "CATL (Guangdong Brunp Recycling)" in merged()
    assert "CATL (Guangdong Brunp Recycling)" in merged("--as-of", "2015")
    assert "Brunp" not in merged("--as-of", "2014-12")
    assert "Tinci Materials (Ningde Kaixin Battery Material)" in merged("--as-of", "2014-12")  # undated: kept
    store = tmp_path / "fujian.store"
    empty = tmp_path / "nothing.ttl"
    empty.write_text("", encoding="utf-8")
    assert run_process("load", str(empty), "--store", str(store)).returncode == 0
    assert merged("--as-of", "2014-12", "--store", str(store)) == merged("--as-of", "2014-12")
