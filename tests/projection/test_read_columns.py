"""The projection's reader, now reading the store's answers as columns, against what the
projection's definition says each node gets (projection/read.py's docstring), written out by hand:
the shortest label in each language (ties: the first in code point order), an edge end with no
organization class joined as a plain organization after the typed nodes, every place a firm is in,
its chains and its stage. And the same network whichever store answers: the embedded one and the
on-disk one give the same columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from chaingraph.projection.read import project_columns
from chaingraph.store import open_store
from chaingraph.store.disk import load_store

EX = "http://example.org/"

DATA = """
@prefix cg: <https://w3id.org/chaingraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .

ex:b a cg:Company ; rdfs:label "Beta Holdings"@en, "Bb"@en, "Ba"@en, "乙"@zh-Hans, "Beta"@fr ;
  cg:locatedIn ex:town1, ex:town2 ; cg:inChain ex:chain1, ex:chain2 .
ex:a a cg:Company ; skos:prefLabel "Alpha\\ttab \\"q\\" back\\\\slash" ; rdfs:label "甲公司"@zh, "甲"@zh-CN .
ex:a cg:supplierOf ex:b .
ex:b cg:supplierOf ex:zz .
ex:yy cg:clientOf ex:a .
ex:zz rdfs:label "Zed"@en-GB .
ex:town1 a cg:City ; rdfs:label "Town One"@en .
ex:town2 a cg:City ; rdfs:label "Town Two"@en .
"""


def _store_file(tmp_path: Path) -> Path:
    path = tmp_path / "network.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_each_node_gets_what_the_definition_says(tmp_path: Path) -> None:
    projection = project_columns(open_store(_store_file(tmp_path), bundled=False))
    mine = [node for node in projection.nodes if node.startswith(EX)]
    # The typed firms sorted by IRI, then the untyped ends, sorted by IRI too.
    assert mine == [EX + "a", EX + "b", EX + "yy", EX + "zz"]
    at = {node: i for i, node in enumerate(projection.nodes)}
    column = projection.columns
    assert [column["kind"][at[node]] for node in mine] == ["firm", "firm", "organization", "organization"]
    # Shortest English name, ties by code point: "Ba" before "Bb"; French is no name.
    assert column["label"][at[EX + "b"]] == "Ba"
    assert column["label_zh"][at[EX + "b"]] == "乙"
    # An untagged label is English; a tab, quote and backslash survive; the shorter Chinese wins.
    assert column["label"][at[EX + "a"]] == 'Alpha\ttab "q" back\\slash'
    assert column["label_zh"][at[EX + "a"]] == "甲"
    assert column["label"][at[EX + "zz"]] == "Zed"
    assert column["label"][at[EX + "yy"]] == "yy"  # no label: its IRI's local name
    assert sorted(column["places"][at[EX + "b"]]) == [EX + "town1", EX + "town2"]
    assert column["chains"][at[EX + "b"]] == [EX + "chain1", EX + "chain2"]
    edges = {
        (projection.nodes[s], projection.nodes[c])
        for s, c in zip(projection.suppliers, projection.clients, strict=True)
    }
    assert {(s, c) for s, c in edges if s.startswith(EX)} == {
        (EX + "a", EX + "b"),
        (EX + "b", EX + "zz"),
        (EX + "a", EX + "yy"),
    }


def test_an_on_disk_store_gives_the_same_columns(tmp_path: Path) -> None:
    data = _store_file(tmp_path)
    folder = tmp_path / "store"
    load_store([data], folder)
    embedded = project_columns(open_store(data))
    on_disk = project_columns(open_store(disk_store=folder))
    assert on_disk.nodes == embedded.nodes
    for name, values in embedded.columns.items():
        assert on_disk.columns[name] == values, name
    assert np.array_equal(on_disk.suppliers, embedded.suppliers)
    assert np.array_equal(on_disk.clients, embedded.clients)
