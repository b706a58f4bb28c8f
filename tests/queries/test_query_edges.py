"""Queries at the edges of SPARQL: look-alike updates, a byte order mark, CONSTRUCT WHERE, LOAD."""

from __future__ import annotations

import pytest

from ..conftest import assert_clean_failure, run_process


def test_an_update_that_changes_nothing_is_not_reported_as_written(tmp_path):
    out = tmp_path / "updated.nq"
    missed = run_process("query", "--update", "DELETE WHERE { ?client cg:clientOf ?supplier }", "-o", str(out))
    assert_clean_failure(missed, "the update changed nothing", "GRAPH ?g")
    assert not out.exists()
    done = run_process(
        "query", "--update", "DELETE WHERE { GRAPH ?g { ?supplier cg:supplierOf fj:catl } }", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "<https://w3id.org/chaingraph/ontology#supplierOf> <https://w3id.org/chaingraph/fujian/catl>" not in text
    assert "<https://w3id.org/chaingraph/fujian/catl>" in text


@pytest.mark.parametrize(
    ("query", "stdin"),
    [
        ("PREFIX insert: <https://example.test/> SELECT ?firm WHERE { ?firm cg:supplierOf fj:catl } LIMIT 1", None),
        ("SELECT ?delete WHERE { ?delete cg:supplierOf fj:catl } LIMIT 1", None),
        ("-", "\ufeffSELECT ?firm WHERE { ?firm cg:supplierOf fj:catl } LIMIT 1"),
    ],
    ids=["prefix named insert", "variable named delete", "byte-order mark on stdin"],
)
def test_queries_that_look_like_updates_or_start_with_a_bom_run(query, stdin):
    result = run_process("query", query, "--format", "csv", input=stdin)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 2


def test_construct_where_takes_parameters():
    result = run_process("query", "CONSTRUCT WHERE { ?s cg:supplierOf ?o }", "-p", "s=fj:catl", "--format", "nt")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines and all(line.startswith("<https://w3id.org/chaingraph/fujian/catl> ") for line in lines)


def test_load_in_an_update_is_refused_with_the_way_to_add_data(tmp_path):
    out = tmp_path / "x.nq"
    result = run_process("query", "--update", "LOAD <file:///etc/passwd>", "-o", str(out))
    assert_clean_failure(result, "LOAD is not run on the embedded store", "--data")
    assert not out.exists()
