"""Identifiers decide (issue 42, item 1): a firms sheet's ``identifier`` column and the graph's
``schema:identifier``. Equal identifiers are one firm; different ones are never offered as a match
nor merged by a decision; a code that fails its check is refused naming file and line.

The codes are made-up unified social credit codes whose check character was computed from the
standard's definition (GB 32100-2015, as python-stdnum implements it): ``91440300MA0000000H``,
``91440101MA0000000M``; ``91440300MA00000001`` breaks the check.
"""

from __future__ import annotations

import json

import pytest

from chaingraph.projection.read import project_columns
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

ACME, BETA, BROKEN = "91440300MA0000000H", "91440101MA0000000M", "91440300MA00000001"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sheets(tmp_path):
    firms = _write(
        tmp_path,
        "firms.csv",
        f"id,name_en,identifier\nacme,Acme Electrolytes,{ACME}\nacme-2,Acme Electrolyte Co,{ACME.lower()}\n"
        f"beta,Beta Materials,{BETA}\n",
    )
    relations = _write(tmp_path, "relations.csv", "supplier,client\nacme,CATL\nacme-2,Skeqi\nbeta,CATL\n")
    return relations, firms


def _suppliers(projection) -> dict[str, set[str]]:
    label = dict(zip(projection.nodes, projection.columns["label"], strict=True))
    found: dict[str, set[str]] = {}
    for a, b in zip(projection.suppliers.tolist(), projection.clients.tolist(), strict=True):
        found.setdefault(label[projection.nodes[a]], set()).add(label[projection.nodes[b]])
    return found


def test_two_rows_with_one_identifier_are_one_firm_with_both_rows_edges(sheets):
    relations, firms = sheets
    projection = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms])).projection()
    labels = projection.columns["label"]
    assert sum(label.startswith("Acme") for label in labels) == 1  # case of the code aside
    suppliers = _suppliers(projection)
    acme = next(label for label in labels if label.startswith("Acme"))
    assert {"CATL", "Ningde Skeqi Engineering Automation"} <= suppliers[acme]
    assert suppliers["Beta Materials"] == {"CATL"}


def test_the_import_states_identifiers_and_gives_the_same_network(run, sheets, tmp_path):
    relations, firms = sheets
    imported = tmp_path / "imported.ttl"
    result = run("import", "--relations", str(relations), "--firms", str(firms), "-o", str(imported))
    assert result.exit_code == 0, result.stderr
    assert ACME in imported.read_text(encoding="utf-8")
    from_rdf = project_columns(open_store([imported]))
    from_sheet = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms])).projection()
    assert from_rdf.nodes == from_sheet.nodes
    assert _suppliers(from_rdf) == _suppliers(from_sheet)


def test_a_row_with_an_identifier_of_the_graph_is_the_graphs_firm(run, tmp_path):
    graph = _write(
        tmp_path,
        "mine.ttl",
        "@prefix schema: <https://schema.org/> . @prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        f'<https://example.org/firm/acme> a cg:Company ; schema:identifier "{ACME}" ;\n'
        '  <http://www.w3.org/2000/01/rdf-schema#label> "Acme (registry)"@en .\n',
    )
    firms = _write(tmp_path, "firms.csv", f"id,name_en,identifier\nA-17,Acme Electrolytes,{ACME}\n")
    relations = _write(tmp_path, "relations.csv", "supplier,client\nA-17,CATL\n")
    projection = NetworkSource(open_store([graph]), Tables(relations=[relations], firms=[firms])).projection()
    assert "https://example.org/firm/acme" in projection.nodes
    assert not any(node.endswith("/firm/A-17") for node in projection.nodes)
    result = run(
        "resolve", "--data", str(graph), "--relations", str(relations), "--firms", str(firms), "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    how = {record["name"]: record["how"] for record in json.loads(result.stdout)["names"]}
    assert how["A-17"] == "identifier"


def test_different_identifiers_are_never_offered_as_a_match(run, tmp_path):
    relations = _write(tmp_path, "relations.csv", "supplier,client\nacme,CATL\nacme-b,CATL\n")
    with_codes = _write(
        tmp_path, "firms.csv", f"id,name_en,identifier\nacme,Acme Electrolytes,{ACME}\nacme-b,Acme Electrolyte,{BETA}\n"
    )
    without = _write(tmp_path, "plain.csv", "id,name_en\nacme,Acme Electrolytes\nacme-b,Acme Electrolyte\n")
    offered = {}
    for name, firms in (("with", with_codes), ("without", without)):
        result = run("resolve", "--relations", str(relations), "--firms", str(firms), "--format", "json")
        assert result.exit_code == 0, result.stderr
        offered[name] = json.loads(result.stdout)["candidates"]
    assert offered["without"], "the two spellings are a candidate pair when nothing tells them apart"
    assert offered["with"] == []


def test_a_decision_merging_two_identifiers_is_refused_naming_the_row(run, tmp_path):
    relations = _write(tmp_path, "relations.csv", "supplier,client\nacme,CATL\nacme-b,CATL\n")
    firms = _write(
        tmp_path, "firms.csv", f"id,name_en,identifier\nacme,Acme Electrolytes,{ACME}\nacme-b,Acme Electrolyte,{BETA}\n"
    )
    decisions = _write(tmp_path, "same.csv", "name_a,name_b\nacme,acme-b\n")
    result = run("stats", "--relations", str(relations), "--firms", str(firms), "--same-as", str(decisions))
    assert result.exit_code == 2
    assert "firms.csv:3" in result.stderr and "a firm has one identifier" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["stats", "import"])
def test_a_code_that_fails_its_check_is_one_line_naming_file_and_line(run, tmp_path, command):
    relations = _write(tmp_path, "relations.csv", "supplier,client\nacme,CATL\n")
    firms = _write(tmp_path, "firms.csv", f"id,name_en,identifier\nacme,Acme,{BROKEN}\n")
    result = run(command, "--relations", str(relations), "--firms", str(firms))
    assert result.exit_code == 2
    assert "firms.csv:2" in result.stderr and "check character" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
