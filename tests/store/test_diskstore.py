"""`chaingraph load --store DIR` and `--store DIR`: parsed once, the same answers, never a half store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ..conftest import quantity_rows, run_process
from .test_endpoint import canonical


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.nt"
    assert run_process("synth", "--firms", "2500", "-o", str(path)).returncode == 0
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, synthetic):
    folder = tmp_path_factory.mktemp("stores") / "net.store"
    result = run_process("load", str(synthetic), "--store", str(folder))
    assert result.returncode == 0, result.stderr
    assert "quads" in result.stderr
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--format", "json"],
        ["stats", "--format", "json", "--region", "Ningde"],
        ["stats", "--format", "json", "--level", "stage"],
        ["query", "firms-in", "-p", "place=宁德", "--format", "json"],
        ["impact", "CATL", "--format", "json"],
        ["impact", "--remove", "region:Ningde", "--remove", "stage:separators", "--partial", "0.5", "--format", "json"],
        ["impact", "--all", "--by", "region", "--format", "json"],
        ["gaps", "--chain", "synthetic", "--region", "Ningde", "--format", "json"],
        ["export", "--format", "graphml"],
    ],
)
def test_store_answers_as_the_files_do(synthetic, loaded, args):
    from_files = run_process(*args, "--data", str(synthetic))
    from_store = run_process(*args, "--store", str(loaded))
    assert from_store.returncode == 0, from_store.stderr
    if args[0] == "query":
        # SPARQL leaves the order of rows tied on ORDER BY open (a firm in two places, say).
        assert canonical(from_store.stdout) == canonical(from_files.stdout)
    else:
        assert from_store.stdout == from_files.stdout
    assert from_files.stdout.strip()


def test_bundled_graph_can_be_left_out(tmp_path, synthetic):
    folder = tmp_path / "only-synth.store"
    assert run_process("load", str(synthetic), "--store", str(folder), "--no-bundled").returncode == 0
    ours = run_process("stats", "--format", "json", "--store", str(folder))
    theirs = run_process("stats", "--format", "json", "--no-bundled", "--data", str(synthetic))
    assert ours.stdout == theirs.stdout
    assert "catl" not in ours.stdout


def test_existing_store_needs_force(tmp_path, synthetic, loaded):
    again = run_process("load", str(synthetic), "--store", str(loaded))
    assert again.returncode == 2 and "already exists" in again.stderr
    folder = tmp_path / "replaced.store"
    assert run_process("load", str(synthetic), "--store", str(folder), "--no-bundled").returncode == 0
    assert run_process("load", str(synthetic), "--store", str(folder), "--force").returncode == 0
    assert "catl" in run_process("stats", "--format", "csv", "--store", str(folder)).stdout


def test_refusals_are_one_clear_line(tmp_path, synthetic, loaded):
    not_a_store = tmp_path / "plain"
    not_a_store.mkdir()
    (not_a_store / "notes.txt").write_text("mine", encoding="utf-8")
    cases = [
        (["stats", "--store", str(tmp_path / "missing")], "no such store"),
        (["stats", "--store", str(not_a_store)], "not a complete chaingraph store"),
        (["stats", "--store", str(loaded), "--data", str(synthetic)], "cannot be combined"),
        (["stats", "--store", str(loaded), "--no-bundled"], "does not apply"),
        (["load", str(synthetic), "--store", str(not_a_store), "--force"], "not a chaingraph store"),
        (
            [
                "query",
                "--update",
                "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                "--store",
                str(loaded),
                "-o",
                str(tmp_path / "x.nq"),
            ],
            "read-only",
        ),
    ]
    for args, message in cases:
        result = run_process(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (not_a_store / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_bad_rdf_names_the_file_and_leaves_nothing(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.test/> .\nex:a ex:b ex:c .\nex:a ex:b\n", encoding="utf-8")
    folder = tmp_path / "broken.store"
    result = run_process("load", str(broken), "--store", str(folder))
    assert result.returncode == 2
    assert "broken.ttl" in result.stderr and "Traceback" not in result.stderr
    assert not folder.exists()
    assert not list(tmp_path.glob(".broken.store.partial-*"))


def test_interrupted_load_leaves_the_previous_store(tmp_path, synthetic, loaded):
    folder = tmp_path / "interrupted.store"
    big = tmp_path / "big.nt"
    assert run_process("synth", "--firms", "200000", "-o", str(big)).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", "load", str(big), "--store", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".interrupted.store.partial-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    assert process.returncode != 0
    # Either nothing is there, or (had the load won the race) a complete store.
    if folder.exists():
        assert run_process("stats", "--store", str(folder), "--top", "1").returncode == 0
    else:
        refused = run_process("stats", "--store", str(folder))
        assert refused.returncode == 2 and "no such store" in refused.stderr
        assert not list(tmp_path.glob(".interrupted.store.partial-*"))
    # The next load works and replaces nothing it should not.
    assert run_process("load", str(synthetic), "--store", str(folder), "--force").returncode == 0
    assert json.loads(run_process("stats", "--format", "json", "--store", str(folder), "--top", "1").stdout)


def assert_same_projection(ours, theirs) -> None:
    assert ours.nodes == theirs.nodes
    assert ours.columns == theirs.columns
    assert ours.suppliers.tolist() == theirs.suppliers.tolist()
    assert ours.clients.tolist() == theirs.clients.tolist()
    assert ours.details == theirs.details
    assert quantity_rows(ours) == quantity_rows(theirs)
    assert ours.meta == theirs.meta


def test_saved_projection_is_what_the_database_projects(loaded):
    from chaingraph.projection.load import open_disk_store
    from chaingraph.projection.read import project_columns

    store = open_disk_store(loaded)
    assert store.saved_projection is not None
    saved = project_columns(store)
    store.saved_projection = None
    projected = project_columns(store)
    assert len(projected) > 2500 and projected.edge_count > 2500
    assert_same_projection(saved, projected)


def test_projection_file_keeps_details_places_and_chains(tmp_path, store):
    from chaingraph.projection.read import project_columns
    from chaingraph.projection.saved import read_projection, write_projection

    projection = project_columns(store)
    assert projection.details and projection.meta["places"] and projection.meta["chains"]
    assert projection.quantities.any  # the bundled press relations' amounts and shares
    write_projection(projection, tmp_path)
    assert_same_projection(read_projection(tmp_path), projection)


def test_a_projection_stating_no_quantity_saves_no_quantity_columns(tmp_path, store):
    import dataclasses

    import numpy as np

    from chaingraph.projection.read import project_columns
    from chaingraph.projection.saved import ARRAYS, read_projection, write_projection
    from chaingraph.sheets.quantities import EdgeQuantities

    stated = project_columns(store)
    plain = dataclasses.replace(stated, quantities=EdgeQuantities.none(len(stated.suppliers)))
    write_projection(plain, tmp_path)
    with np.load(tmp_path / ARRAYS) as arrays:
        assert not [name for name in arrays.files if name.startswith("quantity_")]
    read = read_projection(tmp_path)
    assert_same_projection(read, plain)
    assert not read.quantities.any and len(read.quantities) == len(stated.suppliers)
    write_projection(stated, tmp_path)  # and one that states some keeps them all
    assert_same_projection(read_projection(tmp_path), stated)


def test_a_database_written_after_the_load_is_projected_again(tmp_path, loaded):
    import shutil

    import pyoxigraph as ox

    from chaingraph.projection.load import open_disk_store
    from chaingraph.projection.read import project_columns

    folder = tmp_path / "changed.store"
    shutil.copytree(loaded, folder)
    before = project_columns(open_disk_store(folder))
    # Somebody else's writer (an Oxigraph server on the folder, say) adds a supply edge.
    supplier, client = before.nodes[-1], before.nodes[-2]
    database = ox.Store(str(folder / "db"))
    supplier_of = ox.NamedNode("https://w3id.org/chaingraph/ontology#supplierOf")
    database.add(ox.Quad(ox.NamedNode(supplier), supplier_of, ox.NamedNode(client)))
    database.flush()
    del database

    store = open_disk_store(folder)
    assert store.saved_projection is None
    after = project_columns(store)
    added = {(after.nodes[a], after.nodes[b]) for a, b in zip(after.suppliers, after.clients, strict=True)}
    assert (supplier, client) in added
    assert after.edge_count == before.edge_count + 1


# --- a saved projection belongs to its database (issue 25, items 5 and 17) ---------------------


@pytest.fixture
def two_stores(tmp_path, synthetic):
    """A: the bundled graph; B: the synthetic network without it. Copies, so a test may damage them."""
    import shutil

    from chaingraph.projection.load import load_store

    a, b = tmp_path / "a.store", tmp_path / "b.store"
    load_store([], a)
    load_store([synthetic], b, bundled=False)
    return a, b, shutil


def stats_json(*args):
    result = run_process("stats", "--format", "json", *args)
    return result


def test_projection_files_of_another_store_are_not_read(two_stores):
    a, b, shutil = two_stores
    expected = stats_json("--store", str(a))
    assert expected.returncode == 0
    for name in ("projection.npz", "projection.json", "projection.details.json"):
        shutil.copyfile(b / name, a / name)
    copied = stats_json("--store", str(a))
    assert copied.returncode == 0, copied.stderr
    assert json.loads(copied.stdout) == json.loads(expected.stdout)


def test_damaged_details_are_said_by_the_command_that_reads_them(two_stores):
    """The relations' details are parsed only by a command that needs them (--as-of reads their
    periods): damaged together with the manifest's digest, that command says so in one line, and
    one that never reads them gives its answer."""
    from chaingraph.store.disk import projection_digest

    _, a, _ = two_stores  # the synthetic network: past 2,000 firms, the compiled path reads no details
    expected = stats_json("--store", str(a))
    (a / "projection.details.json").write_bytes(b"[[1, 2")
    manifest = json.loads((a / "chaingraph-store.json").read_text(encoding="utf-8"))
    manifest["projection_digest"] = projection_digest(a)
    (a / "chaingraph-store.json").write_text(json.dumps(manifest), encoding="utf-8")
    plain = stats_json("--store", str(a))
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout) == json.loads(expected.stdout)
    dated = stats_json("--store", str(a), "--as-of", "2023")
    assert dated.returncode == 2 and "Traceback" not in dated.stderr
    assert f"--store {a}: the saved projection is damaged" in dated.stderr


def test_swapped_edge_ends_are_not_read_as_a_reversed_network(two_stores):
    import numpy as np

    a, _, _ = two_stores
    expected = stats_json("--store", str(a))
    with np.load(a / "projection.npz") as arrays:
        saved = dict(arrays)
    saved["suppliers"], saved["clients"] = saved["clients"], saved["suppliers"]
    with open(a / "projection.npz", "wb") as out:
        np.savez(out, **saved)
    swapped = stats_json("--store", str(a))
    assert swapped.returncode == 0, swapped.stderr
    assert json.loads(swapped.stdout) == json.loads(expected.stdout)


@pytest.mark.parametrize(
    "damage",
    [
        "manifest []",
        "manifest null",
        "projection empty",
        "projection truncated",
        "projection deleted",
        "database file deleted",
        "database CURRENT truncated",
        "database MANIFEST garbled",
        "database bits flipped",
        "database one bit a table 1",
        "database one bit a table 2",
        "database one bit a table 3",
    ],
)
def test_a_damaged_store_is_a_clear_error_or_the_right_answer_never_an_internal_error(two_stores, damage):
    a, _, _ = two_stores
    expected = json.loads(stats_json("--store", str(a)).stdout)
    what, how = damage.split(" ", 1)
    if what == "manifest":
        (a / "chaingraph-store.json").write_text(how, encoding="utf-8")
    elif what == "projection":
        target = a / "projection.npz"
        if how == "empty":
            target.write_bytes(b"")
        elif how == "truncated":
            target.write_bytes(target.read_bytes()[:100])
        else:
            target.unlink()
    else:
        db = a / "db"
        if how == "file deleted":
            next(db.glob("*.sst")).unlink()
        elif how == "CURRENT truncated":
            (db / "CURRENT").write_bytes(b"")
        elif how.startswith("one bit a table"):
            # One bit in the first third of each larger table: the database opens, and only some
            # reads fail (the projection is still right; a scan, a cascade, a query are not).
            import random

            draw = random.Random(int(how.rsplit(" ", 1)[1]))
            for table in sorted(db.glob("*.sst")):
                data = bytearray(table.read_bytes())
                if len(data) >= 4000:
                    data[draw.randrange(len(data) // 3)] ^= 1 << draw.randrange(8)
                    table.write_bytes(bytes(data))
        elif how == "bits flipped":
            for table in db.glob("*.sst"):  # inside the data blocks, where a checksum catches it
                data = bytearray(table.read_bytes())
                for position in range(100, max(101, len(data) // 3), 997):
                    data[position] ^= 0x10
                table.write_bytes(bytes(data))
        else:
            manifest = next(db.glob("MANIFEST-*"))
            manifest.write_bytes(b"\x00garbled" * 10)
    commands = (
        ["stats", "--format", "json"],
        ["impact", "CATL", "--format", "json"],
        ["validate"],
        ["view", "ningde", "-o", str(a.parent / "v.html"), "--force"],
        # a named query on a damaged store ends with the damage, not by spinning until the timeout
        ["query", "firms-in", "-p", "place=Ningde", "--timeout", "20"],
        ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--timeout", "5"],
        ["export", "--format", "nt", "-o", str(a.parent / "all.nt"), "--force"],
    )
    # A worker looping on the damage stops at 2 GB here rather than at most of the machine.
    capped = {**os.environ, "CHAINGRAPH_WORKER_MEMORY": str(2 << 30)}
    for command in commands:
        result = run_process(*command, "--store", str(a), env=capped)
        assert "--timeout" not in result.stderr, (command, result.stderr)
        assert result.returncode in (0, 1, 2), (command, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        if result.returncode == 2:
            assert str(a) in result.stderr and ("damaged" in result.stderr or "load" in result.stderr), result.stderr
        elif command[0] == "stats":
            assert json.loads(result.stdout) == expected


def test_one_bit_in_any_table_is_damage_never_a_shorter_answer(two_stores):
    """Oxigraph reads a term whose text sits in a damaged block as an expression error inside a
    FILTER, so the row is silently left out (a firm's names went missing, exit 0). One bit flipped in
    the middle of each table in turn: every command on the store says the store is damaged, naming
    that table; the same bytes written back make it answer as before."""
    a, _, _ = two_stores
    expected = json.loads(stats_json("--store", str(a)).stdout)
    tables = sorted((a / "db").glob("*.sst"), key=lambda path: path.stat().st_size)
    for table in (tables[0], tables[len(tables) // 2], tables[-1]):
        original = table.read_bytes()
        damaged = bytearray(original)
        damaged[len(damaged) // 2] ^= 0x04
        table.write_bytes(bytes(damaged))
        result = stats_json("--store", str(a))
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"--store {a}: the database is damaged (table {table.name} " in result.stderr
        table.write_bytes(original)  # written again (a new change time), with the loaded bytes
        again = stats_json("--store", str(a))
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout) == expected


def test_a_copied_store_is_checked_and_answers_as_the_original(tmp_path):
    """A store loaded by the command (its database closed when the command ends, as a user's is),
    copied: new inodes and change times, so every table is read against its CRC-32, and it answers
    as the original; a table of the copy damaged after is refused by name."""
    import shutil

    original, copy = tmp_path / "a.store", tmp_path / "copy.store"
    extra = tmp_path / "one.ttl"  # the bundled graph and one more edge
    extra.write_text("<https://example.test/a> <https://w3id.org/chaingraph/ontology#supplierOf> "
                     "<https://w3id.org/chaingraph/fujian/catl> .\n", encoding="utf-8")  # fmt: skip
    loaded = run_process("load", str(extra), "--store", str(original))
    assert loaded.returncode == 0, loaded.stderr
    shutil.copytree(original, copy)
    copied = stats_json("--store", str(copy))
    assert copied.returncode == 0, copied.stderr
    assert json.loads(copied.stdout) == json.loads(stats_json("--store", str(original)).stdout)
    manifest = json.loads((copy / "chaingraph-store.json").read_text(encoding="utf-8"))
    recorded = {entry[0] for entry in manifest["tables"]}
    assert recorded >= {path.name for path in (copy / "db").glob("*.sst")}
    table = max((copy / "db").glob("*.sst"), key=lambda path: path.stat().st_size)
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0x01
    table.write_bytes(bytes(data))
    damaged = stats_json("--store", str(copy))
    assert damaged.returncode == 2 and f"(table {table.name} is not as it was loaded)" in damaged.stderr


def test_two_loads_into_one_folder_one_wins_the_other_is_refused(tmp_path, synthetic):
    """The first load holds the folder's lock; a second one started meanwhile is refused by name
    and leaves the first one's work alone."""
    import fcntl

    target = tmp_path / "net.store"
    # The first load reads the network twelve times over (the same triples): it holds the lock
    # for many seconds, so the second, started once the lock is seen held, meets it held however
    # slowly a busy machine starts it.
    longer = tmp_path / "longer.nt"
    longer.write_bytes(synthetic.read_bytes() * 12)
    first = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", "load", str(longer), "--store", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = tmp_path / ".net.store.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the first load holds the lock
        if lock.exists():
            with open(lock, "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(handle, fcntl.LOCK_UN)
                except BlockingIOError:
                    break
        time.sleep(0.01)
    else:
        pytest.fail("the first load never took the lock")
    second = run_process("load", str(synthetic), "--store", str(target), "--force")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert second.returncode == 2
    assert "a load into it is running" in second.stderr
    assert run_process("stats", "--store", str(target), "--format", "json").returncode == 0


@pytest.mark.parametrize("where", ["a file as the store", "a file as its folder"])
def test_a_store_path_through_a_file_is_a_clear_error(tmp_path, where):
    afile = tmp_path / "afile"
    afile.write_text("keep me", encoding="utf-8")
    target = afile if where == "a file as the store" else afile / "sub"
    data = tmp_path / "data.ttl"
    data.write_text("<https://example.test/a> <https://example.test/p> 1 .", encoding="utf-8")
    result = run_process("load", "--store", str(target), "--force", "--no-bundled", str(data))
    assert result.returncode == 2, result.stderr
    assert "file" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert afile.read_text(encoding="utf-8") == "keep me"


def test_every_read_of_an_on_disk_store_is_capped_so_a_runaway_read_is_an_error_not_the_end_of_the_command(
    tmp_path,
):
    """A damaged RocksDB table can make a read loop and grow until the system kills the command
    (CI saw ``view`` end by SIGKILL, nothing said). Reads of an on-disk store run in a worker with
    a memory cap, so the command survives to say what happened. A read that needs more than the cap
    (a triple cross join, sorted) stands in for the loop: the command's own process is capped at
    3 GB, the worker at 1 GB; read in the command's process, the command would abort."""
    import resource

    from chaingraph.projection.load import load_store

    target = tmp_path / "a.store"
    load_store([], target)
    script = (
        "import sys\n"
        "from chaingraph.errors import ChainGraphError\n"
        "from chaingraph.store import open_store\n"
        "store = open_store(disk_store=sys.argv[1])\n"
        "try:\n"
        "    store.select('SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g')\n"
        "except ChainGraphError as exc:\n"
        "    print('refused:', exc)\n"
    )

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=capped,
        env={**os.environ, "CHAINGRAPH_WORKER_MEMORY": str(1 << 30)},
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
    assert result.stdout.startswith("refused:") and "memory" in result.stdout, result.stdout
