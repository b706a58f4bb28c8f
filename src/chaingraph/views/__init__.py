"""The interactive offline view: ``layout`` places nodes (pure functions of the graph), ``page``
turns a selected network into one self-contained HTML file from ``templates/``."""

__all__ = []
