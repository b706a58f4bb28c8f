"""Bring your own data: CSV import, exports for other tools, and round trips that lose nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from chaingraph.projection.tables import Tables
from chaingraph.store import open_store

from ..conftest import SHARED, fj, require, run_process

RELATIONS = "supplier,client,supplies,start,end,source\n"
FIRMS = "id,name_en,name_zh,located_in,chain,stage\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def union_without_ontology(store) -> Graph:
    graph = Graph()
    for quad in store.oxigraph:
        if quad.graph_name.value != "https://w3id.org/chaingraph/graph/ontology":
            graph.add(tuple(_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    return graph


def _term(term):
    from chaingraph.store import from_ox

    return from_ox(term)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_rdf_export_round_trip_is_isomorphic(run, tmp_path, fmt):
    target = tmp_path / f"fujian.{fmt}"
    assert run("export", "--format", fmt, "-o", str(target)).exit_code == 0
    original = open_store()
    reloaded = open_store([target], bundled=False)
    assert isomorphic(union_without_ontology(original), union_without_ontology(reloaded))


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_dataset_exports_keep_named_graphs_and_provenance(run, tmp_path, fmt):
    target = tmp_path / f"fujian.{fmt}"
    run("export", "--format", fmt, "-o", str(target))
    dataset = Dataset().parse(target, format={"trig": "trig", "nq": "nquads"}[fmt])
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/chaingraph/graph/supply" in names
    assert "https://w3id.org/chaingraph/graph/public-relations" in names
    supply = dataset.graph(next(g.identifier for g in dataset.graphs() if str(g.identifier).endswith("/supply")))
    assert len(list(supply.triples((None, None, None)))) > 50


def test_rdf_export_of_a_chain_keeps_its_part_and_stays_valid(run, tmp_path):
    target = tmp_path / "ningde.ttl"
    assert run("export", "--format", "ttl", "--chain", "ningde", "-o", str(target)).exit_code == 0
    part = open_store([target], bundled=False)
    assert part.ask("ASK { fj:catl cg:clientOf fj:hifen . fj:supply-hifen-catl prov:wasDerivedFrom ?s }")
    assert not part.ask("ASK { fj:want-want ?p ?o }")
    assert part.ask("ASK { fj:obs-ningde-output-2024 cg:value ?v }")
    from chaingraph.validation.report import validate

    assert validate(part).conforms


def test_graphml_reads_back_with_networkx(run, tmp_path):
    target = tmp_path / "ningde.graphml"
    assert run("export", "--format", "graphml", "--chain", "ningde", "-o", str(target)).exit_code == 0
    graph = nx.read_graphml(target)
    rows = json.loads(run("stats", "--chain", "ningde", "--format", "json").stdout)
    assert set(graph.nodes) == {row["id"] for row in rows}
    assert graph.number_of_edges() == sum(row["in_degree"] for row in rows)
    catl = graph.nodes[fj("catl")]
    expected = next(row for row in rows if row["id"] == fj("catl"))
    assert catl["label"] == "CATL" and catl["label_zh"] == "宁德时代"
    assert catl["kind"] == "firm" and catl["stage_label"] == "cell and battery manufacturing"
    assert catl["in_degree"] == expected["in_degree"]
    assert catl["pagerank"] == pytest.approx(expected["pagerank"])
    assert catl["articulation_point"] is True
    assert graph.has_edge(fj("hifen"), fj("catl"))
    assert "fujian-chain-collaboration#p5" in graph.edges[fj("hifen"), fj("catl")]["sources"]


def test_gexf_reads_back_with_networkx(run, tmp_path):
    target = tmp_path / "all.gexf"
    assert run("export", "--format", "gexf", "-o", str(target)).exit_code == 0
    graph = nx.read_gexf(target)
    assert fj("catl") in graph and graph.nodes[fj("catl")]["label_zh"] == "宁德时代"


def test_two_column_sheet_becomes_a_valid_graph_in_one_command(run, tmp_path):
    sheet = write(tmp_path / "sheet.csv", "Vendor,Buyer\nAcme Cells,Volt Motors\nLi Mine,Acme Cells\n")
    target = tmp_path / "mine.ttl"
    result = run(
        "import", "--relations", str(sheet), "--map", "supplier=Vendor", "--map", "client=Buyer", "-o", str(target)
    )
    assert result.exit_code == 0, result.stderr
    assert run("validate", "--data", str(target)).exit_code == 0
    rows = json.loads(run("stats", "--no-bundled", "--data", str(target), "--format", "json").stdout)
    acme = next(row for row in rows if row["label"] == "Acme Cells")
    assert (acme["in_degree"], acme["out_degree"], acme["upstream_reach"]) == (1, 1, 1)


def test_import_matches_places_chains_and_existing_firms(tmp_path):
    from chaingraph.interchange.csv_import import import_csv

    relations = write(tmp_path / "r.csv", RELATIONS + "NewCo,CATL,cathode powder,2024-01-01,,\n")
    firms = write(tmp_path / "f.csv", FIRMS + "NewCo,New Co,新公司,宁德市,ningde-lithium-battery,cathode materials\n")
    result = import_csv(Tables(relations=[relations], firms=[firms]), context=open_store())
    text = result.dump(pyoxigraph.RdfFormat.N_TRIPLES).decode()
    assert f"<{fj('ningde')}>" in text  # matched by Chinese name
    assert f"<{fj('stage-libat-cathode')}>" in text  # matched stage of the matched chain
    assert f"ontology#supplierOf> <{fj('catl')}>" in text
    assert result.matched["firm"] == 1 and result.created["place"] == 0


def test_minted_iris_are_stable_and_never_collide():
    from chaingraph.interchange.csv_import import mint

    ids = ["A", "a", "A B", "A%20B", "A/B", "A%2FB", "宁德", "x#y", "https://example.test/own"]
    iris = [mint("https://w3id.org/chaingraph/import/", "firm", i).value for i in ids]
    assert len(set(iris)) == len(ids)
    assert iris == [mint("https://w3id.org/chaingraph/import/", "firm", i).value for i in ids]
    assert iris[-1] == "https://example.test/own"
    assert all(" " not in iri for iri in iris)


def test_csv_import_export_import_gives_the_same_graph(run, tmp_path):
    relations = write(
        tmp_path / "r.csv",
        # A byte-order mark, a quoted comma, a formula in a cell, matched and created places.
        "\ufeff" + RELATIONS + 'A,B,"gears, bolts",2024-01-01,2024-06-30,\nB,C,=SUM(A1),,,https://example.test/page\n',
    )
    firms = write(
        tmp_path / "f.csv",
        FIRMS + "A,Alpha,甲,Ningde,My chain,parts\nB,'=cmd|' /C calc'!A0,,Xiamen,My chain,assembly\n"
        "C,Gamma,丙,Nowhere Town,,\n",
    )
    first = tmp_path / "first.ttl"
    assert run("import", "--relations", str(relations), "--firms", str(firms), "-o", str(first)).exit_code == 0
    edges, nodes = tmp_path / "edges.csv", tmp_path / "nodes.csv"
    assert run("export", "--no-bundled", "--data", str(first), "--format", "csv", "-o", str(edges)).exit_code == 0
    assert (
        run(
            "export", "--no-bundled", "--data", str(first), "--format", "csv", "--table", "firms", "-o", str(nodes)
        ).exit_code
        == 0
    )
    second = tmp_path / "second.ttl"
    result = run("import", "--relations", str(edges), "--firms", str(nodes), "-o", str(second))
    assert result.exit_code == 0, result.stderr
    a = projection(first)
    b = projection(second)
    assert set(a.nodes) == set(b.nodes)
    assert set(a.edges) == set(b.edges)
    for node in a:
        for key in ("label", "label_zh", "place_label", "stage_label"):
            assert a.nodes[node][key] == b.nodes[node][key], (node, key)


def projection(path: Path) -> nx.DiGraph:
    from chaingraph.projection.read import project

    return project(open_store([path], bundled=False))


def test_csv_export_neutralises_formulas(run, tmp_path):
    data = write(
        tmp_path / "evil.ttl",
        "@prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.test/e> a cg:Company ; rdfs:label "=HYPERLINK(\\"http://x\\")"@en ;'
        " cg:supplierOf <https://example.test/f> .\n"
        '<https://example.test/f> a cg:Company ; rdfs:label "@SUM(1)"@en .\n',
    )
    for table in ("firms", "edges"):
        out = run("export", "--no-bundled", "--data", str(data), "--format", "csv", "--table", table).stdout
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), cell
    stats = run("stats", "--no-bundled", "--data", str(data), "--format", "csv").stdout
    assert "'=HYPERLINK" in stats and "'@SUM(1)" in stats


BAD_CSV = [
    ("missing header", "Vendor,client\nA,B\n", "missing column 'supplier'"),
    ("ragged row", RELATIONS + "A,B,x,,,\nA,B\n", ":3: 2 fields, but the header has 6"),
    ("empty supplier", RELATIONS + ",B,,,,\n", ":2: empty supplier"),
    ("bad date", RELATIONS + "A,B,,2024-02-30,,\n", ":2: start '2024-02-30' is not a valid date"),
    ("slashed date", RELATIONS + "A,B,,2023/01/01,,\n", ":2: start '2023/01/01' is not a valid date"),
    ("a word as date", RELATIONS + "A,B,,,yesterday,\n", ":2: end 'yesterday' is not a valid date"),
    ("NaN as date", RELATIONS + "A,B,,NaN,,\n", ":2: start 'NaN' is not a valid date"),
    ("month 13", RELATIONS + "A,B,,2023-13,,\n", ":2: start '2023-13' is not a valid date"),
    ("start after end", RELATIONS + "A,B,,2024-05,2023-12-31,\n", ":2: the period starts (2024-05) after it ends"),
    (
        "a place's IRI as a firm id",
        RELATIONS + "https://w3id.org/chaingraph/fujian/ningde,B,,,,\n",
        ":2: https://w3id.org/chaingraph/fujian/ningde is the graph's cg:PrefectureLevelCity, not a firm",
    ),
    (
        "a chain's IRI as a firm id",
        RELATIONS + "A,https://w3id.org/chaingraph/fujian/jinjiang-food,,,,\n",
        "jinjiang-food is the graph's cg:IndustrialChain, not a firm",
    ),
    ("unterminated quote", RELATIONS + 'A,"B,,,,\n', "r.csv:"),
    ("no header at all", "", "no header row"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_bad_csv_names_file_and_line_and_writes_nothing(tmp_path, name, text, message):
    relations = write(tmp_path / "r.csv", text)
    target = tmp_path / "out.ttl"
    result = run_process("import", "--relations", str(relations), "-o", str(target))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_bad_encoding_is_reported_with_its_line(tmp_path):
    relations = tmp_path / "r.csv"
    relations.write_bytes(RELATIONS.encode() + "Müller,B,,,,\n".encode("latin-1"))
    result = run_process("import", "--relations", str(relations))
    assert result.returncode == 2
    assert f"{relations}:2: not UTF-8" in result.stderr


def test_duplicate_firm_ids(tmp_path):
    relations = write(tmp_path / "r.csv", RELATIONS + "A,B,,,,\n")
    firms = write(tmp_path / "f.csv", FIRMS + "A,Alpha,,,,\nB,Beta,,,,\nA,Again,,,,\n")
    result = run_process("import", "--relations", str(relations), "--firms", str(firms))
    assert result.returncode == 2
    assert "f.csv:4: duplicate id 'A' (first on line 2)" in result.stderr


def test_unknown_map_field(tmp_path):
    relations = write(tmp_path / "r.csv", RELATIONS)
    result = run_process("import", "--relations", str(relations), "--map", "vendor=Vendor")
    assert result.returncode == 2 and "unknown field 'vendor'" in result.stderr


def test_import_never_overwrites_without_force(run, tmp_path):
    relations = write(tmp_path / "r.csv", RELATIONS + "A,B,,,,\n")
    target = write(tmp_path / "mine.ttl", "precious")
    result = run("import", "--relations", str(relations), "-o", str(target))
    assert result.exit_code == 2 and target.read_text() == "precious"
    assert run("import", "--relations", str(relations), "-o", str(target), "--force").exit_code == 0
    assert "supplierOf" in target.read_text()


def willems(number: str) -> Path:
    require((SHARED / "datasets" / "willems-2008").is_dir(), "the shared Willems data sets")
    return SHARED / "datasets" / "willems-2008" / f"{number}.csv"


WILLEMS_MAP = [
    "--header-row",
    "2",
    "--map",
    "supplier=/arcs/arc/@from",
    "--map",
    "client=/arcs/arc/@to",
    "--map",
    "id=/stages/stage/@stageName",
    "--map",
    "stage=/stages/stage/@stageClassification",
]


def willems_counts(path: Path) -> tuple[int, int]:
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))[2:]
    header = next(csv.reader([path.read_text(encoding="utf-8-sig").splitlines()[1]]))
    stage, source = header.index("/stages/stage/@stageName"), header.index("/arcs/arc/@from")
    return sum(1 for r in rows if r[stage]), sum(1 for r in rows if r[source])


@pytest.mark.parametrize("number", ["01", "38"])
def test_willems_supply_chains_import_and_analyse(tmp_path, number):
    source = willems(number)
    stages, arcs = willems_counts(source)
    target = tmp_path / f"willems-{number}.ttl"
    result = run_process(
        "import",
        "--relations",
        str(source),
        "--firms",
        str(source),
        *WILLEMS_MAP,
        "--chain",
        f"willems-{number}",
        "-o",
        str(target),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    graph = projection(target)
    assert graph.number_of_nodes() == stages
    assert graph.number_of_edges() == arcs
    assert nx.is_directed_acyclic_graph(graph)
    stats = run_process("stats", "--no-bundled", "--data", str(target), "--format", "json", timeout=600)
    assert stats.returncode == 0, stats.stderr
    assert len(json.loads(stats.stdout)) == stages
    view = run_process(
        "view", f"willems-{number}", "--no-bundled", "--data", str(target), "--level", "firm", cwd=tmp_path, timeout=600
    )
    assert view.returncode == 0, view.stderr
    assert (tmp_path / f"willems-{number}.html").stat().st_size > 10_000


# --- imports that gave wrong answers with exit 0 (issue 15) ----------------------------------


def test_two_files_of_the_same_name_keep_their_own_relations(run, tmp_path):
    older = write(tmp_path / "y2020" / "rel.csv", RELATIONS + "A,B,cells,2020-01-01,,\n")
    newer = write(tmp_path / "y2023" / "rel.csv", RELATIONS + "A,B,modules,2023-01-01,,\n")
    for source, target in ((older, "2020.ttl"), (newer, "2023.ttl")):
        assert run("import", "--relations", str(source), "-o", str(tmp_path / target)).exit_code == 0
    both = open_store([tmp_path / "2020.ttl", tmp_path / "2023.ttl"], bundled=False)
    rows = both.select(
        "SELECT ?relation (COUNT(DISTINCT ?product) AS ?products) (COUNT(DISTINCT ?source) AS ?sources) "
        "WHERE { ?relation a cg:SupplyRelation ; cg:supplies ?product ; prov:wasDerivedFrom ?source } "
        "GROUP BY ?relation"
    ).rows
    assert len(rows) == 2
    assert all(int(row["products"]) == 1 and int(row["sources"]) == 1 for row in rows)


def test_one_column_for_supplier_and_client_is_refused(tmp_path):
    sheet = write(tmp_path / "sheet.csv", "Vendor,Buyer\nAcme,Volt\n")
    result = run_process(
        "import", "--relations", str(sheet), "--map", "supplier=Vendor", "--map", "client=Vendor", cwd=tmp_path
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "supplier and client both read column 'Vendor'" in result.stderr
    assert list(tmp_path.iterdir()) == [sheet]


def test_an_iri_of_a_bundled_firm_links_to_it_and_adds_nothing_to_it(run, tmp_path):
    catl = fj("catl")
    relations = write(tmp_path / "r.csv", RELATIONS + f"Acme,{catl},,,,\n")
    target = tmp_path / "mine.ttl"
    assert run("import", "--relations", str(relations), "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "locationUnknown" in text  # Acme, the new firm, has no location
    graph = Graph().parse(target)
    from rdflib import URIRef

    assert list(graph.predicate_objects(URIRef(catl))) == []
    assert (None, None, URIRef(catl)) in graph


def test_a_record_over_several_lines_cites_the_line_it_starts_on(tmp_path):
    from chaingraph.interchange.csv_import import import_csv

    relations = write(tmp_path / "r.csv", RELATIONS + 'A,B,"cells,\nin two lines",,,\nB,C,,,,\n')
    text = import_csv(relations).dump(pyoxigraph.RdfFormat.N_TRIPLES).decode()
    assert "/r.csv#row=2>" in text and "/r.csv#row=4>" in text
    assert "/r.csv#row=3>" not in text


def test_a_bad_byte_far_into_a_large_sheet_is_reported_at_its_line(tmp_path):
    # Past the first buffers the reader decodes, so the line cannot come from one decoding error.
    relations = tmp_path / "r.csv"
    good = "".join(f"firm-{i},firm-{i + 1},,,,\n" for i in range(20_000))
    relations.write_bytes(RELATIONS.encode() + good.encode() + "Müller,B,,,,\n".encode("latin-1"))
    result = run_process("import", "--relations", str(relations), "--skip-validation")
    assert result.returncode == 2
    assert f"{relations}:20002: not UTF-8" in result.stderr


def test_the_csv_reader_streams_rows_before_the_end_of_the_file(tmp_path):
    from chaingraph.errors import InputError
    from chaingraph.interchange.csv_import import RELATION_FIELDS, CsvRows

    relations = write(tmp_path / "r.csv", RELATIONS + "A,B,,,,\n" + "C,D,,,,\n" * 1000 + "too,few\n")
    rows = iter(CsvRows(relations, RELATION_FIELDS, "relations", {}))
    assert next(rows) == (2, {"supplier": "A", "client": "B", "supplies": "", "start": "", "end": "", "source": ""})
    with pytest.raises(InputError, match=r"r\.csv:1003: 2 fields"):
        list(rows)


def test_old_mac_line_endings_read_as_lines(tmp_path):
    from chaingraph.interchange.csv_import import import_csv

    relations = tmp_path / "r.csv"
    relations.write_bytes(b"supplier,client\rA,B\rB,C\r")
    result = import_csv(relations)
    assert result.relations == 2 and "/r.csv#row=3>" in result.dump(pyoxigraph.RdfFormat.N_TRIPLES).decode()


def test_import_reports_progress_by_rows_and_bytes_then_validates(tmp_path):
    from chaingraph.interchange.csv_import import import_csv

    relations = write(tmp_path / "r.csv", RELATIONS + "".join(f"f{i},f{i + 1},,,,\n" for i in range(2500)))
    firms = write(tmp_path / "f.csv", FIRMS + "f0,Zero,,,,\n")
    seen = []
    import_csv(Tables(relations=[relations], firms=[firms]), context=open_store(), validate=True, progress=seen.append)
    total = relations.stat().st_size + firms.stat().st_size
    reading = [state for state in seen if state.phase == "reading"]
    assert [state.rows for state in reading] == [1000, 2000, 2501]
    assert all(state.total == total for state in seen)
    assert [state.done for state in reading] == sorted(state.done for state in reading) and reading[-1].done == total
    assert seen[-1].phase == "validating"


def test_a_rejected_import_leaves_the_context_as_it_was(tmp_path):
    from chaingraph.errors import InputError
    from chaingraph.interchange.csv_import import import_csv

    # The sheet links to a company of the context that has no location: the whole is checked.
    company = '<urn:x:a> a <https://w3id.org/chaingraph/ontology#Company> ; <{}> "A"@en .'.format(
        "http://www.w3.org/2000/01/rdf-schema#label"
    )
    context = open_store([write(tmp_path / "x.ttl", company)])
    before = set(context.oxigraph)
    relations = write(tmp_path / "r.csv", RELATIONS + "urn:x:a,B,,,,\n")
    with pytest.raises(InputError, match="breaks 1 SHACL rules"):
        import_csv(relations, context=context, validate=True)
    assert set(context.oxigraph) == before


def test_import_progress_shows_rows_per_second_on_a_terminal(tmp_path):
    from ..cli.test_terminal import _run_in_terminal

    relations = write(tmp_path / "r.csv", RELATIONS + "".join(f"f{i},f{i + 1},,,,\n" for i in range(30_000)))
    command = ["import", "--relations", str(relations), "-o", str(tmp_path / "o.ttl")]
    code, lines, _ = _run_in_terminal(command, 120, stderr_too=True)
    screen = "\n".join(lines)
    assert code == 0, screen
    assert re.search(r"[\d,]+ rows\s+[\d,]+ rows/s", screen), screen
    assert "imported 30,001 firms and 30,000 relations" in screen


def test_periods_at_the_precision_the_sheet_gives_are_kept(tmp_path):
    relations = write(tmp_path / "r.csv", RELATIONS + "A,B,,2023,2023-06,\nA,C,,2023-05-01,2023,\n")
    target = tmp_path / "out.ttl"
    result = run_process("import", "--relations", str(relations), "-o", str(target))
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert '"2023/2023-06"' in text and '"2023-05-01/2023"' in text


def test_import_says_what_it_did_in_plain_english(tmp_path):
    relations = write(tmp_path / "r.csv", "supplier,client,note\nCATL,Tiny Co,x\n,,only a note\n")
    result = run_process("import", "--relations", str(relations), "-o", str(tmp_path / "out.ttl"))
    assert result.returncode == 0, result.stderr
    assert "imported 1 firm and 1 relation; linked to the graph's: 1 firm; skipped 1 row" in result.stderr
    assert "{" not in result.stderr  # no Python dict


def test_impact_counts_in_plain_english(run):
    result = run("impact", "Hifen Testing Technology")
    assert "1 direct client," in result.stdout, result.stdout


def test_a_row_without_a_source_cites_its_line_in_the_described_file(tmp_path):
    """Each row's source is ``<file source>#row=N``; the file's source is described once, and each
    relation is named after the sheet's content and its line."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from chaingraph.interchange.csv_import import import_csv
    from chaingraph.vocab import CG, PROV

    relations = write(tmp_path / "r.csv", RELATIONS + "A,B,,,,\nB,C,,,,https://example.org/press\nA,B,,,,\n")
    graph = Graph().parse(data=import_csv(relations).dump(pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    relation_nodes = sorted(graph.subjects(RDF.type, CG.SupplyRelation))
    assert len(relation_nodes) == 3  # a row each, the repeated pair too
    assert sorted(str(node).rsplit("/", 1)[1] for node in relation_nodes) == ["2", "3", "4"]
    cited = {str(graph.value(node, PROV.wasDerivedFrom)) for node in relation_nodes}
    files = list(graph.subjects(RDF.type, CG.Source))
    described = [f for f in files if graph.value(f, RDFS.label) == Literal("r.csv")]
    assert len(described) == 1
    assert cited == {f"{described[0]}#row=2", f"{described[0]}#row=4", "https://example.org/press"}
    assert (URIRef(f"{described[0]}#row=2"), None, None) not in graph  # no triples per row source
