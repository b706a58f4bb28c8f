"""The chain brief as one printable, self-contained HTML page: no script, no request, laid out
for A4 or Letter (print CSS, a page break before each section, the data's date and sources in
the footer), the stages as a static diagram (inline SVG) legible in grey. It lays out a
:class:`chaingraph.reports.briefing.Brief` and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .. import __version__
from ..records import Brief, GapStage
from ..vocab import name_in
from .colours import NO_STAGE_COLOR, colours_of_stages
from .page import template_environment

__all__ = ["BRIEF_TEXT", "CHART", "CHROMIUM_NAMES", "PDF_TIMEOUT", "STATUS_STYLE", "print_pdf", "render_brief"]

#: How long Chromium may take to print a brief (s).
PDF_TIMEOUT = 120

#: The brief's words in each language; the Chinese ones are those of investment-promotion
#: practice (链主 chain leader, 补链 fill the chain, 强链 strengthen it, 延链 extend it).
BRIEF_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "{chain} in {region}: chain brief",
        "glance": "The chain at a glance",
        "glance_note": "Stages upstream to downstream; each box counts the region's members and the firms elsewhere.",
        "glance_unordered": "Stages by name: the data states no order (cg:stageOrder) for {stages} of them; each "
        "box counts the region's members and the firms elsewhere.",
        "figures": "What the sources state",
        "measured": "Measured in the data: {local} of {known} supply relations into the region's firms come "
        "from inside it ({share}); {unknown} more have a supplier of unknown place.",
        "measured_amount": "By {basis} ({unit}): {share} local, over the {relations} of {known} located relations "
        "that state one.",
        "claim_unmeasured": "The claim measures material volume; no relation into the region states a volume, so "
        "the count above does not measure it.",
        "claim_partly": "The claim measures material volume; volumes are stated for {stated} of the {known} located "
        "relations, so neither line above measures it whole.",
        "value": "value",
        "volume": "volume",
        "basis_stated": "stated",
        "basis_value": "by value",
        "basis_volume": "by volume",
        "basis_equal": "equal shares",
        "leaders": "Chain leaders and the firms the chain depends on",
        "leader": "chain leader (PageRank)",
        "depends": "the chain depends on (dependence)",
        "cut": "whose loss splits the network",
        "gaps": "Gaps and whom to attract",
        "stage": "stage",
        "status": "status",
        "local": "local members",
        "elsewhere": "elsewhere",
        "targets": "suppliers to attract / buyers to court",
        "missing": "fill the chain (no local member)",
        "extend": "extend the chain (buyers to court)",
        "thin": "strengthen (one or two local members)",
        "cluster": "strengthen (a cluster segment only)",
        "covered": "covered",
        "buyer": "buyer to court",
        "coverage": "Local members and firms elsewhere, per stage",
        "coverage_local": "in the region",
        "coverage_elsewhere": "elsewhere",
        "concentration": "How concentrated each stage's purchases are (HHI, 0 to 10,000)",
        "concentration_note": "The dashed line is HHI {above:,.0f}: above it a purchase is highly concentrated.",
        "worst": "If {name} ({kind}) dropped out: firms disrupted, tier after tier",
        "tier": "tier {tier}",
        "tier_removed": "removed",
        "demand": "If {leader} stopped buying",
        "demand_note": "{beyond} firms disrupted beyond {leader}: its suppliers that lose at least {threshold} of "
        "their sales, and theirs in turn; {stated} of them by shares or amounts the data states.",
        "firm": "firm",
        "sales_lost": "sales lost",
        "basis": "basis",
        "partial_losses": "Suppliers left standing that lose at least {partial} of their sales",
        "risks": "Risks",
        "concentrated": "Purchases concentrated above HHI {above:,.0f}",
        "client": "client",
        "hhi": "HHI",
        "largest": "largest supplier (share, basis)",
        "rankings": "What breaks most if one region, stage or owner group drops out",
        "region": "region",
        "owner": "owner group",
        "members": "members",
        "beyond": "firms disrupted beyond",
        "changes": "What changed since {since}",
        "began": "relations begun",
        "ended": "relations ended",
        "entered": "firms entered",
        "left": "firms left",
        "rank_moves": "largest rank moves",
        "pagerank": "PageRank",
        "dependence": "dependence",
        "sources": "Sources",
        "none": "none",
        "footer": "Data as of {as_of}; chaingraph {version}. Each figure cites its source paragraph; every "
        "number is a chaingraph command's.",
        "all_dates": "every date",
    },
    "zh": {
        "title": "{region}{chain}简报",
        "glance": "产业链全景",
        "glance_note": "环节自上游至下游；每格为本地成员数与外地企业数。",
        "glance_unordered": "环节按名称排列：数据未说明其中 {stages} 个环节的上下游次序；"
        "每格为本地成员数与外地企业数。",
        "figures": "来源所述",
        "measured": "数据测算：流入本地企业的 {known} 条供应关系中，{local} 条来自本地（{share}）；"
        "另有 {unknown} 条的供应方地点不明。",
        "measured_amount": "按{basis}（{unit}）：本地占 {share}，"
        "依据 {known} 条已知地点关系中注明该量的 {relations} 条。",
        "claim_unmeasured": "来源所述比例按材料数量计；流入本地的关系均未注明数量，上述条数不能衡量该比例。",
        "claim_partly": "来源所述比例按材料数量计；{known} 条已知地点关系中仅 {stated} 条注明数量，"
        "上述两项均不能完整衡量该比例。",
        "value": "金额",
        "volume": "数量",
        "basis_stated": "来源所述",
        "basis_value": "按金额",
        "basis_volume": "按数量",
        "basis_equal": "均分",
        "leaders": "链主与关键企业",
        "leader": "链主（PageRank）",
        "depends": "产业链依赖的企业（依赖度）",
        "cut": "缺失即割裂网络的企业",
        "gaps": "补链、强链、延链",
        "stage": "环节",
        "status": "状态",
        "local": "本地成员",
        "elsewhere": "外地",
        "targets": "招引对象（供应商 / 延链客户）",
        "missing": "补链（本地无成员）",
        "extend": "延链（招引下游客户）",
        "thin": "强链（本地仅一两家）",
        "cluster": "强链（仅有集群环节）",
        "covered": "已覆盖",
        "buyer": "延链客户",
        "coverage": "各环节本地成员与外地企业",
        "coverage_local": "本地",
        "coverage_elsewhere": "外地",
        "concentration": "各环节采购集中度（HHI，0 至 10,000）",
        "concentration_note": "虚线为 HHI {above:,.0f}：高于此值即采购高度集中。",
        "worst": "{name}（{kind}）退出时各层受冲击企业数",
        "tier": "第 {tier} 层",
        "tier_removed": "移除",
        "demand": "若{leader}停止采购",
        "demand_note": "{leader}之外 {beyond} 家企业受冲击：销售额损失至少 {threshold} 的供应商及其上游；"
        "其中 {stated} 家按数据所述份额或金额计算。",
        "firm": "企业",
        "sales_lost": "销售额损失",
        "basis": "依据",
        "partial_losses": "未中断但销售额损失至少 {partial} 的供应商",
        "risks": "风险",
        "concentrated": "采购集中度高于 HHI {above:,.0f} 的环节",
        "client": "采购方",
        "hhi": "HHI",
        "largest": "最大供应商（份额、依据）",
        "rankings": "单个地区、环节或企业集团退出时受冲击最大",
        "region": "地区",
        "owner": "企业集团",
        "members": "成员",
        "beyond": "波及企业",
        "changes": "{since}以来的变化",
        "began": "新增供应关系",
        "ended": "终止供应关系",
        "entered": "新进入企业",
        "left": "退出企业",
        "rank_moves": "排名变化最大",
        "pagerank": "PageRank",
        "dependence": "依赖度",
        "sources": "来源",
        "none": "无",
        "footer": "数据截至{as_of}；chaingraph {version}。各项数据注明来源段落，数字均出自 chaingraph 命令。",
        "all_dates": "全部日期",
    },
}


#: How each gaps status is drawn in the stage diagram, legible in grey: the fill, the border and
#: its dash pattern (none: solid).
STATUS_STYLE: dict[str, dict[str, str]] = {
    "covered": {"fill": "#4a6fa5", "stroke": "#1f3555", "dash": "", "text": "#ffffff"},
    "thin": {"fill": "#d9e2ef", "stroke": "#1f3555", "dash": "", "text": "#111111"},
    "cluster": {"fill": "#d9e2ef", "stroke": "#1f3555", "dash": "6 3", "text": "#111111"},
    "missing": {"fill": "#ffffff", "stroke": "#555555", "dash": "3 3", "text": "#111111"},
    "extend": {"fill": "#ffffff", "stroke": "#555555", "dash": "1 3", "text": "#111111"},
}
#: The stage diagram's box (px), the gap between boxes, and how many boxes a row holds (the
#: width of an A4 page's text at the size the page is drawn).
BOX_WIDTH, BOX_HEIGHT, BOX_GAP, BOXES_PER_ROW = 118, 86, 14, 5


def render_brief(found: Brief) -> str:
    """The brief's HTML page (see the module's text).

    >>> from chaingraph.projection.selection import Scope
    >>> from chaingraph.reports.briefing import brief
    >>> from chaingraph.store import open_store
    >>> page = render_brief(brief(open_store(), Scope(chain="ningde")))
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page and "CATL" in page
    True
    """
    lang = found.lang
    words = BRIEF_TEXT[lang]

    def name(record: Mapping, key: str = "label") -> str:
        return name_in(str(record.get(key, "")), str(record.get(f"{key}_zh", "")), lang)

    def notes(sources: Sequence[str]) -> list[int]:
        return [found.note(source) for source in sources]

    stated = found.chains.get(found.chain["iri"], {}).get("stages", {})  # each stage's order, as the data states it
    drawn = {stage["stage"]: (stated.get(stage["stage"], {}).get("order", 0), stage["label"]) for stage in found.stages}
    colours = colours_of_stages(found.chains, drawn)
    stages = [
        {
            **stage,
            "status": _status(stage),
            "name": name(stage),
            "colour": colours.get(stage["stage"], NO_STAGE_COLOR),
            "targets": [
                {**target, "name": name(target), "notes": notes(target.get("sources", []))}
                for target in stage["targets"][: found.top]
            ],
        }
        for stage in found.stages
    ]
    claim = found.local_sourcing.claim_source if found.local_sourcing else None
    return (
        template_environment()
        .get_template("brief.html")
        .render(
            lang=lang,
            text=words,
            title=words["title"].format(chain=name(found.chain), region=name(found.region)),
            found=found,
            name=name,
            figures=[{**figure, "notes": notes(figure["sources"])} for figure in found.figures],
            claim=found.note(claim) if claim else None,
            stages=stages,
            diagram=_diagram(stages, words),
            glance_note=_glance_note(found.stages, stated, words),
            charts=_charts(found, stages, words, name),
            unit_word=lambda unit: str(found.unit_words.get(unit, unit)).strip() or unit,
            styles=STATUS_STYLE,
            footer=words["footer"].format(as_of=found.as_of or words["all_dates"], version=__version__),
        )
    )


#: The bar charts' geometry (px): the label column, the bars' length at the largest value, the
#: value column after the bars, a bar's height and the gap between bars. Their sum is within the
#: text width of an A4 page (688 px at 96 dpi with the page's margins).
CHART = {"label": 190, "bars": 380, "value": 70, "bar": 14, "gap": 6}


def _charts(found: Brief, stages: list[dict], words: Mapping[str, str], name) -> dict:
    """The brief's bar charts, each rows of segments with their geometry: the stages' local members
    and firms elsewhere (stage colour, elsewhere hatched), their purchase concentration (with the
    highly concentrated line) and the tiers of the worst removal."""
    coverage = _bars(
        [
            (
                stage["name"],
                [(len(stage["local_members"]), stage["colour"], False), (stage["elsewhere"], stage["colour"], True)],
                f"{len(stage['local_members'])} · {stage['elsewhere']}",
            )
            for stage in stages
        ]
    )
    concentration = _bars(
        [
            (stage["name"], [(stage["purchase_hhi"], stage["colour"], False)], f"{stage['purchase_hhi']:,.0f}")
            for stage in stages
            if stage.get("purchase_hhi") is not None
        ],
        largest=10_000.0,
        marker=found.concentrated_above,
    )
    tiers = None
    if found.worst:
        counts = found.worst["summary"].firms_per_tier
        tiers = {
            "title": words["worst"].format(name=name(found.worst), kind=words[found.worst["kind"]]),
            **_bars(
                [
                    (words["tier_removed"] if tier == 0 else words["tier"].format(tier=tier),
                     [(count, "#4a6fa5" if tier else "#999999", tier == 0)], str(count))
                    for tier, count in enumerate(counts)
                ]
            ),
        }  # fmt: skip
    return {"coverage": coverage, "concentration": concentration, "tiers": tiers}


def _bars(
    rows: Sequence[tuple[str, Sequence[tuple[float, str, bool]], str]],
    *,
    largest: float | None = None,
    marker: float | None = None,
) -> dict:
    """A horizontal bar chart: each row its label, its segments (value, colour, hatched or solid)
    laid end to end, and the text after them; lengths scaled so that ``largest`` (default: the
    longest row) fills :data:`CHART`'s bars; ``marker`` a dashed line at that value."""
    longest = largest or max((sum(value for value, *_ in segments) for _, segments, _ in rows), default=0) or 1
    scale = CHART["bars"] / longest
    drawn = []
    for index, (label, segments, text) in enumerate(rows):
        x: float = CHART["label"]
        bars: list[dict] = []
        for value, colour, hatched in segments:
            if value > 0:
                bars.append({"x": x, "width": value * scale, "colour": colour, "hatched": hatched, "value": value})
                x += value * scale
        drawn.append(
            {"y": index * (CHART["bar"] + CHART["gap"]), "label": _clip(label), "bars": bars, "text": text, "end": x}
        )
    return {
        "rows": drawn,
        "width": CHART["label"] + CHART["bars"] + CHART["value"],
        "height": max(len(rows) * (CHART["bar"] + CHART["gap"]) - CHART["gap"], 1),
        "marker": None if marker is None else CHART["label"] + marker * scale,
        "chart": CHART,
    }


