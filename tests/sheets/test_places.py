"""Places from addresses, anywhere (issue 43, item 3).

The expected places are the administrative divisions as China's official list codes them (蕉城区
350902 in 宁德市 3509 in 福建省 35; 苏州市 3205 in 江苏省 32; 宿州市 3413 in 安徽省 34; 黄浦区 310101 in
上海市 31) and ISO 3166 (VN-56 Bắc Ninh), written here from those lists, not from the code.
"""

from __future__ import annotations

import json

import pytest

from chaingraph.sheets.places import lineage, place_named

from ..conftest import run_process


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("福建省宁德市蕉城区漳湾镇新港路2号", "CN-350902"),
        ("宁德市蕉城区", "CN-350902"),
        ("苏州", "CN-320500"),
        ("Suzhou, Jiangsu, China", "CN-320500"),
        ("Suzhou, Anhui", "CN-341300"),
        ("Suzhou", "CN"),  # 苏州 or 宿州: only the country is certain
        ("SUZHOU CITY", "CN"),
        ("上海市黄浦区南京东路100号", "CN-310101"),  # 南京 here is a road's name
        ("No. 8 Nanjing Road, Shanghai Shi", "CN-310000"),
        ("He Yuan,", "CN-441600"),
        ("DALIAN CITY", "CN-210200"),
        ("Guangzhou City, Guangdong Province", "CN-440100"),
        ("Xi'an, Shaanxi", "CN-610100"),
        ("Inner Mongolia", "CN-150000"),
        ("Bac Ninh, Viet Nam", "VN-56"),
        # Counties by their pinyin names, beside their city or province (many share a name):
        ("Jiaocheng District, Ningde, Fujian", "CN-350902"),  # 蕉城区; 交城县 (Shanxi) is Jiaocheng too
        ("Huangpu District, Guangzhou", "CN-440112"),  # 黄埔区
        ("Huangpu, Shanghai", "CN-310101"),  # 黄浦区
        ("Gulou District, Nanjing", "CN-320106"),  # 鼓楼区; Fuzhou, Xuzhou and Kaifeng have one too
        ("Chaoyang District, Beijing", "CN-110105"),  # 朝阳区: 朝 read chao, not zhao
        ("Pudong New Area, Shanghai", "CN-310115"),  # 浦东新区
        # Countries by their Chinese names (ISO 3166's, as translated by the iso-codes project):
        ("越南北宁省", "VN"),
        ("美国加利福尼亚州", "US"),
        ("韩国首尔", "KR"),  # the short name in common use, beside 大韩民国
        ("德国巴伐利亚", "DE"),
        ("Vietnam", "VN"),
    ],
)
def test_an_address_names_its_most_specific_certain_place(address, key):
    found = place_named(address)
    assert found is not None and found.key == key, (address, found)


@pytest.mark.parametrize("text", ["Acme Cells", "Industrial Zone 9", "", "  ", "123"])
def test_what_names_no_place_is_placed_nowhere(text):
    assert place_named(text) is None


def test_a_place_lies_in_its_parents_country_first():
    found = place_named("福建省宁德市蕉城区")
    assert [place.key for place in lineage(found)] == ["CN", "CN-350000", "CN-350900", "CN-350902"]
    assert found.code == "350902" and found.name_zh == "蕉城区"


FIRMS = """id,name_en,located_in
alpha,Alpha Cathode,福建省宁德市蕉城区漳湾镇新港路2号
beta,Beta Electrolyte,"Suzhou, Jiangsu, China"
gamma,Gamma Foil,"Bac Ninh, Viet Nam"
delta,Delta Separator,Suzhou
epsilon,Epsilon Cells,Shenzhen
zeta,Zeta Parts,Atlantis Industrial Zone 9
"""
RELATIONS = """supplier,client
alpha,CATL
beta,CATL
gamma,CATL
delta,CATL
epsilon,alpha
zeta,beta
"""


@pytest.fixture
def sheets(tmp_path):
    firms, relations = tmp_path / "firms.csv", tmp_path / "relations.csv"
    firms.write_text(FIRMS, encoding="utf-8")
    relations.write_text(RELATIONS, encoding="utf-8")
    return relations, firms


def ids(stdout: str) -> set[str]:
    return {row["id"].rsplit("/", 1)[-1] for row in json.loads(stdout)}


def test_regions_a_sheet_gives_by_address_select_its_firms(sheets):
    relations, firms = sheets
    tables = ("--relations", str(relations), "--firms", str(firms))

    def in_region(region: str) -> set[str]:
        result = run_process("stats", "--format", "json", "--region", region, *tables)
        assert result.returncode == 0, result.stderr
        return ids(result.stdout)

    assert in_region("Jiangsu") == {"beta"}
    assert in_region("江苏") == {"beta"}
    assert {"alpha", "catl"} <= in_region("Ningde") and "beta" not in in_region("Ningde")
    assert in_region("Viet Nam") == {"gamma"} == in_region("Vietnam")
    assert in_region("Guangdong") == {"epsilon"}
    # 苏州 or 宿州: Delta is in China, in no province
    china = in_region("China")
    assert {"alpha", "beta", "delta", "epsilon"} <= china and "gamma" not in china and "zeta" not in china
    said = " ".join(run_process("stats", *tables).stderr.split())  # one line, however the terminal wraps it
    assert "1 located_in cell names no place known" in said and "Atlantis Industrial Zone 9" in said


