"""Stages from what firms supply (issue 43, item 4).

The expected stages come from what the products are (电解液 is electrolyte, 前驱体 a cathode
precursor, 动力电池 power batteries), written here from the trade's meaning, and from the rule as
the issue states it: a firm with no stage takes the one stage its products name; products naming
several stages leave it unstaged and listed; a stage a sheet gives is kept.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from chaingraph.names import ProductVocabulary, product_form, stages_from_products
from chaingraph.projection.read import project_columns
from chaingraph.projection.selection import Scope
from chaingraph.projection.source import NetworkSource
from chaingraph.projection.tables import Tables
from chaingraph.store import open_store
from chaingraph.vocab import CG, FJ

from ..conftest import ROOT

#: The registry sheet of issue 42, as a user's registry export gives it.
REGISTRY = """supplier,client,supplies,source
湖南裕能新能源电池材料股份有限公司,宁德时代新能源科技股份有限公司,磷酸铁锂,registry-2025
广州天赐高新材料股份有限公司,宁德时代新能源科技股份有限公司,电解液,registry-2025
深圳新宙邦科技股份有限公司,宁德时代新能源科技股份有限公司,电解液,registry-2025
宁德时代新能源科技股份有限公司,蔚来汽车,动力电池,registry-2025
宁德时代新能源科技股份有限公司 ,特斯拉（上海）有限公司,动力电池,registry-2025
福建某某电池材料有限公司,湖南裕能新能源电池材料股份有限公司,前驱体,registry-2025
"""


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def _stage_by_label(projection) -> dict[str, str]:
    return {
        label: stage
        for label, stage in zip(projection.columns["label"], projection.columns["stage"], strict=True)
        if stage
    }


def test_the_registry_sheets_suppliers_are_at_the_stages_their_products_name(registry):
    projection = NetworkSource(open_store(), Tables(relations=[registry])).projection()
    stages = _stage_by_label(projection)
    assert stages["深圳新宙邦科技股份有限公司"] == str(FJ["stage-libat-electrolyte"])
    assert stages["福建某某电池材料有限公司"] == str(FJ["stage-libat-cathode"])
    # Each inference keeps its reason: the products that named the stage.
    inferred = {projection.columns["label"][projection.nodes.index(firm)]: found
                for firm, found in projection.meta["stages_from_products"].items()}  # fmt: skip
    assert inferred["深圳新宙邦科技股份有限公司"]["products"] == ["电解液"]
    # A firm with a stage of its own keeps it (Tinci is at electrolytes in the graph, CATL at cells).
    assert "Tinci Materials" not in inferred and "CATL" not in inferred


def test_removing_the_electrolyte_stage_removes_the_sheets_electrolyte_suppliers(run, registry):
    result = run("impact", "--remove", "stage:electrolytes", "--relations", str(registry), "--format", "json")
    assert result.exit_code == 0, result.stderr
    removed = {row["label"] for row in json.loads(result.stdout)["disrupted"] if row["tier"] == 0}
    assert {"深圳新宙邦科技股份有限公司", "Tinci Materials"} <= removed
    assert "placed at a stage by what they supply (inferred)" in result.stderr


def test_the_import_and_the_sheet_give_the_same_stages(run, registry, tmp_path):
    imported = tmp_path / "registry.ttl"
    result = run("import", "--relations", str(registry), "-o", str(imported))
    assert result.exit_code == 0, result.stderr
    from_sheet = NetworkSource(open_store(), Tables(relations=[registry])).projection()
    from_rdf = project_columns(open_store([imported]))
    assert dict(zip(from_rdf.nodes, from_rdf.columns["stage"], strict=True)) == dict(
        zip(from_sheet.nodes, from_sheet.columns["stage"], strict=True)
    )
    assert from_rdf.meta["stages_from_products"] == from_sheet.meta["stages_from_products"]
    stats = run("stats", "--data", str(imported), "--top", "1")
    assert "2 firms placed at a stage by what they supply (inferred)" in stats.stderr + stats.stdout


def test_products_of_two_stages_leave_a_firm_unstaged_and_listed(run, tmp_path):
    sheet = tmp_path / "mixed.csv"
    sheet.write_text(
        "supplier,client,supplies\nMixed Materials,CATL,LFP cathode\nMixed Materials,CATL,electrolyte\n"
        "Pen Maker,CATL,ballpoint pens\n",
        encoding="utf-8",
    )
    projection = NetworkSource(open_store(), Tables(relations=[sheet])).projection()
    stages = dict(zip(projection.columns["label"], projection.columns["stage"], strict=True))
    assert stages["Mixed Materials"] == "" and stages["Pen Maker"] == ""
    several = projection.meta["products_of_several_stages"]
    assert [sorted(found) for found in several.values()] == [
        sorted([str(FJ["stage-libat-cathode"]), str(FJ["stage-libat-electrolyte"])])
    ]
    result = run("stats", "--relations", str(sheet), "--top", "1")
    assert "1 firm left with no stage, their products naming several: Mixed Materials" in result.stderr


def test_a_stage_the_firms_sheet_gives_is_kept(tmp_path):
    firms = tmp_path / "firms.csv"
    firms.write_text(
        "id,name_en,chain,stage\nacme,Acme Separators,ningde-lithium-battery,separators\n", encoding="utf-8"
    )
    relations = tmp_path / "relations.csv"
    relations.write_text("supplier,client,supplies\nacme,CATL,electrolyte\n", encoding="utf-8")
    projection = NetworkSource(open_store(), Tables(relations=[relations], firms=[firms])).projection()
    stages = _stage_by_label(projection)
    assert stages["Acme Separators"] == str(FJ["stage-libat-separator"])
    assert not projection.meta["stages_from_products"]


@pytest.mark.parametrize(
    ("product", "stage"),
    [
        ("LFP cathodes", "stage-libat-cathode"),
        ("磷酸铁锂正极材料", "stage-libat-cathode"),
        ("三元前驱体", "stage-libat-cathode"),
        ("Wet-process separator film", "stage-libat-separator"),
        ("六氟磷酸锂", "stage-libat-electrolyte"),
        ("電解液", "stage-libat-electrolyte"),  # traditional characters
        ("ＬｉＰＦ６", "stage-libat-electrolyte"),  # full width
        ("Chip testing", "stage-ic-packaging-testing"),  # the longer name wins over "testing"
        ("battery testing services", "stage-libat-testing"),
        ("sports shoes", "stage-shoe-manufacturing"),
        ("鞋底", "stage-shoe-procurement"),
    ],
)
def test_the_bundled_vocabulary_names_the_stage(store, product, stage):
    from chaingraph.projection.read import read_facts

    vocabulary = ProductVocabulary(read_facts(store).stage_vocabulary)
    assert vocabulary.stages_of(product) == {str(FJ[stage])}


@pytest.mark.parametrize("product", ["copper", "ballpoint pens", "lithium carbonate", "锂"])
def test_a_product_the_vocabulary_lacks_names_no_stage(store, product):
    from chaingraph.projection.read import read_facts

    assert not ProductVocabulary(read_facts(store).stage_vocabulary).stages_of(product)


def test_no_name_of_the_bundled_vocabulary_belongs_to_two_stages():
    graph = Graph()
    for name in ("stage-vocabulary", "chains"):
        graph.parse(ROOT / "graph" / f"{name}.ttl")
    stages_of: dict[str, set] = defaultdict(set)
    for product in graph.subjects(RDF.type, CG.ProductOrService):
        stage = graph.value(product, CG.atStage)
        assert stage is not None, product
        labels = {str(label.language)[:2] for label in graph.objects(product, SKOS.prefLabel)}
        assert labels == {"en", "zh"}, product
        for predicate in (SKOS.prefLabel, SKOS.hiddenLabel):
            for label in graph.objects(product, predicate):
                stages_of[product_form(label)].add(stage)
    assert stages_of
    assert {name: stages for name, stages in stages_of.items() if len(stages) > 1} == {}


def test_stages_from_products_is_independent_of_the_order_products_come_in():
    vocabulary = ProductVocabulary([("电解液", "e"), ("LFP", "c"), ("隔膜", "s")])
    forward = stages_from_products({"a": ["电解液", "x"], "b": ["LFP", "隔膜"]}, vocabulary)
    backward = stages_from_products({"b": ["隔膜", "LFP"], "a": ["x", "电解液"]}, vocabulary)
    assert dict(forward) == dict(backward) and forward.several == backward.several == {"b": ["c", "s"]}


# --- a user's own vocabulary: --stages FILE --------------------------------------------------------

OWN_SHEET = "supplier,client,supplies\nSolvent Co,CATL,Solvents\nLithium Salt Works,Tinci,碳酸锂\n"


@pytest.fixture
def own_vocabulary(tmp_path):
    sheet = tmp_path / "own.csv"
    sheet.write_text(OWN_SHEET, encoding="utf-8")
    vocabulary = tmp_path / "products.csv"
    # One stage by its English name, one by its CURIE: neither product is in the bundled vocabulary.
    vocabulary.write_text("product,stage\nsolvents,electrolytes\n碳酸锂,fj:stage-libat-cathode\n", encoding="utf-8")
    return sheet, vocabulary


def test_a_users_vocabulary_places_firms_the_bundled_one_does_not(own_vocabulary):
    sheet, vocabulary = own_vocabulary
    without = _stage_by_label(NetworkSource(open_store(), Tables(relations=[sheet])).projection())
    assert "Solvent Co" not in without and "Lithium Salt Works" not in without
    stages = _stage_by_label(NetworkSource(open_store(), Tables(relations=[sheet], stages=[vocabulary])).projection())
    assert stages["Solvent Co"] == str(FJ["stage-libat-electrolyte"])  # "Solvents" holds "solvents", plural aside
    assert stages["Lithium Salt Works"] == str(FJ["stage-libat-cathode"])


def test_a_users_vocabulary_gives_the_import_the_same_stages(run, own_vocabulary, tmp_path):
    sheet, vocabulary = own_vocabulary
    imported = tmp_path / "own.ttl"
    result = run("import", "--relations", str(sheet), "--stages", str(vocabulary), "-o", str(imported))
    assert result.exit_code == 0, result.stderr
    from_sheet = NetworkSource(open_store(), Tables(relations=[sheet], stages=[vocabulary])).projection()
    from_rdf = project_columns(open_store([imported]))
    assert from_rdf.meta["stages_from_products"] == from_sheet.meta["stages_from_products"]
    assert len(from_rdf.meta["stages_from_products"]) == 2
    tables = run("stats", "--relations", str(sheet), "--stages", str(vocabulary), "--format", "json")
    rdf = run("stats", "--data", str(imported), "--format", "json")
    assert tables.exit_code == rdf.exit_code == 0, tables.stderr + rdf.stderr
    staged = {row["label"]: row["stage"] for row in json.loads(tables.stdout)}
    assert staged == {row["label"]: row["stage"] for row in json.loads(rdf.stdout)}
    assert staged["Solvent Co"] == "electrolytes"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("product,stage\nx,nowhere\n", "products.csv:2: no stage is named 'nowhere'"),
        ("product,stage\nx,\n", "products.csv:2: empty stage"),
        ("product,stage\n,testing\n", "products.csv:2: empty product"),
        ("stage,essential_for\ntesting,\n", "products.csv:2: empty product"),
        ("stage,essential_for\ntesting,nowhere\n", "products.csv:2: no stage is named 'nowhere'"),
        ("stage,essential_for\ntesting,testing\n", "products.csv:2: stage 'testing' cannot be an essential input"),
        ("product\nx\n", "products.csv"),
    ],
)
@pytest.mark.parametrize("command", ["stats", "import"])
def test_a_bad_vocabulary_is_one_line_naming_file_and_line(run, own_vocabulary, rows, message, command):
    sheet, vocabulary = own_vocabulary
    vocabulary.write_text(rows, encoding="utf-8")
    result = run(command, "--relations", str(sheet), "--stages", str(vocabulary))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_a_stage_name_two_chains_share_must_be_given_by_iri(run, own_vocabulary, tmp_path):
    sheet, vocabulary = own_vocabulary
    firms = tmp_path / "firms.csv"  # a second chain with a stage named like Ningde's "testing"
    firms.write_text("id,name_en,chain,stage\nlab,Lab Co,My chain,testing\n", encoding="utf-8")
    vocabulary.write_text("product,stage\ninspection,testing\n", encoding="utf-8")
    result = run("stats", "--relations", str(sheet), "--firms", str(firms), "--stages", str(vocabulary))
    assert result.exit_code == 2
    assert "'testing' names 2 stages" in result.stderr and "give one's IRI" in result.stderr


def test_stages_without_a_sheet_is_refused(run, own_vocabulary):
    _, vocabulary = own_vocabulary
    result = run("stats", "--stages", str(vocabulary))
    assert result.exit_code == 2 and "--stages applies to --relations and --firms sheets" in result.stderr


def test_a_view_says_a_stage_was_inferred_and_from_what(registry):
    from chaingraph.views import view

    from ..views.test_view import _page_nodes

    nodes = _page_nodes(view(NetworkSource(open_store(), Tables(relations=[registry])), Scope(chain="ningde")))
    titles = {attrs["title"].split("\n", 1)[0]: attrs["title"] for attrs in nodes.values()}
    assert "stage: electrolytes\n  inferred from what it supplies: 电解液" in titles["深圳新宙邦科技股份有限公司"]
    assert "inferred from what it supplies" not in titles["Tinci Materials / 广州天赐高新材料股份有限公司"]


def test_a_stages_sheet_states_essential_inputs_for_tables_and_import_alike(run, own_vocabulary, tmp_path):
    """``essential_for`` on a stages sheet states the row's stage an essential input of the stages
    it names (cg:essentialFor, beside the graph's): with testing stated essential to cell making,
    removing Hifen, CATL's only tester, starves CATL, and then NIO and Tesla; without it, it
    disrupts no one (testing is not among cell making's essential inputs in the bundled chains).
    The sheet read as a table and its import read back give the same scenario."""
    sheet, vocabulary = own_vocabulary
    vocabulary.write_text(
        "product,stage,essential_for\nsolvents,electrolytes,\n,testing,cell and battery manufacturing\n",
        encoding="utf-8",
    )

    def disrupted(*arguments: str) -> dict[str, int]:
        result = run("impact", "--remove", "firm:Hifen", "--chain", "ningde", "--format", "json", *arguments)
        assert result.exit_code == 0, result.stderr
        return {row["label"]: row["tier"] for row in json.loads(result.stdout)["disrupted"]}

    assert disrupted("--relations", str(sheet)) == {"Hifen Testing Technology": 0}
    from_tables = disrupted("--relations", str(sheet), "--stages", str(vocabulary))
    assert from_tables == {"Hifen Testing Technology": 0, "CATL": 1, "NIO": 2, "Tesla": 2}
    imported = tmp_path / "own.ttl"
    result = run("import", "--relations", str(sheet), "--stages", str(vocabulary), "-o", str(imported))
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(imported)
    assert (FJ["stage-libat-testing"], CG.essentialFor, FJ["stage-libat-cell-manufacturing"]) in graph
    assert disrupted("--data", str(imported)) == from_tables
