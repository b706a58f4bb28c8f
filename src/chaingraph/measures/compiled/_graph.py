"""The compiled analysis graph: a projection's edges as integer arrays, with the sparse matrices,
the igraph graph and the node index its measures read, each built once on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ...projection.model import Projection
from ...sheets.quantities import EdgeQuantities
from .. import kernels

__all__ = ["AnalysisGraph"]


@dataclass
class AnalysisGraph:
    """A projection's supply network in compiled form: ``n`` nodes, edges ``suppliers[i] -> clients[i]``."""

    projection: Projection

    @property
    def cache(self) -> dict:
        """Results shared between measures: kept on the projection, so every compiled graph of it
        (``stats``' measures and its concentration line, say) computes them once."""
        return self.projection.derived

    @property
    def n(self) -> int:
        return len(self.projection)

    @property
    def nodes(self) -> list[str]:
        return self.projection.nodes

    @property
    def suppliers(self) -> np.ndarray:
        return self.projection.suppliers

    @property
    def clients(self) -> np.ndarray:
        return self.projection.clients

    @cached_property
    def igraph(self):
        """The igraph graph of the supply edges, self-loops left out (no path runs through one)."""
        import igraph

        loops = self.suppliers == self.clients
        graph = igraph.Graph(n=self.n, directed=True)
        # the pairs as an array, not a list of lists (half the time at 357k edges)
        graph.add_edges(np.column_stack((self.suppliers[~loops], self.clients[~loops])))
        return graph

    @cached_property
    def adjacency(self):
        """The supply edges as a SciPy CSR matrix (supplier rows, client columns)."""
        import scipy.sparse

        ones = np.ones(len(self.suppliers), dtype=np.int8)
        return scipy.sparse.csr_array((ones, (self.suppliers, self.clients)), shape=(self.n, self.n))

    @property
    def quantities(self) -> EdgeQuantities:
        """The edges' quantities (shares, values, volumes): the projection's columns."""
        return self.projection.quantities

    def sample(self, k: int, seed: int) -> list[int]:
        """The same ``k`` seeded source nodes as :func:`kernels.sample_sources`, as indices."""
        index = self.projection.node_index()
        return [index[node] for node in kernels.sample_sources(self.nodes, k, seed)]
