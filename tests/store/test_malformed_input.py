"""Broken and hostile RDF input: one clear line naming file and line, exit 2."""

from __future__ import annotations

import json
import time

import pytest

from ..conftest import assert_clean_failure, deeply_nested_rdf_xml, run_process

MALFORMED = [
    ("truncated.ttl", b"@prefix ex: <https://example.test/> .\nex:a ex:b ", ":2:"),
    ("undefined-prefix.ttl", b"ex:a ex:b ex:c .\n", "prefix ex: has not been declared"),
    ("latin1.ttl", '<https://example.test/a> <https://example.test/b> "Müller" .\n'.encode("latin-1"), ":1: not UTF-8"),
    ("truncated.nt", b'<https://example.test/a> <https://example.test/b> "open .\n', "truncated.nt:1:"),
    ("bad.nt", b"<https://example.test/a> <https://example.test/b> c .\n", "bad.nt:1:"),
    ("truncated.trig", b"<https://example.test/g> { <https://example.test/a> <https://example.test/b> ", ":1:"),
    ("truncated.jsonld", b'{"@id": "https://example.test/a", ', "truncated.jsonld:1:"),
    ("notjson.jsonld", b"this is not json", "notjson.jsonld:1:"),
    ("broken.rdf", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description", "broken.rdf"),
    ("data.xyz", b"whatever", "unknown RDF file ending '.xyz'"),
    (
        "laughs.rdf",
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "lol">\n <!ENTITY b "&a;&a;&a;&a;&a;&a;">\n'
        + b' <!ENTITY c "&b;&b;&b;&b;&b;&b;">\n]>\n'
        + b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>&c;</rdf:RDF>\n",
        "laughs.rdf:4: an entity defined by entities",
    ),
    (
        "external.rdf",
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
        + b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>&x;</rdf:RDF>\n",
        "external.rdf:2: an external entity",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_rdf(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert_clean_failure(run_process("stats", "--data", str(path)), str(path), message)


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(
        b"\xef\xbb\xbf@prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        b"<https://example.test/a> cg:supplierOf <https://example.test/b> .\n"
    )
    result = run_process("stats", "--no-bundled", "--data", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


def test_a_ten_megabyte_literal_loads(tmp_path):
    path = tmp_path / "big-literal.nt"
    big = "x" * (10 * 1024 * 1024)
    path.write_text(
        f'<https://example.test/a> <http://www.w3.org/2000/01/rdf-schema#label> "{big}"@en .\n'
        "<https://example.test/a> <https://w3id.org/chaingraph/ontology#supplierOf> "
        "<https://example.test/b> .\n",
        encoding="utf-8",
    )
    result = run_process("stats", "--no-bundled", "--data", str(path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) > 10 * 1024 * 1024


def test_entity_abbreviations_in_rdf_xml_still_load(tmp_path):
    document = tmp_path / "abbreviated.rdf"
    document.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY cg "https://w3id.org/chaingraph/ontology#"> ]>\n'
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns:cg='&cg;'>\n"
        " <cg:Company rdf:about='https://example.test/a'><cg:supplierOf rdf:resource='https://w3id.org/chaingraph/fujian/catl'/>"
        "</cg:Company>\n</rdf:RDF>\n",
        encoding="utf-8",
    )
    result = run_process("stats", "--data", str(document), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "https://example.test/a" in {row["id"] for row in json.loads(result.stdout)}


def test_rdf_xml_nested_too_deep_is_refused_at_once(tmp_path):
    deep = deeply_nested_rdf_xml(tmp_path / "deep.rdf", 100_000)
    started = time.monotonic()
    assert_clean_failure(run_process("stats", "--data", str(deep)), "deep.rdf", "nested deeper than")
    assert time.monotonic() - started < 30


def test_links_that_lead_nowhere_and_devices_are_named(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "loop.ttl").symlink_to(folder / "loop.ttl")
    assert_clean_failure(run_process("stats", "--data", str(folder)), "loop.ttl: a symbolic link that leads nowhere")
    zero = tmp_path / "zero.ttl"
    zero.symlink_to("/dev/zero")
    assert_clean_failure(run_process("stats", "--data", str(zero), timeout=30), "zero.ttl: a device, not a file")
    assert_clean_failure(
        run_process("load", str(zero), "--store", str(tmp_path / "s.store"), timeout=30), "a device, not a file"
    )


def test_a_folder_where_a_file_is_expected(tmp_path):
    assert_clean_failure(run_process("query", "-f", str(tmp_path)), str(tmp_path))


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--data", "/no/such/file.ttl"],
        ["stats", "--data", "/"],
        ["query", "-f", "/no/such/query.rq"],
        ["import", "--relations", "/no/such/file.csv"],
    ],
    ids=["missing-data", "root-folder", "missing-query", "missing-csv"],
)
def test_paths_that_do_not_work(args):
    result = run_process(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
