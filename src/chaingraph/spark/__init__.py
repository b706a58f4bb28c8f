"""The Spark engine: ``stats`` on Apache Spark, from tables, for networks past one machine.

Swappable as a whole (``stats --engine spark``): :mod:`.session` starts or joins the session,
:mod:`.network` reads relations and firms into DataFrames beside the RDF graph, :mod:`.measures`
computes the measures with Spark's operators. pyspark is an extra (``chaingraph[spark]``) and is
imported only when this engine runs.
"""

from __future__ import annotations

__all__ = ["measures", "network", "session"]
