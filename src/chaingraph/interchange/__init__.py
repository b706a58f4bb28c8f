"""Data in and out of the graph in other shapes: spreadsheets in (``csv_import``), networks and
RDF out (``export``), tables as CSV, JSON and Markdown (``tabular``), and synthetic networks for
scale (``synth``)."""

__all__ = []
