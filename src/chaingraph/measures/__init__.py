"""The network measures, in three layers that import one way.

``registry`` and ``kernels`` are the leaf: each measure's key, header and help, and what both
paths compute the same way. ``reference`` computes each measure with NetworkX on a
``networkx.DiGraph`` (the definition every faster path is tested against); ``compiled`` computes
the same measures on a projection's columns with igraph and SciPy. ``dispatch`` chooses between
them, as NetworkX's backend dispatch does: by the backend asked for, else by size. ``impact``
is what-if removal, on either path.
"""

__all__ = []
