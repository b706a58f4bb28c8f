"""The bundled press relations' quantities (issue 44): each against the text its relation
summarises, and the demand shock they make possible (CATL stops buying)."""

from __future__ import annotations

import json
import re

import pytest

from chaingraph import Shock
from chaingraph.engines import Compute
from chaingraph.reports.scenarios import scenario

from ..conftest import fj

QUANTITIES = """
PREFIX cg: <https://w3id.org/chaingraph/ontology#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?relation ?kind ?amount ?unit ?comparator ?says ?product WHERE {
  VALUES ?kind { cg:tradeValue cg:tradeVolume cg:clientShare cg:supplierShare }
  ?relation ?kind ?q . ?q qudt:numericValue ?amount ; qudt:unit ?unit .
  OPTIONAL { ?q cg:comparator ?comparator }
  ?relation cg:sourceSays ?says .
  OPTIONAL { ?relation cg:supplies/rdfs:label ?product }
}
"""

#: How the summaries write a multiplier, and the hedges before a number.
MULTIPLIERS = {"bn": 1e9, "mn": 1e6, "m": 1e6, "mt": 1e6, "kt": 1e3, "t": 1.0, "%": 1.0, "": 1.0}
HEDGES = {">=": "AtLeast", ">": "MoreThan", "~": "Approximately", "over": "MoreThan"}
NUMBER = re.compile(r"(>=|>|~|over )?\s*(?:CNY|Yn)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(bn|mn|Mt|kt|t|%)?", re.IGNORECASE)


def stated_numbers(text: str) -> set[tuple[float, str | None]]:
    """Every number a summary states, in base units, with the hedge written before it ("half" is 50%)."""
    found = set()
    for hedge, digits, multiplier in NUMBER.findall(text):
        number = float(digits.replace(",", "")) * MULTIPLIERS[multiplier.lower()]
        found.add((round(number, 6), HEDGES.get(hedge.strip().lower() or hedge.strip())))
    if "over half" in text:
        found.add((50.0, "MoreThan"))
    return found


def test_every_bundled_quantity_is_a_number_its_relation_states(store):
    rows = list(store.select_lexical(QUANTITIES))
    assert len(rows) >= 11  # Ronbay 2, Shenghua, Lopal 2, Yuneng 2, HSC, Tinci 2, Kaixin
    for relation, _kind, amount, _unit, comparator, says, product in rows:
        text = f"{says} {product or ''}"
        hedge = comparator.rsplit("#", 1)[1] if comparator else None
        assert (round(float(amount), 6), hedge) in stated_numbers(text), (relation, amount, hedge, text)


def test_shares_are_percent_and_values_yuan(store):
    for _relation, kind, _amount, unit, *_ in store.select_lexical(QUANTITIES):
        expected = {
            "clientShare": "unit/PERCENT",
            "supplierShare": "unit/PERCENT",
            "tradeValue": "currency/CNY",
            "tradeVolume": "unit/TONNE",
        }[kind.rsplit("#", 1)[1]]
        assert unit.endswith(expected)


def test_when_catl_stops_buying_the_suppliers_that_sold_it_over_40_percent_lose_their_sales(run):
    result = run(
        "impact", "--remove", "firm:CATL", "--direction", "upstream", "--threshold", "0.4", "--partial", "0.05",
        "--format", "json",
    )  # fmt: skip
    report = json.loads(result.stdout)
    by_id = {row["id"]: row for row in report["disrupted"]}
    yuneng, tinci = by_id[fj("yuneng")], by_id[fj("tinci")]
    assert (yuneng["tier"], yuneng["reason"], yuneng["basis"]) == (1, "demand-lost", "stated")
    assert yuneng["share_lost"] == pytest.approx(0.4446)
    assert (tinci["reason"], tinci["basis"], tinci["share_lost"]) == ("demand-lost", "stated", pytest.approx(0.5))
    # HSC states 9.75%: not disrupted, a partial loss of its sales.
    assert fj("hsc") not in by_id
    hsc = next(row for row in report["partial"] if row["id"] == fj("hsc"))
    assert hsc["sales_lost"] == pytest.approx(0.0975)
    assert report["summary"]["direction"] == "upstream" and report["summary"]["threshold"] == 0.4
    assert any("shares the data states" in note for note in report["notes"])


def test_at_threshold_one_a_stated_share_below_one_never_disrupts(store):
    found = scenario(store, ["firm:CATL"], shock=Shock(direction="upstream"))
    ids = {row["id"] for row in found.disrupted}
    assert fj("yuneng") not in ids and fj("tinci") not in ids and fj("shenghua") not in ids


@pytest.mark.parametrize("direction", ["upstream", "both"])
def test_both_backends_give_the_same_demand_shock(store, direction):
    shock = Shock(direction=direction, threshold=0.4, partial=0.05)
    reference = scenario(store, ["firm:CATL", "region:Quanzhou"], shock=shock, compute=Compute(backend="networkx"))
    compiled = scenario(store, ["firm:CATL", "region:Quanzhou"], shock=shock, compute=Compute(backend="compiled"))
    assert compiled.as_json() == reference.as_json()


def test_bad_thresholds_and_directions_are_one_line_errors(run):
    for args, message in (
        (["--threshold", "0"], "--threshold 0.0: a share between 0 (excluded) and 1"),
        (["--threshold", "1.2"], "--threshold 1.2"),
    ):
        result = run("impact", "--remove", "firm:CATL", *args)
        assert result.exit_code != 0 and message in result.output
    wrong = run("impact", "CATL", "--direction", "upstream")
    assert wrong.exit_code == 2 and "--threshold and --direction go with --remove" in wrong.output
