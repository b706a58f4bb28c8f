"""``synth --format parquet``: the synthetic network as tables in the import layout, the same firms and
edges as the RDF file of the same seed, written in parts that an interrupted run keeps."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from chaingraph.errors import InputError
from chaingraph.interchange.synth import STATE_FILE, synth, synth_tables
from chaingraph.projection.read import project_columns
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, run_process


def edges_of(store) -> tuple[set[str], set[tuple[str, str]]]:
    network = project_columns(store)
    pairs = zip(network.suppliers.tolist(), network.clients.tolist(), strict=True)
    return set(network.nodes), {(network.nodes[a], network.nodes[b]) for a, b in pairs}


def tables_store(folder):
    return open_store(
        bundled=False, tables=Tables(relations=[folder / "relations.parquet"], firms=[folder / "firms.parquet"])
    )


def test_the_tables_hold_the_rdf_files_network(tmp_path):
    rdf = tmp_path / "synth.nt"
    summary = synth(2_500, 4, rdf, dated=True)
    folder = tmp_path / "tables"
    written = synth_tables(2_500, 4, folder, dated=True, part_firms=700)
    assert (written.firms, written.edges) == (summary.firms, summary.edges)
    assert len(list((folder / "relations.parquet").iterdir())) == 4  # 700, 700, 700, 400 firms
    assert edges_of(tables_store(folder)) == edges_of(open_store([rdf], bundled=False))
    # Every dated edge of the file is a row with its period; the others are rows with only their ends.
    relations = pq.read_table(folder / "relations.parquet").to_pylist()
    dated = [row for row in relations if row["start"]]
    assert len(relations) == summary.edges and 0 < len(dated) < len(relations)
    assert all(row["evidence"] == "stated" and row["source"] for row in dated)
    firms = pq.read_table(folder / "firms.parquet").to_pylist()
    assert {row["stage"] for row in firms} == {"raw materials", "components", "assembly", "distribution"}


class Interrupted(Exception):
    pass


def test_an_interrupted_run_is_resumed_by_the_same_call_and_keeps_its_parts(tmp_path):
    whole = tmp_path / "whole"
    synth_tables(25_000, 9, whole, dated=True, part_firms=5_000)
    folder = tmp_path / "resumed"

    def stop_at_20k(done: int, total: int) -> None:
        if done == 20_000:
            raise Interrupted

    with pytest.raises(Interrupted):
        synth_tables(25_000, 9, folder, dated=True, part_firms=5_000, progress=stop_at_20k)
    state = json.loads((folder / STATE_FILE).read_text())
    assert not state["done"] and state["next_firm"] == 15_000 and state["parts"] == 3
    kept = {path.name: path.stat().st_mtime_ns for path in (folder / "firms.parquet").iterdir()}
    assert sorted(kept) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]

    synth_tables(25_000, 9, folder, dated=True, part_firms=5_000)
    for part, written in kept.items():  # never written again
        assert (folder / "firms.parquet" / part).stat().st_mtime_ns == written
    for table in ("firms.parquet", "relations.parquet"):
        assert pq.read_table(folder / table).equals(pq.read_table(whole / table)), table
    assert json.loads((folder / STATE_FILE).read_text())["done"]


def test_a_folder_of_another_run_or_of_other_files_is_never_written_over(tmp_path):
    folder = tmp_path / "tables"
    first = synth_tables(100, 1, folder)
    parts = {path: path.stat().st_mtime_ns for path in folder.rglob("*.parquet") if path.is_file()}
    again = synth_tables(100, 1, folder)  # the finished run asked again: nothing written
    assert again.complete_before and not first.complete_before
    assert (again.firms, again.edges, again.triples) == (first.firms, first.edges, first.triples)
    assert {path: path.stat().st_mtime_ns for path in folder.rglob("*.parquet") if path.is_file()} == parts
    with pytest.raises(InputError, match="other options"):
        synth_tables(200, 1, folder)
    synth_tables(200, 1, folder, force=True)
    assert pq.read_table(folder / "firms.parquet").num_rows == 200
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    failed = run_process("synth", "--firms", "100", "--format", "parquet", "-o", str(mine))
    assert_clean_failure(failed, str(mine), "not empty")
    assert (mine / "notes.txt").read_text() == "precious"
    too_many = run_process("synth", "--firms", "20000000", "-o", str(tmp_path / "big.nt"))
    assert_clean_failure(too_many, "--firms 20000000", "10,000,000")
