"""From the store's triples to the supply network the measures read.

``model`` holds the columns (``Projection``), ``read`` fills them from any store with the
package's own SPARQL, ``selection`` narrows them (``Selection``: chains, region, evidence, level,
grouping), ``saved`` writes and reads them beside an on-disk store, and ``load`` is the ``load``
verb that saves them there.
"""

__all__ = []
