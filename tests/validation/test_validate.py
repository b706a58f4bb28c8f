"""SHACL validation: the bundled graph conforms; crafted bad data fails with the right message."""

from __future__ import annotations

import json

import pytest

from chaingraph.store import open_store
from chaingraph.validation.report import validate

from ..conftest import run_process


def test_bundled_graph_conforms(store):
    report = validate(store)
    assert report.conforms, report.findings[:3]
    assert report.triples > 1000


#: A well-formed stated supply relation, to which a case adds a quantity.
QUANTIFIED = (
    "fj:skeqi cg:supplierOf fj:good-one . ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ; cg:client fj:good-one ;"
    " cg:evidence cg:Stated ; prov:wasDerivedFrom ex:s ;"
)

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
        "fj:skeqi cg:supplierOf fj:good-one ."
        " ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ; cg:client fj:good-one ; prov:wasDerivedFrom ex:s .",
        "",
        "needs one cg:evidence",
    ),
    (
        "fj:skeqi cg:supplierOf fj:good-one . ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ;"
        " cg:client fj:good-one ; cg:evidence cg:Stated , cg:InferredFromStages ; prov:wasDerivedFrom ex:s .",
        "",
        "needs one cg:evidence",
    ),
    (
        "fj:skeqi cg:supplierOf fj:good-one . ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ;"
        " cg:client fj:good-one ; cg:evidence cg:InferredFromStages ; prov:wasDerivedFrom ex:s .",
        "",
        "gives no cg:inferenceReason",
    ),
    (
        "fj:skeqi cg:supplierOf fj:good-one . ex:r a cg:SupplyRelation ; cg:supplier fj:skeqi ;"
        " cg:client fj:good-one ; cg:evidence cg:Likely ; prov:wasDerivedFrom ex:s .",
        "",
        "needs one cg:evidence",
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
    # Quantities on a supply relation (issue 44): a share over 100%, a share not in percent, a
    # value with no unit, a relation with two shares of one kind.
    (
        f"{QUANTIFIED} cg:clientShare ex:q . ex:q qudt:numericValue 150 ; qudt:unit unit:PERCENT .",
        "",
        "at most 100 percent",
    ),
    (f"{QUANTIFIED} cg:supplierShare ex:q . ex:q qudt:numericValue 40 ; qudt:unit unit:TONNE .", "", "in unit:PERCENT"),
    (f"{QUANTIFIED} cg:tradeValue ex:q . ex:q qudt:numericValue 5 .", "", "needs exactly one qudt:unit"),
    (
        f'{QUANTIFIED} cg:tradeValue ex:q . ex:q qudt:numericValue "lots" ; qudt:unit unit:NUM .',
        "",
        "numeric qudt:numericValue",
    ),
    (
        f"{QUANTIFIED} cg:clientShare ex:q1 , ex:q2 . ex:q1 qudt:numericValue 40 ; qudt:unit unit:PERCENT ."
        " ex:q2 qudt:numericValue 50 ; qudt:unit unit:PERCENT .",
        "",
        "more than one cg:clientShare",
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


@pytest.mark.parametrize(("fmt", "syntax"), [("ttl", "turtle"), ("jsonld", "json-ld")])
@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_validate_writes_the_standard_shacl_report(run, ttl, fmt, syntax, engine):
    from rdflib import Graph, Literal
    from rdflib.namespace import RDF, SH

    data = str(ttl("\n".join(body.replace("ex:", f"ex:n{i}-") for i, (body, _, _) in enumerate(BAD))))
    listed = json.loads(run("validate", "--data", data, "--engine", engine, "--format", "json").stdout)
    result = run("validate", "--data", data, "--engine", engine, "--format", fmt)
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format=syntax)
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(listed["results"]) > len(BAD)
    assert {str(graph.value(r, SH.focusNode)) for r in results} == {r["focus"] for r in listed["results"]}
    assert all((r, RDF.type, SH.ValidationResult) in graph for r in results)
    assert all(graph.value(r, SH.sourceConstraintComponent) is not None for r in results)
    conforming = Graph().parse(data=run("validate", "--format", fmt).stdout, format=syntax)
    assert conforming.value(next(conforming.subjects(RDF.type, SH.ValidationReport)), SH.conforms) == Literal(True)


def test_validate_table_names_resource_property_and_problem(run, ttl):
    result = run("validate", "--data", str(ttl(BAD[4][0])))
    assert result.exit_code == 1
    assert "prov:wasDerivedFrom" in result.stdout
    assert "has no source" in result.stdout


# The fast engine against the reference ---------------------------------------------------------


def findings(store, engine: str) -> tuple[set[tuple], set[tuple]]:
    """What a person reads of each result, and each result of the standard report (with its
    constraint component and shape), checked to be the same results."""
    report = validate(store, engine=engine)
    readable = {(f.severity, f.focus, f.focus_label, f.path, f.message, f.value) for f in report.findings}
    standard = report_results(report.graph)
    assert len(standard) == len(readable) == len(report.findings)
    assert {(str(severity), str(focus), str(value or "")) for focus, _, _, severity, value, _ in standard} == {
        (f"http://www.w3.org/ns/shacl#{f.severity}", f.focus, f.value) for f in report.findings
    }
    return readable, standard


def engines_agree(store) -> set[tuple]:
    """Both engines give the same results, read and standard; the fast engine's readable ones."""
    fast, fast_standard = findings(store, "fast")
    reference, reference_standard = findings(store, "pyshacl")
    assert fast == reference
    assert fast_standard == reference_standard
    return fast


def report_results(graph) -> set[tuple]:
    """(focus, path, component, severity, value, shape) of every sh:ValidationResult of a report
    (a shape that is a blank node counts as 'blank': its name differs from graph to graph)."""
    from rdflib import BNode
    from rdflib.namespace import RDF, SH

    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    found = set()
    for result in graph.objects(report, SH.result):
        shape = graph.value(result, SH.sourceShape)
        found.add(
            (
                graph.value(result, SH.focusNode),
                graph.value(result, SH.resultPath),
                graph.value(result, SH.sourceConstraintComponent),
                graph.value(result, SH.resultSeverity),
                graph.value(result, SH.value),
                "blank" if isinstance(shape, BNode) else shape,
            )
        )
    return found


def test_engines_agree_on_the_bundled_graph(store):
    engines_agree(store)


@pytest.mark.parametrize(("body", "label", "message"), BAD)
def test_engines_agree_on_each_broken_graph(ttl, body, label, message):
    broken = open_store([ttl(body)])
    fast = engines_agree(broken)
    assert any(message in finding[4] for finding in fast)


def test_engines_agree_on_every_breakage_at_once(ttl):
    bodies = [body.replace("ex:", f"ex:n{i}-") for i, (body, _, _) in enumerate(BAD)]
    broken = open_store([ttl("\n".join(bodies))])
    fast = engines_agree(broken)
    for _, _, message in BAD:
        assert any(message in finding[4] for finding in fast), message


@pytest.mark.parametrize("number", ["01", "07", "38"])
def test_engines_agree_on_willems_imports(tmp_path, number):
    from ..interchange.test_interchange import WILLEMS_MAP, willems

    source = willems(number)
    target = tmp_path / f"w{number}.ttl"
    result = run_process(
        "import", "--relations", str(source), "--firms", str(source), *WILLEMS_MAP,
        "--chain", f"willems-{number}", "--skip-validation", "-o", str(target),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = open_store([target])
    engines_agree(imported)


def test_fast_engine_names_a_feature_it_does_not_evaluate(store):
    from rdflib import Graph

    from chaingraph.validation.shacl import UnsupportedShape, validate_store

    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        "[] a sh:NodeShape ; sh:targetClass cg:Company ;"
        " sh:rule [ a sh:TripleRule ] .",
        format="turtle",
    )
    with pytest.raises(UnsupportedShape, match="sh:rule"):
        validate_store(store, shapes)


def test_validate_cli_engines(run):
    assert run("validate", "--engine", "pyshacl").exit_code == 0
    assert run("validate", "--engine", "fast").exit_code == 0


USER_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cg: <https://w3id.org/chaingraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.test/> .
ex:TwoNames a sh:NodeShape ; sh:targetClass cg:Company ;
    sh:property [ sh:path rdfs:label ; sh:minCount 2 ; sh:message "needs a name in two languages" ] .
"""


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_user_shapes_are_checked_with_ours(run, tmp_path, ttl, engine):
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(USER_SHAPES, encoding="utf-8")
    data = ttl('ex:f a cg:Company ; rdfs:label "Only English"@en ; cg:locatedIn fj:ningde .')
    result = run("validate", "--data", str(data), "--shapes", str(shapes), "--engine", engine, "--format", "json")
    assert result.exit_code == 1
    failing = {(r["focus_label"], r["message"]) for r in json.loads(result.stdout)["results"]}
    assert ("Only English", "needs a name in two languages") in failing
    # CATL has its two names: the user's rule holds there.
    assert not any(label == "CATL" for label, _ in failing)


def test_user_shapes_with_an_unsupported_feature_are_refused_by_name(run, tmp_path):
    shapes = tmp_path / "recursive.ttl"
    shapes.write_text(USER_SHAPES.replace("sh:minCount 2", "sh:node ex:TwoNames"), encoding="utf-8")
    result = run("validate", "--shapes", str(shapes))
    assert result.exit_code == 2
    assert "recursive shapes" in result.output and "--engine pyshacl" in result.output


def test_a_missing_or_broken_shapes_file_is_named(run, tmp_path):
    missing = run("validate", "--shapes", str(tmp_path / "nope.ttl"))
    assert missing.exit_code == 2 and "nope.ttl" in missing.output
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    result = run("validate", "--shapes", str(broken))
    assert result.exit_code == 2 and "broken.ttl" in result.output


def test_a_node_without_a_label_is_named_by_its_iri_not_an_empty_cell(run, tmp_path):
    iri = "https://example.org/some/very/long/path/to/firms/firm-without-a-name-9"
    path = tmp_path / "broken.ttl"
    path.write_text(f"<{iri}> a <https://w3id.org/chaingraph/ontology#Company> .\n", encoding="utf-8")
    result = run("validate", "--data", str(path))
    assert result.exit_code == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ Violation")]
    assert rows
    for line in rows:
        resource = line.split("│")[2].strip()
        assert resource and iri.endswith(resource.split("…")[-1]) and resource.startswith("https://")
        assert "https:/…" not in line
