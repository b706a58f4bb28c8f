"""``impact``: one firm's removal, or every firm's, as the contract's records."""

from __future__ import annotations

from collections.abc import Callable

from ..engines import Compute
from ..errors import InputError
from ..measures import dispatch
from ..measures.impact import Impact, impact_all
from ..measures.impact import impact as impact_of
from ..projection.selection import FIRM_LEVEL_SCOPE, Scope, make_selection, scope_for, select_columns
from ..projection.source import Source, network_source
from ..queries import names

__all__ = ["impact", "impact_record"]


def impact_record(result: Impact) -> dict:
    """One impact result as the contract's JSON record (the keys of :data:`IMPACT_HEADERS`, and labels)."""
    return {
        "id": result.firm,
        "label": result.label,
        "label_zh": result.label_zh,
        "direct_clients": result.direct_clients,
        "downstream_reach": result.downstream_reach,
        "reach_lost": result.reach_lost,
        "stage_losses": [vars(loss) for loss in result.stage_losses],
        "stranded": result.stranded,
        "stranded_labels": [loss.client_label for loss in result.stage_losses if loss.client in result.stranded],
        "components_before": result.components_before,
        "components_after": result.components_after,
    }


def impact(
    source: Source,
    firm: str | None,
    scope: Scope | None = None,
    *,
    top: int | None = 10,
    compute: Compute | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Impact]:
    """What breaks if ``firm`` drops out; ``firm=None``: every firm, the ``top`` most harmful first
    (``impact --all``); in the part of the network ``scope`` chooses
    (:class:`~chaingraph.projection.selection.Scope`, firm level).

    ``compute``'s backend as in :func:`stats` (this machine only): the compiled graph answers above
    :data:`chaingraph.measures.kernels.COMPILED_THRESHOLD` nodes, the NetworkX reference below; for
    every firm the compiled ranking answers at any size (``backend="networkx"`` asks for the
    reference).
    """
    from ..measures import compiled
    from ..measures.impact import CompiledImpacts

    backend = (compute or Compute()).local("impact").backend
    dispatch.check_backend(backend)
    if firm is not None and not firm.strip():
        raise InputError("impact needs a FIRM, or --all")
    source = network_source(source)
    selection = make_selection(source, scope_for(scope, "impact", *FIRM_LEVEL_SCOPE))
    table = select_columns(source.projection(), selection)
    use_compiled = dispatch.uses_compiled(len(table), backend)
    if firm is None:  # every firm
        # The reference recomputes every reach count per firm removed (cubic on a ring of 1,500);
        # the compiled ranking, tested equal to it, answers --all at any size unless asked otherwise.
        use_compiled = use_compiled or backend == "auto"
        if use_compiled:
            return CompiledImpacts(compiled.AnalysisGraph(table)).most_harmful(top, progress=progress)
        return impact_all(table.to_networkx(), top=top, progress=progress)
    node = str(source.resolve(firm, names.FIRM))
    controller = next((head for head, members in table.meta.get("grouped", {}).items() if node in members), None)
    if controller is not None:
        label = table.columns["label"][table.nodes.index(controller)]
        raise InputError(f"{firm!r} is merged into {label} by --group-by owner: ask for {label}")
    try:
        position = table.nodes.index(node)
    except ValueError:
        raise InputError(f"{firm!r} is not part of the selected chain or region") from None
    if use_compiled:
        return [CompiledImpacts(compiled.AnalysisGraph(table)).impact(position)]
    return [impact_of(table.to_networkx(), node)]
