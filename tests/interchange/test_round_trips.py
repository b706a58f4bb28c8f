"""Any label, Chinese name and identifier survives import, export and import again."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.measures import reference as analysis
from chaingraph.projection.selection import Scope
from chaingraph.projection.tables import Tables

from ..conftest import write_csv

LABELS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())  # spaces around a name are kept too (issue 25 item 10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    label=LABELS,
    chinese=LABELS,
    identifier=st.text(min_size=1, max_size=30).filter(lambda s: s.strip() == s and "\x00" not in s),
)
def test_labels_and_ids_survive_import_export_import(tmp_path_factory, label, chinese, identifier):
    from chaingraph.interchange.csv_import import import_csv
    from chaingraph.interchange.export import edges_csv, firms_csv
    from chaingraph.projection.read import project
    from chaingraph.store import EmbeddedStore

    folder = tmp_path_factory.mktemp("roundtrip")
    from chaingraph.interchange.tabular import neutralise_cell

    firms = write_csv(
        folder / "f.csv",
        ["id", "name_en", "name_zh"],
        [[neutralise_cell(identifier), neutralise_cell(label), neutralise_cell(chinese)], ["other", "Other", ""]],
    )
    relations = write_csv(folder / "r.csv", ["supplier", "client"], [[neutralise_cell(identifier), "other"]])

    def load(result) -> EmbeddedStore:
        import pyoxigraph as ox

        store = EmbeddedStore()
        data = result.dump(ox.RdfFormat.N_TRIPLES)
        (folder / "x.nt").write_bytes(data)
        store.load_file(folder / "x.nt")
        return store

    first = load(import_csv(Tables(relations=[relations], firms=[firms])))
    graph = project(first)
    (folder / "e.csv").write_bytes(edges_csv(first, graph))
    (folder / "n.csv").write_bytes(firms_csv(graph, analysis.node_measures(graph).values))
    second = project(load(import_csv(Tables(relations=[folder / "e.csv"], firms=[folder / "n.csv"]))))
    assert set(graph.nodes) == set(second.nodes) and set(graph.edges) == set(second.edges)
    node = next(n for n in graph if graph.nodes[n]["label"] != "Other")
    assert second.nodes[node]["label"] == label
    assert second.nodes[node]["label_zh"] == chinese


# --- export --format parquet: the tables read back as the network they came from --------------


def _network_facts(projection):
    nodes = projection.nodes
    edges = {
        (nodes[a], nodes[b]): projection.details.get((nodes[a], nodes[b]), {}).get("evidence", "unspecified")
        for a, b in zip(projection.suppliers.tolist(), projection.clients.tolist(), strict=True)
    }
    columns = {name: dict(zip(nodes, projection.columns[name], strict=True)) for name in ("label", "label_zh", "kind")}
    return set(nodes), edges, columns


def test_parquet_tables_read_back_as_the_network_they_came_from(tmp_path):
    import pyarrow.parquet as pq

    from chaingraph.interchange.export import FIRM_TABLE_COLUMNS, RELATION_TABLE_COLUMNS, export_tables
    from chaingraph.projection.read import project_columns
    from chaingraph.projection.selection import make_selection
    from chaingraph.projection.source import NetworkSource
    from chaingraph.projection.tables import Tables
    from chaingraph.store import open_store

    source = open_store()
    relations, firms = export_tables(source, tmp_path / "tables")
    assert pq.read_schema(relations).names == RELATION_TABLE_COLUMNS
    assert pq.read_schema(firms).names == FIRM_TABLE_COLUMNS
    back = NetworkSource(open_store(bundled=False), Tables(relations=[relations], firms=[firms]))
    nodes, edges, columns = _network_facts(project_columns(source))
    got_nodes, got_edges, got_columns = _network_facts(back.projection())
    assert got_nodes == nodes
    assert got_edges == edges  # every edge, with its evidence level
    assert got_columns == columns
    # A selection writes its part: Ningde's firms and the edges among them.
    chain = make_selection(source, Scope(chain="ningde"))
    part, _ = export_tables(source, tmp_path / "ningde", chain)
    written = pq.read_table(part).to_pylist()
    kept = {row["id"] for row in pq.read_table(tmp_path / "ningde" / "firms.parquet").to_pylist()}
    assert written and all(row["supplier"] in kept and row["client"] in kept for row in written)
    assert len(kept) < len(nodes)


def test_parquet_export_refuses_to_replace_without_force(tmp_path):
    from ..conftest import assert_clean_failure, run_process

    folder = tmp_path / "tables"
    assert run_process("export", "--format", "parquet", "-o", str(folder)).returncode == 0
    before = (folder / "relations.parquet").read_bytes()
    again = run_process("export", "--format", "parquet", "--chain", "ningde", "-o", str(folder))
    assert_clean_failure(again, "relations.parquet", "--force")
    assert (folder / "relations.parquet").read_bytes() == before
    assert_clean_failure(run_process("export", "--format", "parquet"), "-o DIR")
