"""What both measure paths share: the NetworkX reference (:mod:`chaingraph.measures.reference`)
and the compiled path (:mod:`chaingraph.measures.compiled`) import this leaf and never each other.

Here: the sampling and convergence settings, the sampled sources (the same on both paths), the
reach counts over a condensation (exact bitsets, bottom-k sketches), igraph's betweenness scaled
as NetworkX scales it, and the result types (:class:`MeasureRun`, :class:`NodeValues`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .._runtime.arrays import sorted_unique
from .registry import MEASURES

__all__ = [
    "COMPILED_THRESHOLD",
    "DEFAULT_SAMPLES",
    "EXACT_REACH_LIMIT",
    "PAGERANK_MAX_ITER",
    "PAGERANK_TOLERANCE",
    "REACH_SKETCH",
    "SAMPLING_THRESHOLD",
    "SEED",
    "SMALL_GRAPH",
    "MeasureRun",
    "MeasureSettings",
    "NodeValues",
    "exact_counts",
    "measure_all",
    "sample_size",
    "sample_sources",
    "scaled_betweenness",
    "sketched_counts",
]


def scaled_betweenness(compiled, sources: list[int] | None) -> np.ndarray:
    """igraph's directed betweenness normalised like NetworkX's, and scaled by ``n / k`` when
    only ``k`` sampled ``sources`` start paths."""
    n = compiled.vcount()
    if n <= 2:
        return np.zeros(n)
    if sources is None:
        return np.asarray(compiled.betweenness(directed=True), dtype=float) * (1 / ((n - 1) * (n - 2)))
    raw = np.asarray(compiled.betweenness(directed=True, sources=sources), dtype=float)
    return raw * ((n / len(sources)) / ((n - 1) * (n - 2)))


#: Above this many nodes, ``node_measures`` samples betweenness, closeness and harmonic centrality.
SAMPLING_THRESHOLD = 2_000
#: Above this many nodes (firm level), the dispatcher runs the compiled path, and the reference
#: computes betweenness in igraph (the same definition, tested equal; NetworkX's is cubic).
COMPILED_THRESHOLD = 2_000
#: Up to this many nodes, reach counts are exact; above, estimated from bottom-k sketches.
EXACT_REACH_LIMIT = 200_000
#: Size of the reach sketches: relative error about 1 / sqrt(REACH_SKETCH - 2), 6% at 256.
REACH_SKETCH = 256
#: Source nodes sampled for the approximated measures.
DEFAULT_SAMPLES = 256
#: The seed of every seeded draw (sampled sources, reach sketches): one number, so every path
#: (the reference, the compiled path, Spark) draws the same.
SEED = 42
#: Per-node convergence tolerance of PageRank; NetworkX's default (1e-6) leaves errors of a few
#: percent on graphs of thousands of nodes.
PAGERANK_TOLERANCE = 1e-10
#: Enough iterations for that tolerance: the error shrinks by the damping factor (0.85) per step.
PAGERANK_MAX_ITER = 1_000
#: Up to this many nodes PageRank runs in pure Python (no SciPy import).
SMALL_GRAPH = 500


def sample_size(
    n: int, *, exact: bool = False, samples: int = DEFAULT_SAMPLES, threshold: int = SAMPLING_THRESHOLD
) -> int | None:
    """How many seeded sources the sampled measures start from on a network of ``n`` nodes:
    ``None`` (every node: exact) up to ``threshold`` nodes or when ``exact``, else ``samples`` (at
    most ``n``). The one sampling rule of every path.

    >>> sample_size(2_000), sample_size(2_001), sample_size(2_001, exact=True)
    (None, 256, None)
    """
    return None if exact or n <= threshold else min(samples, n)


def measure_all(
    functions: Mapping[str, Callable[..., Any]],
    graph: Any,
    nodes: int,
    settings: MeasureSettings,
    as_values: Callable[[Any], Any] = lambda found: found,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Every measure of :data:`~chaingraph.measures.registry.MEASURES` on ``graph`` (of ``nodes``
    nodes) by ``functions[key]``, each called as its kind says: a sampled one with the seeded sample
    size (:func:`sample_size`) and seed, a reach count with ``exact`` (``None``: by size), the others
    with the graph alone; each result passed through ``as_values``. The one registry loop of the
    reference and the compiled path. Returns the values by key, and each sampled measure's sample
    size where it sampled.
    """
    k = sample_size(nodes, exact=settings.exact, samples=settings.samples, threshold=settings.threshold)
    values: dict[str, Any] = {}
    sampled: dict[str, int] = {}
    for key, info in MEASURES.items():
        if settings.progress:
            settings.progress(key)
        if info.kind == "sampled":
            found = functions[key](graph, k=k, seed=settings.seed)
            if k is not None:
                sampled[key] = k
        elif info.kind == "reach":
            found = functions[key](graph, exact=settings.exact or None)
        else:
            found = functions[key](graph)
        values[key] = as_values(found)
    return values, sampled


