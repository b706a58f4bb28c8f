"""``synth --format parquet``: the synthetic network as tables in the import layout, the same firms and
edges as the RDF file of the same seed, written in parts that an interrupted run keeps."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from chaingraph.errors import InputError
from chaingraph.interchange.synth import STATE_FILE, SyntheticNetwork, synth, synth_tables
from chaingraph.projection.source import NetworkSource, network_source
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

from ..conftest import assert_clean_failure, run_process


def edges_of(source) -> tuple[set[str], set[tuple[str, str]]]:
    network = network_source(source).projection()
    pairs = zip(network.suppliers.tolist(), network.clients.tolist(), strict=True)
    return set(network.nodes), {(network.nodes[a], network.nodes[b]) for a, b in pairs}


def tables_source(folder):
    return NetworkSource(
        open_store(bundled=False), Tables(relations=[folder / "relations.parquet"], firms=[folder / "firms.parquet"])
    )


def test_the_tables_hold_the_rdf_files_network(tmp_path):
    rdf = tmp_path / "synth.nt"
    summary = synth(SyntheticNetwork(2500, 4, dated=True), rdf)
    folder = tmp_path / "tables"
    written = synth_tables(SyntheticNetwork(2500, 4, dated=True), folder, part_firms=700)
    assert (written.firms, written.edges) == (summary.firms, summary.edges)
    assert len(list((folder / "relations.parquet").iterdir())) == 4  # 700, 700, 700, 400 firms
    assert edges_of(tables_source(folder)) == edges_of(open_store([rdf], bundled=False))
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
    synth_tables(SyntheticNetwork(25000, 9, dated=True), whole, part_firms=5000)
    folder = tmp_path / "resumed"

    def stop_at_20k(done: int, total: int) -> None:
        if done == 20_000:
            raise Interrupted

    with pytest.raises(Interrupted):
        synth_tables(SyntheticNetwork(25000, 9, dated=True), folder, part_firms=5000, progress=stop_at_20k)
    state = json.loads((folder / STATE_FILE).read_text())
    assert not state["done"] and state["next_firm"] == 15_000 and state["parts"] == 3
    kept = {path.name: path.stat().st_mtime_ns for path in (folder / "firms.parquet").iterdir()}
    assert sorted(kept) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]

    synth_tables(SyntheticNetwork(25000, 9, dated=True), folder, part_firms=5000)
    for part, written in kept.items():  # never written again
        assert (folder / "firms.parquet" / part).stat().st_mtime_ns == written
    for table in ("firms.parquet", "relations.parquet"):
        assert pq.read_table(folder / table).equals(pq.read_table(whole / table)), table
    assert json.loads((folder / STATE_FILE).read_text())["done"]


def test_a_folder_of_another_run_or_of_other_files_is_never_written_over(tmp_path):
    folder = tmp_path / "tables"
    first = synth_tables(SyntheticNetwork(100, 1), folder)
    parts = {path: path.stat().st_mtime_ns for path in folder.rglob("*.parquet") if path.is_file()}
    again = synth_tables(SyntheticNetwork(100, 1), folder)  # the finished run asked again: nothing written
    assert again.complete_before and not first.complete_before
    assert (again.firms, again.edges, again.triples) == (first.firms, first.edges, first.triples)
    assert {path: path.stat().st_mtime_ns for path in folder.rglob("*.parquet") if path.is_file()} == parts
    with pytest.raises(InputError, match="other options"):
        synth_tables(SyntheticNetwork(200, 1), folder)
    synth_tables(SyntheticNetwork(200, 1), folder, force=True)
    assert pq.read_table(folder / "firms.parquet").num_rows == 200
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    failed = run_process("synth", "--firms", "100", "--format", "parquet", "-o", str(mine))
    assert_clean_failure(failed, str(mine), "not empty")
    assert (mine / "notes.txt").read_text() == "precious"
    too_many = run_process("synth", "--firms", "20000000", "-o", str(tmp_path / "big.nt"))
    assert_clean_failure(too_many, "--firms 20000000", "10,000,000")


def test_a_part_with_no_relations_is_typed_as_text_and_reads_as_the_whole(tmp_path):
    import pyarrow as pa

    # Parts of 3 firms: the first parts are raw-material firms, which buy from no one.
    synth_tables(SyntheticNetwork(100, 1), tmp_path / "parts", part_firms=3)
    synth_tables(SyntheticNetwork(100, 1), tmp_path / "whole")
    first = pq.read_table(tmp_path / "parts" / "relations.parquet" / "part-00000.parquet")
    assert first.num_rows == 0 and all(field.type == pa.string() for field in first.schema)
    outputs = []
    for name in ("parts", "whole"):
        folder = tmp_path / name
        result = run_process(
            "stats", "--no-bundled", "--relations", str(folder / "relations.parquet"),
            "--firms", str(folder / "firms.parquet"), "--format", "csv",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_the_folder_of_tables_given_as_one_table_says_which_to_give(tmp_path):
    synth_tables(SyntheticNetwork(100, 1), tmp_path / "parts")
    result = run_process("stats", "--relations", str(tmp_path / "parts"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    relations, firms = tmp_path / "parts" / "relations.parquet", tmp_path / "parts" / "firms.parquet"
    assert f"give them as --relations {relations} --firms {firms}" in result.stderr


def _interrupted_run(folder) -> dict:
    def stop(done: int, total: int) -> None:
        if done == 20_000:
            raise Interrupted

    with pytest.raises(Interrupted):
        synth_tables(SyntheticNetwork(25000, 9), folder, part_firms=5000, progress=stop)
    return json.loads((folder / STATE_FILE).read_text())


DAMAGES = {
    "not JSON": lambda state: "{not json",
    "empty": lambda state: "",
    "a list": lambda state: "[]",
    "keys missing": lambda state: json.dumps({"asked": state["asked"]}),
    "generator of the wrong size": lambda state: json.dumps(
        {**state, "generators": {**state["generators"], "firms": [3, [1, 2, 3], None]}}
    ),
    "parts of the wrong type": lambda state: json.dumps({**state, "parts": "3"}),
    "edges of the wrong type": lambda state: json.dumps({**state, "edges": [1]}),
    "next firm far ahead": lambda state: json.dumps({**state, "next_firm": 10**9}),
    "next firm negative": lambda state: json.dumps({**state, "next_firm": -50}),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_state_file_is_named_and_force_starts_again(tmp_path, damage):
    folder = tmp_path / "run"
    state = _interrupted_run(folder)
    (folder / STATE_FILE).write_text(DAMAGES[damage](state))
    failed = run_process("synth", "--firms", "25000", "--seed", "9", "--part-firms", "5000", "--format", "parquet",
                         "-o", str(folder))  # fmt: skip
    assert_clean_failure(failed, STATE_FILE, "--force")
    synth_tables(SyntheticNetwork(25000, 9), folder, part_firms=5000, force=True)
    assert pq.read_table(folder / "firms.parquet").num_rows == 25_000


@pytest.mark.parametrize("command", ["synth", "export"])
def test_tables_over_a_file_or_where_no_folder_can_be_made_are_refused(tmp_path, command):
    existing = tmp_path / "existing"
    existing.write_text("precious")
    arguments = ["--firms", "100"] if command == "synth" else []
    for target, message in ((existing, "not a folder"), (tmp_path / "existing" / "below", "cannot create")):
        for force in ([], ["--force"]):
            result = run_process(command, *arguments, "--format", "parquet", "-o", str(target), *force)
            assert_clean_failure(result, str(target), message)
    assert existing.read_text() == "precious"


def test_a_url_as_output_is_refused_not_made_a_local_folder(tmp_path):
    result = run_process("export", "--format", "parquet", "-o", "hdfs://nn/chains/2026", cwd=tmp_path)
    assert_clean_failure(result, "hdfs://nn/chains/2026", "this machine's disk")
    assert list(tmp_path.iterdir()) == []
