"""Wrong answers with exit 0 found in issue 15; each test failed before its fix."""

from __future__ import annotations

import json

from chaingraph.projection.selection import Scope

from ..conftest import run_process


def test_a_firm_in_two_places_lies_in_the_regions_of_both(run, ttl):
    data = ttl(
        'ex:twofold a cg:Company ; rdfs:label "Twofold"@en ; cg:locatedIn fj:ningde , fj:xiamen ;'
        " cg:supplierOf ex:buyer .\n"
        'ex:buyer a cg:Company ; rdfs:label "Buyer"@en ; cg:locatedIn fj:xiamen .\n'
    )
    twofold = "https://example.test/twofold"
    for region in ("Xiamen", "Ningde", "Fujian"):
        listed = run("query", "firms-in", "-p", f"place={region}", "--data", str(data), "--format", "json")
        bindings = json.loads(listed.stdout)["results"]["bindings"]
        assert twofold in {row["firm"]["value"] for row in bindings}
        selected = run("stats", "--region", region, "--data", str(data), "--format", "json")
        assert selected.exit_code == 0, selected.output
        assert twofold in {row["id"] for row in json.loads(selected.stdout)}, region
    assert twofold not in {
        row["id"]
        for row in json.loads(run("stats", "--region", "Putian", "--format", "json", "--data", str(data)).stdout)
    }


def test_a_literal_object_of_a_supply_edge_is_never_a_node(run, ttl):
    catl = "https://w3id.org/chaingraph/fujian/catl"
    data = ttl(
        'ex:trader a cg:Company ; rdfs:label "Trader"@en ; cg:locationUnknown true ;'
        f' cg:supplierOf "{catl}" , "a client named in words" .\n'
        f'ex:other a cg:Company ; rdfs:label "Other"@en ; cg:locationUnknown true ; cg:clientOf "{catl}" .\n'
    )
    plain = {row["id"]: row for row in json.loads(run("stats", "--format", "json").stdout)}
    rows = {row["id"]: row for row in json.loads(run("stats", "--data", str(data), "--format", "json").stdout)}
    assert "a client named in words" not in rows
    assert rows[catl]["in_degree"] == plain[catl]["in_degree"]
    assert rows[catl]["out_degree"] == plain[catl]["out_degree"]
    assert rows["https://example.test/trader"]["out_degree"] == 0
    validated = run_process("validate", "--data", str(data), "--format", "json")
    assert validated.returncode == 1
    messages = {result["message"] for result in json.loads(validated.stdout)["results"]}
    assert "takes part in a supply edge but is neither an organization nor a cluster segment" in messages


def test_a_stage_node_lies_where_its_members_are_not_where_its_chain_is(store, tmp_path):
    """Under --region Ningde a stage node of the synthetic chain stands for Ningde's members, so
    its place is Ningde or a place inside it, never the chain's region (Fujian)."""
    from chaingraph.reports import network
    from chaingraph.store import open_store

    synthetic = tmp_path / "synth.nt"
    assert run_process("synth", "--firms", "2500", "-o", str(synthetic)).returncode == 0
    both = open_store(data=[synthetic])
    ningde = "https://w3id.org/chaingraph/fujian/ningde"
    for chain, region in (("synthetic", "Ningde"), ("ningde", None), ("fujian", None)):
        firms = network(both, Scope(chain=chain, region=region))
        stages = network(both, Scope(chain=chain, region=region, level="stage"))
        for stage, attrs in stages.nodes(data=True):
            members = [a for _, a in firms.nodes(data=True) if a.get("stage") == stage and a.get("places")]
            if not members:
                continue
            shared = set.intersection(*(set(m["places"]) for m in members))
            assert attrs["place"] in shared, (stage, attrs["place"])
            # ... and the most specific such place: no shared place lies inside it.
            inside = {
                p for p in shared if p != attrs["place"] and attrs["place"] in firms.graph["places"][p]["parents"]
            }
            assert inside == set(), (stage, inside)
            if region:
                assert ningde in attrs["places"] and attrs["place_label"] != "Fujian"
