"""One place that chooses which path computes the measures, as NetworkX's backend dispatch does:
the backend asked for, else the size of the network.

``networkx`` is the reference (:mod:`.reference`, on a ``networkx.DiGraph``); ``compiled`` is
igraph and SciPy on the projection's columns (:mod:`.compiled`, tested equal to the reference);
``auto`` takes the compiled path above :data:`~.kernels.COMPILED_THRESHOLD` nodes at firm level.
Stage-level networks are small aggregates and always take the reference.

>>> from chaingraph.projection.model import Projection
>>> uses_compiled(10, "auto"), uses_compiled(10_000, "auto"), uses_compiled(10, "compiled")
(False, True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx

from ..errors import InputError
from ..projection.model import Projection
from . import compiled, reference
from .kernels import COMPILED_THRESHOLD, MeasureRun

__all__ = ["BACKENDS", "RANKINGS", "check_backend", "node_measures", "rankings", "uses_compiled"]

#: The backends a user may ask for.
BACKENDS = ("auto", "networkx", "compiled")


def check_backend(backend: str) -> None:
    """Refuse a backend that is not one of :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise InputError(f"backend {backend!r}: use {', '.join(BACKENDS)}")


def uses_compiled(size: int, backend: str, *, level: str = "firm") -> bool:
    """Whether a network of ``size`` nodes at ``level`` is measured on the compiled path."""
    check_backend(backend)
    if level != "firm":
        if backend == "compiled":
            raise InputError("the compiled backend runs at firm level; stage level uses networkx")
        return False
    return backend == "compiled" or (backend == "auto" and size > COMPILED_THRESHOLD)


def node_measures(
    network: Projection | nx.DiGraph,
    *,
    backend: str = "auto",
    level: str = "firm",
    exact: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[MeasureRun, Sequence[dict]]:
    """Every measure of every node, and the single-sourced findings (firm level only), on the
    path :func:`uses_compiled` chooses.

    ``network`` is the projection's columns or a NetworkX graph (converted to the other form when
    the chosen path needs it).
    """
    if uses_compiled(len(network), backend, level=level):
        graph = compiled.AnalysisGraph(reference.as_projection(network))
        return compiled.node_measures(graph, exact=exact, progress=progress), compiled.single_sourced(graph)
    digraph = network.to_networkx() if isinstance(network, Projection) else network
    run = reference.node_measures(digraph, exact=exact, progress=progress)
    return run, reference.single_sourced(digraph) if level == "firm" else []


#: The measures :func:`rankings` computes alone, on each path (the same functions ``node_measures``
#: runs for them).
RANKINGS = {
    "pagerank": (compiled.pagerank, reference.pagerank),
    "dependence": (compiled.dependence, reference.dependence),
}


def rankings(network: Projection, measures: tuple[str, ...], *, backend: str = "auto") -> dict[str, dict[str, float]]:
    """Only the PageRank-like measures named (see :data:`RANKINGS`) of every node, node IRI -> value,
    on the path :func:`uses_compiled` chooses: ``diff`` ranks firms on two dates without the
    sampled and reach measures ``stats`` also computes."""
    if uses_compiled(len(network), backend):
        graph = compiled.AnalysisGraph(network)
        return {m: dict(zip(graph.nodes, RANKINGS[m][0](graph).tolist(), strict=True)) for m in measures}
    digraph = network.to_networkx()
    return {m: RANKINGS[m][1](digraph) for m in measures}
