"""Any label, Chinese name and identifier survives import, export and import again."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.measures import reference as analysis

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
    import csv

    def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    from chaingraph.interchange.tabular import neutralise_cell

    firms = write(
        folder / "f.csv",
        ["id", "name_en", "name_zh"],
        [[neutralise_cell(identifier), neutralise_cell(label), neutralise_cell(chinese)], ["other", "Other", ""]],
    )
    relations = write(folder / "r.csv", ["supplier", "client"], [[neutralise_cell(identifier), "other"]])

    def load(result) -> EmbeddedStore:
        import pyoxigraph as ox

        store = EmbeddedStore()
        data = result.dump(ox.RdfFormat.N_TRIPLES)
        (folder / "x.nt").write_bytes(data)
        store.load_file(folder / "x.nt")
        return store

    first = load(import_csv(relations, firms))
    graph = project(first)
    (folder / "e.csv").write_bytes(edges_csv(first, graph))
    (folder / "n.csv").write_bytes(firms_csv(graph, analysis.node_measures(graph).values))
    second = project(load(import_csv(folder / "e.csv", folder / "n.csv")))
    assert set(graph.nodes) == set(second.nodes) and set(graph.edges) == set(second.edges)
    node = next(n for n in graph if graph.nodes[n]["label"] != "Other")
    assert second.nodes[node]["label"] == label
    assert second.nodes[node]["label_zh"] == chinese