def test_a_sheet_with_addresses_as_tables_and_imported_gives_the_same_answers(sheets, tmp_path):
    relations, firms = sheets
    imported = tmp_path / "imported.ttl"
    result = run_process("import", "--relations", str(relations), "--firms", str(firms), "-o", str(imported))
    assert result.returncode == 0, result.stderr
    assert "1 located_in cell names no place known" in " ".join(result.stderr.split())
    for command in (
        ["stats", "--format", "json", "--region", "Jiangsu"],
        ["stats", "--format", "json", "--region", "China"],
        ["impact", "--remove", "region:Guangdong", "--format", "json"],
        ["impact", "--remove", "region:Vietnam", "--format", "json"],
    ):
        as_tables = run_process(*command, "--relations", str(relations), "--firms", str(firms))
        as_rdf = run_process(*command, "--data", str(imported))
        assert as_tables.returncode == as_rdf.returncode == 0, (as_tables.stderr, as_rdf.stderr)
        assert as_tables.stdout == as_rdf.stdout, command
    text = imported.read_text(encoding="utf-8")
    assert '"350902"' in text and "cg:County" in text and "cg:locatedIn fj:ningde" in text


SPLIT = """id,name_en,City,Province,Country
beta,Beta Electrolyte,Suzhou,Jiangsu,China
delta,Delta Separator,Suzhou,,China
gamma,Gamma Foil,Bac Ninh,,Viet Nam
zeta,Zeta Parts,Nowhere Town 9,,
"""
ADDRESS = ("--map", "address=City", "--map", "address=Province", "--map", "address=Country")


def test_an_address_in_several_columns_is_read_as_one_and_places_its_firm(tmp_path):
    """``--map address=City --map address=Province --map address=Country``: the cells joined in
    that order (``Suzhou, Jiangsu, China``), so the province decides between 苏州 and 宿州."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    firms = tmp_path / "firms.csv"
    firms.write_text(SPLIT, encoding="utf-8")
    relations = tmp_path / "relations.csv"
    relations.write_text("supplier,client\nbeta,CATL\ndelta,CATL\ngamma,CATL\nzeta,CATL\n", encoding="utf-8")
    rows = [line.split(",") for line in SPLIT.strip().splitlines()]
    as_parquet = tmp_path / "firms.parquet"
    pq.write_table(pa.table({name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}), as_parquet)

    def in_region(region: str, sheet) -> set[str]:
        result = run_process(
            "stats",
            "--format",
            "json",
            "--region",
            region,
            "--relations",
            str(relations),
            "--firms",
            str(sheet),
            *ADDRESS,
        )
        assert result.returncode == 0, result.stderr
        return ids(result.stdout)

    for sheet in (firms, as_parquet):
        assert in_region("Jiangsu", sheet) == {"beta"}
        assert in_region("Vietnam", sheet) == {"gamma"}
        assert {"beta", "delta"} <= in_region("China", sheet) and "zeta" not in in_region("China", sheet)
    said = " ".join(run_process("stats", "--relations", str(relations), "--firms", str(firms), *ADDRESS).stderr.split())
    assert "1 address cell names no place known (their firms' place unknown): 'Nowhere Town 9'" in said

    imported = tmp_path / "imported.ttl"
    result = run_process("import", "--relations", str(relations), "--firms", str(firms), *ADDRESS, "-o", str(imported))
    assert result.returncode == 0, result.stderr
    for command in (["stats", "--format", "json", "--region", "China"], ["impact", "--remove", "region:Jiangsu"]):
        as_tables = run_process(*command, "--relations", str(relations), "--firms", str(firms), *ADDRESS)
        as_rdf = run_process(*command, "--data", str(imported))
        assert as_tables.stdout == as_rdf.stdout, command
    assert "cg:locationUnknown true" in imported.read_text(encoding="utf-8")  # Zeta, placed nowhere


def test_one_column_given_to_two_fields_is_still_refused(tmp_path):
    relations = tmp_path / "relations.csv"
    relations.write_text("supplier,client,City\nA,CATL,Suzhou\n", encoding="utf-8")
    result = run_process("stats", "--relations", str(relations), "--map", "supplier=City", "--map", "supplies=City")
    assert result.returncode == 2 and "both read column 'City'" in result.stderr


def test_a_place_the_users_graph_has_under_a_parent_it_lacks_is_that_place(tmp_path):
    """A user's graph with 苏州市 but no 江苏省: a firm at 江苏省苏州市 is placed at the user's own
    Suzhou (the missing province is created beside it), not a crash on the cell's names."""
    graph = tmp_path / "suzhou.ttl"
    graph.write_text(
        "@prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/place/suzhou> a cg:PrefectureLevelCity ; rdfs:label "Suzhou"@en , "苏州市"@zh-Hans .\n',
        encoding="utf-8",
    )
    firms, relations = tmp_path / "f.csv", tmp_path / "r.csv"
    firms.write_text("id,name_en,located_in\nbeta,Beta,江苏省苏州市\n", encoding="utf-8")
    relations.write_text("supplier,client\nbeta,CATL\n", encoding="utf-8")
    result = run_process(
        "stats", "--format", "json", "--region", "https://example.org/place/suzhou",
        "--data", str(graph), "--relations", str(relations), "--firms", str(firms),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ids(result.stdout) == {"beta"}


def test_a_county_named_alone_in_pinyin_is_no_place():
    # Jiaocheng is 蕉城区 (Ningde) and 交城县 (Shanxi): alone it names neither, never guessed.
    assert place_named("Jiaocheng District") is None
