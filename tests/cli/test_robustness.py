"""Bad arguments and odd graphs: one clear line, the documented exit code, nothing half-written."""

from __future__ import annotations

import json
import os

import pytest

from ..conftest import assert_clean_failure, run_process


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--chain", "Atlantis"],
        ["stats", "--region", "Atlantis"],
        ["impact", "Nobody Inc"],
        ["view", "Atlantis"],
        ["stats", "--sort", "fame"],
        ["view", "ningde", "--size-by", "fame"],
        ["query", "no-such-query-name", "-p", "x=1"],
        ["query", "suppliers-of", "-p", "nope=1"],
        ["query", "suppliers-of", "-p", "firm=CATL", "-p", "hops=9"],
        ["query", "suppliers-of", "-p", "firm"],
        ["export", "--format", "ttl", "--level", "stage"],
        ["stats", "--endpoint", "ftp://example.test/sparql"],
    ],
    ids=lambda a: "-".join(a)[:40],
)
def test_unknown_or_invalid_arguments(tmp_path, args):
    result = run_process(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    # One line naming the argument at fault.
    (line,) = result.stderr.strip().splitlines()
    assert any(word in line for word in args if word[:1] != "-" and word not in ("stats", "view", "query", "export"))
    assert list(tmp_path.iterdir()) == []


def test_click_level_usage_errors_exit_2():
    for args in (["stats", "--format", "yaml"], ["stats", "--level", "galaxy"], ["frobnicate"]):
        result = run_process(*args)
        assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "ttl", "-o"],
        ["import", "--relations", "RELATIONS", "-o"],
        ["synth", "--firms", "100", "-o"],
        ["query", "--update", "INSERT DATA { fj:x a cg:Company }", "-o"],
    ],
    ids=["export", "import", "synth", "update"],
)
def test_output_into_a_missing_folder(tmp_path, command):
    relations = tmp_path / "r.csv"
    relations.write_text("supplier,client\nA,B\n", encoding="utf-8")
    args = [str(relations) if a == "RELATIONS" else a for a in command]
    target = tmp_path / "missing" / "out.ttl"
    if "synth" in command:
        target = target.with_suffix(".nt")
    if "update" in " ".join(command):
        target = target.with_suffix(".trig")
    assert_clean_failure(run_process(*args, str(target)), "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_csv_outputs_neutralise_formulas_everywhere(ttl):
    data = ttl(
        'ex:e a cg:Company ; rdfs:label "=1+1"@en ; cg:locationUnknown true ; cg:supplierOf ex:f .\n'
        'ex:f a cg:Company ; rdfs:label "+cmd"@en ; cg:locationUnknown true .\n'
    )
    outputs = [
        run_process("stats", "--no-bundled", "--data", str(data), "--format", "csv").stdout,
        run_process(
            "query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "--no-bundled", "--data", str(data), "--format", "csv"
        ).stdout,
        run_process(
            "query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "--no-bundled", "--data", str(data), "--format", "tsv"
        ).stdout,
        run_process("impact", "--all", "--no-bundled", "--data", str(data), "--format", "csv").stdout,
        run_process("export", "--format", "csv", "--table", "firms", "--no-bundled", "--data", str(data)).stdout,
    ]
    for output in outputs:
        assert "=1+1" in output or "+cmd" in output
        for line in output.splitlines():
            for cell in line.replace("\t", ",").split(","):
                assert not cell.startswith(("=", "+", "@")), (cell, output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stats", "--chain", ""], "--chain: empty name"),
        (["stats", "--region", " "], "--region: empty name"),
        (["impact", "CATL", "--chain", ""], "--chain: empty name"),
        (["view", ""], "view: empty chain name"),
    ],
)
def test_an_empty_name_is_refused_not_read_as_everything(tmp_path, args, message):
    result = run_process(*args, cwd=tmp_path)
    assert_clean_failure(result, message)
    assert list(tmp_path.iterdir()) == []


def test_force_never_replaces_a_device_pipe_or_socket(tmp_path):
    pipe = tmp_path / "pipe.ttl"
    os.mkfifo(pipe)
    result = run_process("export", "--format", "ttl", "-o", str(pipe), "--force")
    assert_clean_failure(result, "not a regular file")
    assert pipe.is_fifo()


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.ttl"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    result = run_process("export", "--format", "ttl", "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real
    assert "cg:supplierOf" in real.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]


def test_a_file_that_appears_while_writing_is_never_overwritten(tmp_path):
    from chaingraph._runtime.fileio import atomic_open, check_target
    from chaingraph.errors import InputError

    target = tmp_path / "out.ttl"
    may_replace = check_target(target, force=False)
    assert may_replace is False
    appeared = pytest.raises(InputError, match="appeared while chaingraph was writing it")
    with appeared, atomic_open(target, may_replace=may_replace) as handle:
        handle.write("ours")
        target.write_text("theirs", encoding="utf-8")  # another command, meanwhile
    assert target.read_text(encoding="utf-8") == "theirs"
    assert os.listdir(tmp_path) == ["out.ttl"]


