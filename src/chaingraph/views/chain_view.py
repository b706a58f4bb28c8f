"""The ``view`` verb: the report of what a view draws (:func:`chaingraph.reports.view_data`) laid
out as one self-contained HTML page (:func:`chaingraph.views.page.render_view`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..measures.cascade import Shock
from ..projection.selection import Scope
from ..projection.source import Source
from ..reports import Drawing, view_data
from .page import View, render_view

__all__ = ["view"]


def view(
    source: Source,
    scope: Scope,
    drawing: Drawing | None = None,
    *,
    remove: Sequence[str] = (),
    shock: Shock | None = None,
    progress: Callable[[str], None] | None = None,
) -> View:
    """The HTML of the view of ``scope``'s chain (a chain id or name, or a region for all its
    chains), narrowed by the rest of ``scope`` (region, level, evidence, date; no grouping) and
    drawn as ``drawing`` asks (the measure sizing the nodes, language, layout, places, a focus
    firm), with the scenario of ``remove`` and ``shock`` drawn on it: a string to write to a file,
    shown inline when it is the last value of a Jupyter cell.

    >>> from chaingraph.store import open_store
    >>> html = view(open_store(), Scope(chain="ningde"))
    >>> html.startswith("<!DOCTYPE html>") and "CATL" in html
    True
    >>> html._repr_html_().startswith("<iframe srcdoc=")
    True
    >>> "宁德时代" in view(open_store(), Scope(chain="ningde"), Drawing(lang="zh", focus="CATL"))
    True
    """
    drawing = drawing or Drawing()
    data = view_data(source, scope, drawing, remove=remove, shock=shock, progress=progress)
    if progress:
        progress("rendering")
    return render_view(data, drawing)