def _glance_note(stages: list[GapStage], stated: Mapping[str, Mapping], words: Mapping[str, str]) -> str:
    """What the stage diagram's order means: upstream to downstream where the data states every
    stage's place (``cg:stageOrder``, in ``stated``), else by name, saying for how many it states none."""
    unordered = sum(1 for stage in stages if not stated.get(stage["stage"], {}).get("order"))
    return words["glance_unordered"].format(stages=unordered) if unordered else words["glance_note"]


def _status(stage: Mapping) -> str:
    """``gaps``' status of a stage, but a stage with no local member whose targets are all buyers
    (the local members' clients: end use) is one to extend the chain into, not to fill."""
    targets = stage["targets"]
    if stage["status"] == "missing" and targets and all(t["role"] == "buyer" for t in targets):
        return "extend"
    return str(stage["status"])


def _diagram(stages: list[dict], words: Mapping[str, str]) -> dict:
    """The stage diagram's boxes, :data:`BOXES_PER_ROW` a row: position, style, the stage's name
    in lines, its counts and status."""
    boxes = []
    for index, stage in enumerate(stages):
        style = STATUS_STYLE.get(stage["status"], STATUS_STYLE["missing"])
        lines = _wrap(stage["name"], 16 if stage["name"].isascii() else 7)
        row, column = divmod(index, BOXES_PER_ROW)
        boxes.append(
            {
                "x": column * (BOX_WIDTH + BOX_GAP),
                "y": row * (BOX_HEIGHT + BOX_GAP),
                "style": style,
                "colour": stage["colour"],
                "lines": lines[:3],
                "counts": f"{len(stage['local_members'])} · {stage['elsewhere']}",
                "status": words[stage["status"]].split(" (")[0].split("（")[0],
            }
        )
    columns, rows = min(len(stages), BOXES_PER_ROW) or 1, -(-len(stages) // BOXES_PER_ROW) or 1
    return {
        "boxes": boxes,
        "width": columns * (BOX_WIDTH + BOX_GAP) - BOX_GAP,
        "height": rows * (BOX_HEIGHT + BOX_GAP) - BOX_GAP,
        "box": BOX_WIDTH,
        "box_height": BOX_HEIGHT,
    }


def _clip(label: str) -> str:
    """``label`` cut to fit :data:`CHART`'s label column at 11 px (about 6 px a Latin letter, 11 a
    Chinese character), an ellipsis marking the cut."""
    room = CHART["label"] // (6 if label.isascii() else 11) - 1
    return label if len(label) <= room else label[: room - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters (words kept whole where there are spaces)."""
    if " " not in text:
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def print_pdf(html: str) -> bytes:
    """``html`` printed to PDF at A4 by headless Chromium (the page's own print CSS: margins, page
    breaks). Raises :class:`~chaingraph.errors.InputError` naming what to install when no Chromium
    is on the ``PATH``."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from ..errors import InputError

    browser = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if browser is None:
        raise InputError(
            "printing a brief to PDF needs Chromium (Debian: apt-get install chromium); "
            "or write -o FILE.html and print it from a browser"
        )
    with tempfile.TemporaryDirectory(prefix="chaingraph-brief-") as folder:
        page, pdf = Path(folder) / "brief.html", Path(folder) / "brief.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium took more than {PDF_TIMEOUT} s to print the brief") from None
        if not pdf.exists() or not pdf.stat().st_size:
            raise InputError(f"{browser} did not print the brief to PDF")
        return pdf.read_bytes()


#: The names Chromium goes by on the ``PATH``.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