@dataclass(frozen=True)
class MeasureSettings:
    """How :func:`measure_all` runs: ``exact`` (no sampling, every reach counted), the sample size
    and the size from which to sample, the seed, and a callback given each measure's key first."""

    exact: bool = False
    samples: int = DEFAULT_SAMPLES
    threshold: int = SAMPLING_THRESHOLD
    seed: int = SEED
    progress: Callable[[str], None] | None = None


def sample_sources(nodes: Iterable[str], k: int, seed: int) -> list[str]:
    """The ``k`` seeded source nodes of the sampled measures: the same on every path, since they
    are drawn from the nodes' IRIs in sorted order."""
    return random.Random(seed).sample(sorted(nodes), k)


def exact_counts(order: list[int], children: list[list[int]], sizes: list[int]) -> list[int]:
    """Exact number of nodes each component of a condensation reaches, itself excluded.

    ``order`` lists the components in topological order, ``children[c]`` the components ``c`` has
    edges to, ``sizes[c]`` its number of nodes. Reachability is kept as integer bitsets, children
    before parents: one OR per edge and one popcount per component. Bit positions follow the
    reverse topological order, so a set only holds bits below its own position and sets near the
    sinks stay short; a set is dropped once its last parent has read it.
    """
    count = len(order)
    position = [0] * count
    for rank, component in enumerate(reversed(order)):
        position[component] = rank
    multi = [c for c in range(count) if sizes[c] > 1]
    multi_bits = 0
    for c in multi:
        multi_bits |= 1 << position[c]
    at_position = list(reversed(order))
    parents_left = [0] * count
    for component in range(count):
        for child in children[component]:
            parents_left[child] += 1
    closure: list[int | None] = [None] * count  # descendants and the component itself
    counts = [0] * count
    for component in at_position:
        bits = 0
        for child in children[component]:
            bits |= cast(int, closure[child])  # set while a parent has yet to read it
            parents_left[child] -= 1
            if not parents_left[child]:
                closure[child] = None
        extra = 0
        if multi_bits and bits & multi_bits:
            extra = sum(sizes[at_position[p]] - 1 for p in _bit_indices(bits & multi_bits))
        counts[component] = bits.bit_count() + extra + sizes[component] - 1
        if parents_left[component]:
            closure[component] = bits | (1 << position[component])
    return counts


def _bit_indices(bits: int) -> Iterable[int]:
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def sketched_counts(order: list[int], children: list[list[int]], component: np.ndarray, seed: int = SEED) -> list[int]:
    """Estimated number of nodes each component reaches, itself excluded (Cohen's bottom-k sketches).

    Each node gets a seeded random rank in node order (so every implementation that numbers nodes
    alike draws the same ranks); a component's sketch keeps the ``REACH_SKETCH`` smallest ranks
    among its descendants. Fewer ranks than that means the count is exact. ``component[i]`` is the
    component of node ``i``; ``order`` and ``children`` as in :func:`exact_counts`.
    """
    rng = np.random.default_rng(seed)
    node_ranks = rng.random(len(component))
    count = len(order)
    by_component = np.lexsort((node_ranks, component))
    bounds = np.searchsorted(component[by_component], np.arange(count + 1))
    ranked = node_ranks[by_component]
    ranks = [ranked[bounds[c] : bounds[c + 1]] for c in range(count)]
    k = REACH_SKETCH
    sketch: dict[int, np.ndarray] = {}
    counts = [0] * count
    empty = np.empty(0)
    for current in reversed(order):
        parts = [part for child in children[current] for part in (sketch[child], ranks[child])]
        merged = sorted_unique(np.concatenate(parts))[:k] if parts else empty
        sketch[current] = merged
        inside = len(ranks[current]) - 1
        if len(merged) < k:
            counts[current] = len(merged) + inside
        else:
            counts[current] = round((k - 1) / merged[k - 1]) + inside
    return counts


class NodeValues(Mapping):
    """One measure's values as a read-only ``{node: value}`` mapping over an array in node order.

    What the compiled path returns instead of a dict: ten measures of ten million nodes as dicts
    would hold a hundred million Python objects; here they stay one array each.
    """

    def __init__(self, nodes: list[str], index: Mapping[str, int], array: np.ndarray) -> None:
        self.nodes, self.index, self.array = nodes, index, array

    def __getitem__(self, node: str) -> float | int | bool:
        return self.array[self.index[node]].item()

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)


@dataclass
class MeasureRun:
    """The measures of every node plus how they were computed."""

    values: Mapping[str, Mapping[str, float | int | bool]]
    sampled: dict[str, int]  # measure -> number of sampled sources, for approximated measures
    estimated: list[str] = field(default_factory=list)  # measures estimated from sketches
