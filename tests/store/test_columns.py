"""A SELECT answer read as columns (store.columns) holds the values the row-by-row read gives:
Oxigraph's own ``term.value`` of every term, whatever the text, language, datatype or kind."""

from __future__ import annotations

import pyarrow as pa
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaingraph.projection import read
from chaingraph.store import open_store
from chaingraph.store.columns import lexical_table, lexical_table_from_tsv

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Every query the projection reads as columns, and the names query.
QUERIES = [read.NODES_QUERY, read.EDGES_QUERY, read.LABELS_QUERY, read.MEMBERSHIP_QUERY]

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
literals = st.one_of(
    texts.map(ox.Literal),
    st.tuples(texts, st.sampled_from(["en", "zh-Hans", "en-GB"])).map(lambda t: ox.Literal(t[0], language=t[1])),
    st.integers(-(10**12), 10**12).map(lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: ox.Literal(str(d), datatype=ox.NamedNode(XSD + "decimal"))
    ),
    st.booleans().map(lambda b: ox.Literal(str(b).lower(), datatype=ox.NamedNode(XSD + "boolean"))),
    st.sampled_from(["1.5e3", "2020", "abc"]).map(lambda v: ox.Literal(v, datatype=ox.NamedNode(XSD + "double"))),
    texts.map(lambda v: ox.Literal(v, datatype=ox.NamedNode("http://example.org/type"))),
)
subjects = st.one_of(
    st.integers(0, 5).map(lambda i: ox.NamedNode(f"http://example.org/thing/{i}")),
    st.integers(0, 2).map(lambda i: ox.BlankNode(f"b{i}")),
    st.sampled_from(["http://example.org/a%20b", "http://example.org/中", "urn:x:y"]).map(ox.NamedNode),
)
objects = st.one_of(subjects, literals)


def _rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(None if term is None else term.value for term in solution) for solution in store.query(query)]


def _columns(store: ox.Store, query: str, block_size: int = 1 << 24) -> list[tuple]:
    answer = store.query(query).serialize(format=ox.QueryResultsFormat.TSV)
    table = lexical_table_from_tsv(answer, block_size=block_size)
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(subjects, objects), min_size=0, max_size=12))
def test_columns_hold_the_values_read_row_by_row(triples: list[tuple]) -> None:
    store = ox.Store()
    for subject, value in triples:
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/p"), value))
    # An OPTIONAL never bound, and one bound on some rows: null where the rows say None.
    query = (
        "SELECT ?s ?o ?none ?some WHERE { ?s <http://example.org/p> ?o "
        "OPTIONAL { ?s <http://example.org/nothing> ?none } "
        "OPTIONAL { ?o <http://example.org/p> ?some } }"
    )
    expected = sorted(_rows(store, query), key=repr)
    assert sorted(_columns(store, query), key=repr) == expected
    # Read a few rows at a time, every column is several chunks: the same values.
    assert sorted(_columns(store, query, block_size=256), key=repr) == expected


def test_an_answer_without_rows_has_its_columns() -> None:
    table = lexical_table_from_tsv(
        ox.Store().query("SELECT ?a ?b WHERE { ?a ?p ?b }").serialize(format=ox.QueryResultsFormat.TSV)
    )
    assert table.column_names == ["a", "b"] and table.num_rows == 0


def test_rows_made_columns_keep_their_order_and_nulls() -> None:
    table = lexical_table(["x", "y"], [("a", None), (None, "b")])
    assert table.column_names == ["x", "y"]
    assert table.column("x").to_pylist() == ["a", None] and table.column("y").to_pylist() == [None, "b"]
    assert table.schema.field("x").type == pa.string()


@pytest.mark.parametrize("query", QUERIES, ids=["nodes", "edges", "labels", "memberships"])
def test_the_projections_answers_read_as_columns_as_row_by_row(query: str) -> None:
    store = open_store()
    table = store.select_columns(query)
    columns = list(zip(*(column.to_pylist() for column in table.columns), strict=True))
    assert sorted(columns, key=repr) == sorted(store.select_lexical(query), key=repr)
    assert len(columns) > 10  # the bundled graph answers every one of them
