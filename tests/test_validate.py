"""SHACL validation: the bundled graph conforms; crafted bad data fails with the right message."""

from __future__ import annotations

import json

import pytest

from chaingraph.store import open_store
from chaingraph.validate import validate


def test_bundled_graph_conforms(store):
    report = validate(store)
    assert report.conforms, report.findings[:3]
    assert report.triples > 1000


BAD = [
    ('ex:f a cg:Company ; rdfs:label "Lonely Firm"@en .', "Lonely Firm", "has no location"),
    ('ex:f a cg:Company ; rdfs:label "无名"@zh-Hans ; cg:locatedIn fj:ningde .', "", "has no English label"),
    ('ex:f a cg:Company ; rdfs:label "Odd Place"@en ; cg:locatedIn fj:catl .', "Odd Place", "not a cg:Place"),
    ("fj:catl cg:supplierOf fj:ningde .", "", "neither an organization nor a cluster segment"),
    ("ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ; cg:client fj:catl .", "", "has no source"),
    (
        "ex:r a cg:SupplyRelation ; cg:supplier fj:catl ; cg:client fj:skeqi ; prov:wasDerivedFrom ex:s .",
        "",
        "is not stated as a direct edge",
    ),
    (
        "ex:o a cg:Observation ; cg:subject fj:catl ; cg:measure fj:measure-firm-count ; cg:value 3 ;"
        ' cg:period "2024" ; prov:wasDerivedFrom ex:s .',
        "",
        "cg:unit",
    ),
    (
        "ex:o a cg:Observation ; cg:subject fj:catl ; cg:measure fj:measure-firm-count ; cg:value 3 ;"
        " cg:unit unit:NUM ; prov:wasDerivedFrom ex:s .",
        "",
        "has no period",
    ),
    (
        'ex:o a cg:Observation ; cg:subject fj:catl ; cg:measure fj:measure-firm-count ; cg:value "many" ;'
        ' cg:unit unit:NUM ; cg:period "2024" ; prov:wasDerivedFrom ex:s .',
        "",
        "numeric cg:value",
    ),
    (
        "ex:o a cg:Observation ; cg:subject fj:catl ; cg:measure fj:measure-firm-count ; cg:value 3 ;"
        ' cg:unit unit:NUM ; cg:period "2024" .',
        "",
        "has no source",
    ),
]


@pytest.mark.parametrize(("body", "label", "message"), BAD)
def test_crafted_bad_data_fails_with_the_right_message(ttl, body, label, message):
    report = validate(open_store([ttl(body)]))
    assert not report.conforms
    matching = [f for f in report.violations if message in f.message]
    assert matching, [f.message for f in report.violations]
    if label:
        assert matching[0].focus_label == label


def test_validate_cli_exit_codes_and_json(run, ttl):
    ok = run("validate")
    assert ok.exit_code == 0
    bad = run("validate", "--data", str(ttl(BAD[0][0])), "--format", "json")
    assert bad.exit_code == 1
    document = json.loads(bad.stdout)
    assert document["conforms"] is False
    assert any("has no location" in r["message"] and r["focus_label"] == "Lonely Firm" for r in document["results"])


def test_validate_table_names_resource_property_and_problem(run, ttl):
    result = run("validate", "--data", str(ttl(BAD[4][0])))
    assert result.exit_code == 1
    assert "prov:wasDerivedFrom" in result.stdout
    assert "has no source" in result.stdout