def test_a_full_disk_is_an_input_error_and_leaves_nothing(tmp_path, monkeypatch):
    import errno

    from chaingraph._runtime import fileio
    from chaingraph.errors import InputError

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", no_space)
    with pytest.raises(InputError, match=r"out\.ttl: cannot write: No space left on device"):
        fileio.atomic_write(tmp_path / "out.ttl", "data", may_replace=False)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["impact", "http://x.test/a b"], "not a valid IRI (' ' is not allowed in one)"),
        (["query", "suppliers-of", "-p", "firm=http://x.test/a\\b"], "not a valid IRI"),
        (["query", "suppliers-of", "-p", "firm=\udcff\udcfe"], "is not valid UTF-8 text"),
    ],
    ids=["space in an IRI", "backslash in an IRI", "bytes that are not UTF-8"],
)
def test_arguments_that_are_no_iri_or_no_text_exit_2(args, message):
    assert_clean_failure(run_process(*args), message)


def test_an_import_base_that_is_no_iri_exits_2(tmp_path):
    relations = tmp_path / "r.csv"
    relations.write_text("supplier,client\nA,B\n", encoding="utf-8")
    result = run_process("import", "--relations", str(relations), "--base", "not an iri", cwd=tmp_path)
    assert_clean_failure(result, "--base 'not an iri': expected an absolute IRI")


def test_control_and_bidi_characters_never_reach_the_terminal(ttl):
    data = ttl(
        'ex:evil a cg:Company ; rdfs:label "Evil\\u001b[2J\\u202eName\\nsecond line"@en ; cg:locationUnknown true ;'
        " cg:supplierOf fj:catl .\n"
    )
    table = run_process("query", "suppliers-of", "-p", "firm=CATL", "--data", str(data))
    assert table.returncode == 0, table.stderr
    assert "Evil[2JName second line" in table.stdout
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout
    failed = run_process("impact", "Evil[2JName", "--data", str(data))
    assert_clean_failure(failed, "unknown firm 'Evil[2JName'; did you mean: Evil[2JName second line")
    assert "\x1b" not in failed.stderr and "\u202e" not in failed.stderr
    kept = run_process("query", "suppliers-of", "-p", "firm=CATL", "--data", str(data), "--format", "json")
    bindings = json.loads(kept.stdout)["results"]["bindings"]
    assert "Evil\x1b[2J\u202eName\nsecond line" in {row["supplierLabel"]["value"] for row in bindings}


def test_odd_figures_and_stage_orders_are_shown_not_crashed_on(ttl):
    data = ttl(
        'fj:stage-libat-cathode cg:stageOrder "²" .\n'
        "fj:obs-odd a cg:Observation ; cg:subject fj:ningde-lithium-battery ;"
        ' cg:measure fj:measure-firm-count ; cg:value "about 80" ; cg:unit unit:NUM ; cg:period "2025" .\n'
        "fj:obs-odd-claim a cg:Observation ; cg:subject fj:ningde-lithium-battery ;"
        ' cg:measure fj:measure-local-sourcing-share ; cg:value "2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;'
        ' cg:unit unit:PERCENT ; cg:period "2025" .\n'
    )
    stats = run_process("stats", "--chain", "ningde", "--data", str(data), "--format", "json")
    assert stats.returncode == 0, stats.stderr
    cathode = [r for r in json.loads(stats.stdout) if "cathode" in r["stage"]]
    assert cathode  # the stage is still there, ordered as unknown
    from chaingraph import reports
    from chaingraph.store import open_store

    lines = reports.figures_by_subject(open_store([data]))["https://w3id.org/chaingraph/fujian/ningde-lithium-battery"]
    assert "number of firms: about 80 (2025)" in lines


def test_debug_shows_the_error_itself_and_is_read_from_the_command_line_given(run):
    from chaingraph.errors import InputError

    plain = run("stats", "--sort", "fame")
    assert plain.exit_code == 2 and "error: --sort 'fame'" in plain.output
    with pytest.raises(InputError, match="fame"):  # raised, so a traceback shows
        run("--debug", "stats", "--sort", "fame")


def test_empty_graph(tmp_path):
    result = run_process("stats", "--no-bundled", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert "no organizations or supply edges" in result.stderr
    assert_clean_failure(run_process("view", "fujian", "--no-bundled", cwd=tmp_path), "unknown chain")
    assert list(tmp_path.iterdir()) == []


def test_odd_graphs_cycles_self_loops_duplicate_labels_no_location(ttl):
    data = ttl(
        'ex:a a cg:Company ; rdfs:label "Twin"@en ; cg:supplierOf ex:b , ex:a .\n'
        'ex:b a cg:Company ; rdfs:label "Twin"@en ; cg:supplierOf ex:c .\n'
        'ex:c a cg:Company ; rdfs:label "C"@en ; cg:supplierOf ex:a .\n'
    )
    result = run_process("stats", "--no-bundled", "--data", str(data), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {row["id"].rsplit("/", 1)[1]: row for row in json.loads(result.stdout)}
    assert rows["a"]["downstream_reach"] == 2 and rows["c"]["upstream_reach"] == 2
    ambiguous = run_process("impact", "Twin", "--no-bundled", "--data", str(data))
    assert_clean_failure(ambiguous, "ambiguous firm 'Twin'")
    assert run_process("validate", "--no-bundled", "--data", str(data)).returncode == 1  # no locations


def test_the_top_level_help_shows_every_command_purpose_whole():
    """At 80 columns no command's one-line purpose is cut with an ellipsis."""
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "chaingraph", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        timeout=60,
    )
    commands = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) >= 11
    assert not [line for line in commands if line.rstrip().endswith("...")], commands
