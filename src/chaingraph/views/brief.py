"""The chain brief as one printable, self-contained HTML page: no script, no request, laid out
for A4 or Letter (print CSS, a page break before each section, the data's date and sources in
the footer), the stages as a static diagram (inline SVG) legible in grey. It lays out a
:class:`chaingraph.briefing.Brief` and computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .. import __version__
from ..vocab import name_in
from .page import template_environment

__all__ = ["BRIEF_TEXT", "CHROMIUM_NAMES", "PDF_TIMEOUT", "STATUS_STYLE", "BriefRecord", "print_pdf", "render_brief"]

#: How long Chromium may take to print a brief (s).
PDF_TIMEOUT = 120

#: The brief's words in each language; the Chinese ones are those of investment-promotion
#: practice (链主 chain leader, 补链 fill the chain, 强链 strengthen it, 延链 extend it).
BRIEF_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "{chain} in {region}: chain brief",
        "glance": "The chain at a glance",
        "glance_note": "Stages upstream to downstream; each box counts the region's members and the firms elsewhere.",
        "figures": "What the sources state",
        "measured": "Measured in the data: {local} of {known} supply relations into the region's firms come "
        "from inside it ({share}); {unknown} more have a supplier of unknown place.",
        "measured_amount": "By {basis} ({unit}): {share} local, over {relations} relations.",
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
        "risks": "Risks",
        "concentrated": "Purchases concentrated above HHI {above:,.0f}",
        "client": "client",
        "hhi": "HHI",
        "largest": "largest supplier (share, basis)",
        "ranking": "What breaks most if one {kind} drops out",
        "region": "region",
        "owner": "owner group",
        "members": "members",
        "beyond": "firms disrupted beyond",
        "changes": "What changed since {since}",
        "began": "relations begun",
        "ended": "relations ended",
        "entered": "firms entered",
        "left": "firms left",
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
        "figures": "来源所述",
        "measured": "数据测算：流入本地企业的 {known} 条供应关系中，{local} 条来自本地（{share}）；"
        "另有 {unknown} 条的供应方地点不明。",
        "measured_amount": "按{basis}（{unit}）：本地占 {share}，共 {relations} 条关系。",
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
        "risks": "风险",
        "concentrated": "采购集中度高于 HHI {above:,.0f} 的环节",
        "client": "采购方",
        "hhi": "HHI",
        "largest": "最大供应商（份额、依据）",
        "ranking": "单个{kind}退出时受冲击最大",
        "region": "地区",
        "owner": "企业集团",
        "members": "成员",
        "beyond": "波及企业",
        "changes": "{since}以来的变化",
        "began": "新增供应关系",
        "ended": "终止供应关系",
        "entered": "新进入企业",
        "left": "退出企业",
        "sources": "来源",
        "none": "无",
        "footer": "数据截至{as_of}；chaingraph {version}。各项数据注明来源段落，数字均出自 chaingraph 命令。",
        "all_dates": "全部日期",
    },
}


class BriefRecord(Protocol):
    """What the page reads of a brief (:class:`chaingraph.briefing.Brief`): the records by shape,
    so the views import nothing of the reports that make them."""

    chain: dict
    region: dict
    lang: str
    as_of: str | None
    since: str | None
    stages: list[dict]
    leaders: list[dict]
    dependence: list[dict]
    cut_points: list[dict]
    local_sourcing: dict | None
    concentrated: list[dict]
    rankings: dict[str, list[dict]]
    figures: list[dict]
    changes: dict | None
    sources: list[str]
    unit_words: dict[str, str]

    def cite(self, source: str) -> int: ...


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


def render_brief(found: BriefRecord) -> str:
    """The brief's HTML page (see the module's text).

    >>> from chaingraph.briefing import brief
    >>> from chaingraph.store import open_store
    >>> page = render_brief(brief(open_store(), chain="ningde"))
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page and "CATL" in page
    True
    """
    lang = found.lang
    words = BRIEF_TEXT[lang]

    def name(record: Mapping, key: str = "label") -> str:
        return name_in(str(record.get(key, "")), str(record.get(f"{key}_zh", "")), lang)

    figures = [{**figure, "notes": [found.cite(s) for s in figure["sources"]]} for figure in found.figures]
    claim = None
    if found.local_sourcing and found.local_sourcing.get("claim_source"):
        claim = found.cite(found.local_sourcing["claim_source"])
    stages = [
        {
            **stage,
            "status": _status(stage),
            "name": name(stage),
            "targets": [
                {**target, "name": name(target), "notes": [found.cite(s) for s in target.get("sources", [])]}
                for target in stage["targets"][:3]
            ],
        }
        for stage in found.stages
    ]
    return (
        template_environment()
        .get_template("brief.html")
        .render(
            lang=lang,
            text=words,
            title=words["title"].format(chain=name(found.chain), region=name(found.region)),
            found=found,
            name=name,
            figures=figures,
            claim=claim,
            stages=stages,
            diagram=_diagram(stages, words),
            unit_word=lambda unit: str(found.unit_words.get(unit, unit)).strip() or unit,
            styles=STATUS_STYLE,
            footer=words["footer"].format(as_of=found.as_of or words["all_dates"], version=__version__),
        )
    )


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
