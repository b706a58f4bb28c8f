"""``chaingraph gaps``: the stages a region lacks in a chain, and the firms to attract."""

from __future__ import annotations

import click

from .app import cli, emit, render_json, stdout
from .options import dating_options, evidence_option, format_option, graph_options, scope_request

__all__ = ["gaps"]

#: The columns of the stage table, in order.
GAP_HEADERS = {
    "chain": "chain",
    "label": "stage",
    "label_zh": "环节",
    "status": "status",
    "local_members": "local members",
    "elsewhere": "elsewhere",
    "local_share": "local share",
    "targets": "suppliers to attract",
    "buyers": "buyers to court",
}


#: The terminal table's columns, the first kept longest when the terminal is narrow.
TABLE_ORDER = ["label", "status", "whom", "local_members", "elsewhere", "local_share", "chain", "label_zh"]


@cli.command(short_help="Stages a region lacks in a chain, and the firms to attract.")
@graph_options(tables=True)
@click.option("--chain", required=True, metavar="C", help="The chain (an id or name), or every chain of a region.")
@click.option("--region", required=True, metavar="PLACE", help="The region whose gaps are measured.")
@evidence_option
@dating_options
@format_option()
@scope_request("chain", "evidence", "dating")
def gaps(source, scope, region, fmt) -> None:
    """Which stages of chain C are missing or thin in PLACE, and which outside firms to attract.

    The network is the whole chain, wherever its members are. Each stage, in the chain's order:
    the members located in PLACE, the number elsewhere, the local share (of the supply relations
    whose client is one of PLACE's members and whose supplier is at the stage, the share whose
    supplier lies in PLACE) and a status: missing (no local member), thin (one), cluster (a cluster
    segment the source names without its firms, and fewer than two named members) or covered.
    For a stage not covered, the targets: firms at the stage outside PLACE that already supply
    PLACE's members (suppliers to attract) or buy from them (buyers to court), most local partners
    first, then by dependence. Then the chain leaders: PLACE's members with the highest PageRank.

    \b
    Examples:
      chaingraph gaps --chain ningde --region Ningde
      chaingraph gaps --chain jinjiang --region Quanzhou --format json
      chaingraph gaps --chain ningde --region 宁德 --evidence stated
    """
    from ..reports.gap_analysis import gaps as compute
    from .render import TableLook, render

    report = compute(source, scope, region=region)
    if fmt == "json":
        emit(render_json(report.as_json()))
        return
    rows = [
        {
            **stage,
            "local_members": ", ".join(m["label"] for m in stage["local_members"]),
            "local_share": "" if stage["local_share"] is None else f"{stage['local_share']:.0%}",
            "targets": _listed(t for t in stage["targets"] if t["role"] != "buyer"),
            "buyers": _listed(t for t in stage["targets"] if t["role"] == "buyer"),
        }
        for stage in report.stages
    ]
    keys = list(GAP_HEADERS)
    if fmt != "table":
        emit(render([{**r, "stage": r["stage"]} for r in rows], [*keys, "stage"], fmt))
        return
    # On a terminal the answer gives way last: whom to attract or court comes right after the stage
    # and its status, one column wrapped rather than cut; the Chinese name and the chain go first.
    keys = [key for key in TABLE_ORDER if key != "chain" or len({row["chain"] for row in rows}) > 1]
    headers = [GAP_HEADERS.get(key, "suppliers to attract, buyers to court") for key in keys]
    for row, stage in zip(rows, report.stages, strict=True):
        row["whom"] = _listed(stage["targets"], roles=True)
    render(
        rows,
        keys,
        "table",
        look=TableLook(headers=headers, title="Stages of the chain in the region", wrap=["whom"]),
        console=stdout.console,
    )
    leaders = ", ".join(f"{leader['label']} ({leader['pagerank']:.3f})" for leader in report.leaders)
    stdout.print(f"chain leaders (PageRank in the chain): {leaders or 'none in the region'}")


def _listed(targets, *, roles: bool = False) -> str:
    """Targets as text, each with its place; with ``roles``, a buyer (or both) says so."""
    return ", ".join(
        t["label"]
        + " ("
        + ("location unknown" if t["location_unknown"] else t["place"])
        + ({"buyer": "; a buyer to court", "both": "; supplier and buyer"}.get(t["role"], "") if roles else "")
        + ")"
        for t in targets
    )
