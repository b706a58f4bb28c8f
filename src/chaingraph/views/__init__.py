"""The interactive offline view: ``chain_view`` the ``view`` verb (the report of what a view draws,
:func:`chaingraph.reports.view_data`, laid out as a page), ``layout`` places nodes (pure functions
of the graph), ``page`` turns the report into one self-contained HTML file from ``templates/``, in
the language of ``texts``; ``brief`` renders the brief's records."""

from .chain_view import view

__all__ = ["view"]
