"""The measures of the ``stats`` report: the one home of each one's key, header, help, Chinese name
and where it is shown (:data:`MEASURES`).

A leaf with no third-party import: the NetworkX reference (:data:`chaingraph.measures.reference.REFERENCE`)
and the compiled path (:data:`chaingraph.measures.compiled.FUNCTIONS`) each give the function of every key,
and the command line reads the help texts from here without importing either (``stats --help``).
A new measure is one entry here and one function in each path.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "MEASURES", "MeasureInfo"]

#: How a measure is computed, the same on every path (see :attr:`MeasureInfo.kind`).
KINDS = ("plain", "sampled", "reach", "flag")


@dataclass(frozen=True)
class MeasureInfo:
    """A measure of the ``stats`` report: its key (the JSON and CSV column), table header, one-line
    help, and where it is shown.

    Everything else derives from :data:`MEASURES`: the report's columns and their order, the table's
    headers and default columns, ``--sort`` and ``--columns`` choices, the help text and the view's
    tooltips.
    """

    key: str
    header: str
    help: str
    #: How every path computes it (:data:`KINDS`): ``sampled`` from seeded sources on large graphs,
    #: ``reach`` counted exactly or estimated by size, ``flag`` true or false per node, else ``plain``.
    kind: str = "plain"
    in_table: bool = False  # one of the table's default columns
    in_tooltip: bool = False  # shown in the view's node tooltips
    zh: str = ""  # the measure's name in a Chinese view

    @property
    def sampled(self) -> bool:
        """Whether it is estimated from sampled sources on large graphs."""
        return self.kind == "sampled"


MEASURES: dict[str, MeasureInfo] = {
    m.key: m
    for m in [
        MeasureInfo("in_degree", "suppliers", "direct suppliers", in_table=True, in_tooltip=True, zh="直接供应方数"),
        MeasureInfo("out_degree", "clients", "direct clients", in_table=True, in_tooltip=True, zh="直接客户数"),
        MeasureInfo(
            "betweenness", "betweenness", "share of supply paths through the node", kind="sampled", in_tooltip=True,
            zh="中介中心性",
        ),
        MeasureInfo("closeness", "closeness", "closeness to its upstream (incoming distance)", kind="sampled",
                    zh="接近中心性"),
        MeasureInfo("harmonic", "harmonic", "sum of 1/distance from all its suppliers' suppliers", kind="sampled",
                    zh="调和中心性"),
        MeasureInfo(
            "pagerank", "pagerank", "PageRank along supply edges (integrators score high)",
            in_table=True, in_tooltip=True, zh="PageRank 值",
        ),
        MeasureInfo(
            "dependence", "dependence", "PageRank on reversed edges (suppliers many depend on)",
            in_table=True, in_tooltip=True, zh="被依赖度",
        ),
        MeasureInfo("upstream_reach", "upstream", "number of transitive suppliers", kind="reach", zh="上游企业数"),
        MeasureInfo("downstream_reach", "downstream", "number of transitive clients", kind="reach", zh="下游企业数"),
        MeasureInfo(
            "component_size", "component", "firms in its weakly connected part of the network (direction ignored)",
            zh="所在连通部分企业数",
        ),
        MeasureInfo(
            "articulation_point", "cut point", "removing it splits the chain (direction ignored)", kind="flag",
            in_table=True, zh="关键节点（割点）",
        ),
        MeasureInfo(
            "hhi", "HHI", "concentration of its most concentrated input stage (Herfindahl-Hirschman, 0-10,000; "
            "0: buys no staged input)", zh="采购集中度（HHI）",
        ),
        MeasureInfo(
            "region_hhi", "region HHI", "the HHI of its most regionally concentrated input stage, suppliers' shares "
            "summed by province first (an unknown province counts alone)", zh="采购地区集中度（HHI）",
        ),
        MeasureInfo(
            "group_hhi", "group HHI", "the HHI of its most concentrated input stage, suppliers' shares summed by "
            "owner group first", zh="采购集团集中度（HHI）",
        ),
        MeasureInfo(
            "top_customer_share", "top customer", "share of its sales its largest client takes (0: no client)",
            zh="最大客户占比",
        ),
    ]
}  # fmt: skip
