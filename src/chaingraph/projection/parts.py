"""What some rows of a sheet name, joined to the graph alone: the rule a reader that sees a sheet
in parts (one Spark partition at a time) states them by."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..sheets import Naming
from .join import SheetJoin
from .model import NetworkFacts
from .read import assemble

__all__ = ["named_nodes"]


def named_nodes(
    facts: NetworkFacts,
    naming: Naming,
    firms: Sequence[tuple[str, Mapping[str, str]]],
    ends: Sequence[tuple[str, str]],
) -> dict[str, tuple[str, bool, dict]]:
    """What some sheet rows name, as :func:`add_tables` states it: for each firm row (``where``,
    its cells) and each relation end no firm row names (its id, ``where``), joined to ``facts``,
    id -> (IRI, whether the node is typed, its node columns as the projection has them).

    For a reader that sees the sheets in parts (one Spark partition at a time): a firm's IRI and
    columns depend on its own row and the graph's facts only, never on the other rows (two rows
    sharing an identifier are refused before: :func:`chaingraph.spark.network.read_network`), so
    each part needs just the graph. Raises :class:`~chaingraph.errors.InputError` as ``add_tables`` does.
    """
    joined = SheetJoin(facts, naming)
    for where, row in firms:
        identifier = row["id"]
        joined.firm(identifier, dict(row), naming.firm_row(identifier, row, where), where)
    for identifier, where in ends:
        if identifier not in joined.ids:
            joined.endpoint(identifier, where)
    stated = joined.facts()
    network = assemble(stated)
    position = {node: i for i, node in enumerate(network.nodes)}
    found = {}
    for identifier, node in joined.ids.items():
        iri = joined.nodes[node]
        i = position[iri]
        found[identifier] = (iri, i < stated.typed, {name: column[i] for name, column in network.columns.items()})
    return found
