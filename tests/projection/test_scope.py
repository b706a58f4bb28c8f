"""The one request every verb takes for which part of the network (``Scope``): each verb reads
what it can of it and refuses the rest by name, and a verb given a scope answers as its command
given the same options does."""

from __future__ import annotations

import json

import pytest

from chaingraph import Scope, Shock, brief, diff, gaps, impact, stats, view
from chaingraph.engines import Compute
from chaingraph.errors import InputError
from chaingraph.reports import concentrated, network
from chaingraph.reports.rankings import rank_removals
from chaingraph.reports.scenarios import scenario

from ..conftest import run_process

#: Each verb with a scope it cannot honour, and the option its message must name.
REFUSED = [
    (lambda store: impact(store, "CATL", Scope(level="stage")), "impact: --level 'stage'"),
    (lambda store: scenario(store, ["firm:CATL"], Scope(level="stage")), "impact --remove: --level 'stage'"),
    (lambda store: rank_removals(store, "stage", Scope(level="stage")), "impact --all --by: --level 'stage'"),
    (lambda store: diff(store, Scope(as_of="2024"), from_date="2021", to_date="2025"), "diff: --as-of '2024'"),
    (lambda store: diff(store, Scope(group_by="owner"), from_date="2021", to_date="2025"), "diff: --group-by"),
    (lambda store: gaps(store, Scope(chain="ningde", region="Ningde"), region="Ningde"), "gaps: --region"),
    (lambda store: brief(store, Scope(chain="ningde", level="stage")), "brief: --level 'stage'"),
    (lambda store: view(store, Scope(chain="ningde", group_by="owner")), "view: --group-by 'owner'"),
    (lambda store: concentrated(store, Scope(level="stage")), "concentrated: --level 'stage'"),
    # where and how it computes (Compute), and the shock (Shock): what a verb cannot use, refused
    (lambda store: impact(store, "CATL", compute=Compute(engine="spark")), "impact runs on this machine"),
    (lambda store: impact(store, "CATL", compute=Compute(exact=True)), "impact: --exact and --output"),
    (lambda store: scenario(store, ["firm:CATL"], compute=Compute(output="x")), "impact --remove: --exact"),
    (lambda store: rank_removals(store, "stage", shock=Shock(partial=0.5)), "impact --all --by: --partial"),
    (lambda store: view(store, Scope(chain="ningde"), shock=Shock(partial=0.5)), "view: --partial"),
]


@pytest.mark.parametrize("call, message", REFUSED)
def test_a_verb_refuses_what_of_the_scope_it_cannot_read_by_its_option(store, call, message):
    with pytest.raises(InputError, match=r"(does|do) not apply|goes with") as raised:
        call(store)
    assert str(raised.value).startswith(message)


def test_a_scope_is_a_value_whatever_iterable_gives_its_evidence():
    assert Scope(evidence=["stated", "inferred"]) == Scope(evidence=("stated", "inferred"))
    assert hash(Scope(evidence=iter(["stated"]))) == hash(Scope(evidence=("stated",)))


def test_no_scope_is_the_whole_network(store):
    from chaingraph.projection.read import project_columns

    whole = len(project_columns(store))
    assert network(store).number_of_nodes() == network(store, Scope()).number_of_nodes() == whole > 40


def test_a_scoped_verb_answers_as_its_command(store):
    """The library's ``stats`` of a scope and the command given the same options, row for row."""
    scope = Scope(chain="ningde", region="Ningde", evidence="stated", as_of="2024")
    options = ["--chain", "ningde", "--region", "Ningde", "--evidence", "stated", "--as-of", "2024"]
    command = run_process("stats", *options, "--format", "json")
    assert command.returncode == 0, command.stderr
    rows = json.loads(command.stdout)
    ours = stats(store, scope).rows
    assert [row["id"] for row in ours] == [row["id"] for row in rows] and rows
    assert [row["pagerank"] for row in ours] == [row["pagerank"] for row in rows]
