"""Opening the graph: bundled data, user files in every RDF format, and errors that name the spot."""

from __future__ import annotations

import json

import pytest

from chaingraph.errors import InputError
from chaingraph.store import open_store

from ..conftest import run_process


def test_user_files_in_every_format_load(tmp_path):
    def triple(client: str) -> str:
        supplier_of = "<https://w3id.org/chaingraph/ontology#supplierOf>"
        return f"<https://example.test/a> {supplier_of} <https://example.test/{client}> ."

    # Each file states its own edge, so a format that loads nothing is missed.
    files = {
        "a.nt": triple("nt") + "\n",
        "b.nq": triple("nq")[:-1] + " <https://example.test/g> .\n",
        "c.ttl": triple("ttl") + "\n",
        "d.trig": "<https://example.test/g2> { " + triple("trig") + " }\n",
        "e.jsonld": json.dumps(
            {
                "@id": "https://example.test/a",
                "https://w3id.org/chaingraph/ontology#supplierOf": {"@id": "https://example.test/c"},
            }
        ),
        "f.rdf": """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
            xmlns:cg="https://w3id.org/chaingraph/ontology#"><rdf:Description rdf:about="https://example.test/d">
            <cg:supplierOf rdf:resource="https://example.test/b"/></rdf:Description></rdf:RDF>""",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = open_store([tmp_path], bundled=False)
    rows = store.select("SELECT ?s ?o WHERE { ?s cg:supplierOf ?o }").rows
    pairs = {(str(r["s"]).rsplit("/", 1)[1], str(r["o"]).rsplit("/", 1)[1]) for r in rows}
    assert pairs == {("a", "nt"), ("a", "nq"), ("a", "ttl"), ("a", "trig"), ("a", "c"), ("d", "b")}


def test_one_path_is_one_file_not_its_characters(tmp_path):
    """A path given alone, as text or a Path, is that file: not a sequence whose first character,
    "/", would have read the whole file system."""
    graph = tmp_path / "one.ttl"
    graph.write_text(
        "<https://example.test/a> <https://w3id.org/chaingraph/ontology#supplierOf> <https://example.test/b> ."
    )
    for given in (str(graph), graph):
        store = open_store(given, bundled=False)
        assert store.ask("ASK { <https://example.test/a> cg:supplierOf <https://example.test/b> }")


def test_no_bundled_leaves_only_the_ontology():
    store = open_store(bundled=False)
    assert not store.ask("ASK { fj:catl ?p ?o }")
    assert store.ask("ASK { cg:Company a owl:Class }")


def test_malformed_turtle_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.test/> .\nex:a ex:b ex:c .\nex:a ex:b \n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_store([bad])
    assert str(caught.value).startswith(f"{bad}:4:")


def test_malformed_turtle_cli_exit_2_one_line_no_traceback(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.test/> .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    result = run_process("stats", "--data", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}:2")
    assert result.stdout == ""


def test_missing_data_path_is_an_input_error(run, tmp_path):
    result = run("stats", "--data", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_folder_without_rdf_files_is_an_input_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="holds no RDF files"):
        open_store([tmp_path])
