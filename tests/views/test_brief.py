"""``chaingraph brief``: every number the one its command gives, every footnote a listed source,
Chinese terms in the Chinese brief, and a page that prints offline at A4 without cutting."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

import pytest

from chaingraph.projection.selection import Scope
from chaingraph.reports.briefing import BRIEF_TOP, CONCENTRATED_ABOVE, DEMAND_PARTIAL, DEMAND_THRESHOLD, brief
from chaingraph.views.brief import CHART, STATUS_STYLE, render_brief

from ..conftest import assert_clean_failure, run_process
from .test_view import _page_nodes, browser  # noqa: F401 (the browser fixture)

FJ = "https://w3id.org/chaingraph/fujian/"


def command_json(*args: str):
    result = run_process(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Text(HTMLParser):
    """A page's text (outside ``<style>``), its footnote links and its listed sources by id."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.listed: dict[str, str] = {}
        self._skip = False
        self._item: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self._skip = tag == "style"
        if tag == "a" and found.get("href", "").startswith("#source-"):
            self.links.append(found["href"][1:])
        if tag == "li" and (found.get("id") or "").startswith("source-"):
            self._item = found["id"]

    def handle_endtag(self, tag):
        self._skip = False
        if tag == "li":
            self._item = None

    def handle_data(self, data):
        if self._item is not None:
            self.listed[self._item] = self.listed.get(self._item, "") + data
        elif not self._skip:
            self.text.append(data)


def parsed(html: str) -> Text:
    text = Text()
    text.feed(html)
    return text


def test_every_number_of_the_brief_is_its_commands(store):
    """The stages, leaders, removal rankings and concentrated purchases as ``gaps``, ``impact
    --all --by`` and ``query single-sourced --hhi-above`` give them, in the page as well."""
    found = brief(store, Scope(chain="ningde"))
    gaps = command_json("gaps", "--chain", "ningde", "--region", "Ningde")
    assert found.stages == gaps["stages"]
    assert found.leaders == gaps["leaders"][:BRIEF_TOP]
    for by in ("region", "stage", "owner"):
        ranked = command_json("impact", "--all", "--by", by, "--chain", "ningde", "--top", str(BRIEF_TOP))
        brief_rows = [(r["label"], dataclasses.asdict(r["summary"])) for r in found.rankings[by]]
        assert brief_rows == [(r["label"], r["summary"]) for r in ranked]
    concentrated = command_json("query", "single-sourced", "--hhi-above", "2500")
    in_chain = {row["id"] for row in command_json("stats", "--chain", "ningde")}
    expected = [row for row in concentrated if row["client"] in in_chain][:BRIEF_TOP]
    assert [(r["client"], r["stage"], r["hhi"]) for r in found.concentrated] == [
        (r["client"], r["stage"], r["hhi"]) for r in expected
    ]
    page = " ".join(parsed(render_brief(found)).text)
    for leader in found.leaders:
        assert f"{leader['label']} ({leader['pagerank']:.3f})" in page
    for stage in found.stages:
        assert stage["label"] in page
    assert found.region["label"] == "Ningde" and found.dependence[0]["label"] == "CATL"
    # The local sourcing as `stats` says it, with its caveat on what measures the claim.
    said = run_process("stats", "--chain", "ningde", "--top", "1", "--format", "table").stdout
    local, known = re.search(r"local sourcing: (\d+) of (\d+) located supplier relations", said).groups()
    assert f"{local} of {known} supply relations" in page
    share, relations, of = re.search(r"by volume \(TONNE\): (\d+)% local, over the (\d+) of (\d+)", said).groups()
    assert f"By volume (t): {share}% local, over the {relations} of {of} located relations" in page
    stated, located = re.search(r"volumes are stated for (\d+) of the (\d+)", said).groups()
    assert f"volumes are stated for {stated} of the {located} located relations" in page


def test_every_footnote_is_a_listed_source_and_every_source_is_cited(store):
    found = brief(store, Scope(chain="ningde"), since="2021")
    text = parsed(render_brief(found))
    assert text.links and set(text.links) == set(text.listed)
    assert [text.listed[f"source-{n}"] for n in range(1, len(found.sources) + 1)] == found.sources
    # The figures' sources are the paragraphs the graph derives them from: the claim of 80% local
    # sourcing among them (fujian-chain-collaboration, paragraph 3).
    assert "https://w3id.org/chaingraph/source/fujian-chain-collaboration#p3" in found.sources
    assert found.changes is not None and found.changes.from_date == "2021"


def test_the_chinese_brief_speaks_the_practices_terms_and_no_english_but_names(store):
    found = brief(store, Scope(chain="ningde"), lang="zh")
    text = parsed(render_brief(found))
    page = " ".join(text.text)
    for term in ("链主", "强链", "延链"):
        assert term in page
    # English left: names the data has only in English, and the measures' own abbreviations.
    english_only = {
        name
        for record in (*found.leaders, *found.dependence, *found.cut_points)
        for name in [record["label"]]
        if not record.get("label_zh")
    }
    allowed = {"HHI", "PageRank", "chaingraph", "H1", "Wh"} | {w for name in english_only for w in name.split()}
    words = {word for word in re.findall(r"[A-Za-z]{2,}", page) if word not in allowed}
    assert words == set(), words


def test_a_brief_of_several_chains_or_of_none_is_one_line(tmp_path):
    several = run_process("brief", "--chain", "fujian", "-o", str(tmp_path / "b.html"))
    assert_clean_failure(several, "brief --chain fujian", "a brief is of one chain")
    assert list(tmp_path.iterdir()) == []


def chart_bars(html: str, chart: str) -> list[tuple[float, float, bool]]:
    """The bars of one of the page's charts (``coverage``, ``concentration``, ``tiers``): x, width,
    hatched, in the page's order, read from the SVG."""
    svg = html.split(f'id="hatch-{chart}"', 1)[1].split("</svg>", 1)[0]
    return [
        (float(x), float(width), fill.startswith("url("))
        for x, width, fill in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*?fill="([^"]+)"', svg)
    ]


def test_the_charts_draw_the_commands_numbers_to_scale(store):
    """Coverage bars: each stage's local members (solid) and firms elsewhere (hatched) as ``gaps``
    counts them, on one scale; concentration: each stage's purchase HHI on 0..10,000 with the line
    at 2,500; tiers: the firms per tier of the ranked removal that disrupts most beyond itself."""
    html = render_brief(brief(store, Scope(chain="ningde")))
    stages = command_json("gaps", "--chain", "ningde", "--region", "Ningde")["stages"]
    unit = CHART["bars"] / max(len(s["local_members"]) + s["elsewhere"] for s in stages)
    expected = [
        (round(CHART["label"] + before * unit, 1), round(count * unit, 1), hatched)
        for s in stages
        for before, count, hatched in (
            (0, len(s["local_members"]), False),
            (len(s["local_members"]), s["elsewhere"], True),
        )
        if count
    ]
    drawn = chart_bars(html, "coverage")
    # pytest.approx takes flat sequences only (9.2 refuses tuples inside), so each column apart
    assert [hatched for _, _, hatched in drawn] == [hatched for _, _, hatched in expected]
    for column in (0, 1):
        assert [bar[column] for bar in drawn] == pytest.approx([bar[column] for bar in expected], abs=0.051)
    concentration = [s["purchase_hhi"] for s in stages if s["purchase_hhi"] is not None]
    drawn = chart_bars(html, "concentration")
    assert [round(width / CHART["bars"] * 10_000) for _, width, _ in drawn] == pytest.approx(concentration, abs=1)
    assert f'x1="{CHART["label"] + CONCENTRATED_ABOVE / 10_000 * CHART["bars"]:.1f}"' in html
    firsts = [(command_json("impact", "--all", "--by", by, "--chain", "ningde", "--top", "1") or [None])[0]
              for by in ("region", "stage", "owner")]  # fmt: skip
    worst = max((row for row in firsts if row), key=lambda row: row["summary"]["disrupted_beyond_removed"])
    tiers = worst["summary"]["firms_per_tier"]
    assert [width for _, width, _ in chart_bars(html, "tiers")] == pytest.approx(
        [count * CHART["bars"] / max(tiers) for count in tiers], abs=0.051
    )


def test_each_stage_has_the_colour_it_has_in_the_view(store):
    from chaingraph.views import view

    found = brief(store, Scope(chain="ningde"))
    html = render_brief(found)
    strips = re.findall(r'<rect x="6" y="[\d.]+" width="[\d.]+" height="4" fill="([^"]+)"/>', html)
    assert len(strips) == len(found.stages)
    nodes = _page_nodes(view(store, Scope(chain="ningde")))
    compared = 0
    for stage, strip in zip(found.stages, strips, strict=True):
        for member in stage["local_members"]:
            if isinstance(nodes.get(member["id"], {}).get("color"), str):
                assert nodes[member["id"]]["color"] == strip, stage["label"]
                compared += 1
    assert compared >= 5


def test_the_statuses_read_apart_in_a_grey_print():
    """No two statuses of the stage diagram share a dash pattern and a grey: their fills' relative
    luminances (WCAG 2) at least 1.5:1 apart where the border is drawn the same."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    styles = list(STATUS_STYLE.items())
    for i, (one, first) in enumerate(styles):
        for other, second in styles[i + 1 :]:
            if first["dash"] == second["dash"]:
                light, dark = sorted((luminance(first["fill"]), luminance(second["fill"])), reverse=True)
                assert (light + 0.05) / (dark + 0.05) >= 1.5, (one, other)


def test_the_leaders_demand_shock_is_impacts(store):
    """Where the leader's suppliers state amounts or shares, the brief gives ``impact --remove
    firm:LEADER --direction upstream`` at the brief's threshold; where none does, no shock."""
    found = brief(store, Scope(chain="ningde"))
    shock = found.demand_shock
    assert shock is not None and shock["leader"]["id"] == FJ + "catl"
    report = command_json(
        "impact", "--remove", "firm:CATL", "--chain", "ningde", "--direction", "upstream",
        "--threshold", str(DEMAND_THRESHOLD), "--partial", str(DEMAND_PARTIAL),
    )  # fmt: skip
    assert dataclasses.asdict(shock["summary"]) == report["summary"]
    hit = [row for row in report["disrupted"] if row["tier"] >= 1]
    by_data = [row for row in hit if row["basis"] in ("stated", "value", "volume")]
    assert shock["stated"] == len(by_data) > 0
    # The nearest tier first, the data's shares before equal ones, then the largest loss.
    nearest = min(row["tier"] for row in hit)
    first = max((r for r in by_data if r["tier"] == nearest), key=lambda r: r["share_lost"])
    assert shock["disrupted"][0]["share_lost"] == first["share_lost"]
    assert all(row in hit for row in shock["disrupted"])
    losses = sorted((row for row in report["partial"] if row.get("sales_lost")), key=lambda r: -r["sales_lost"])
    assert [r["id"] for r in shock["partial_losses"]] == [r["id"] for r in losses][:BRIEF_TOP]
    assert shock["partial_losses"][0]["id"] == FJ + "yuneng"  # 44.46% of its sales, stated
    page = " ".join(parsed(render_brief(found)).text)
    assert "If CATL stopped buying" in page and "Hunan Yuneng (44%)" in page
    # The Jinjiang chain states no amount or share: no demand shock to brief.
    assert brief(store, Scope(chain="jinjiang-integrated-circuit")).demand_shock is None


def test_a_brief_of_a_users_own_sheets(tmp_path):
    """A chain only the user's sheets name, in Chinese: the brief's stages are ``gaps``' on the same
    sheets, their names the sheets' Chinese ones, and the leader's demand shock is read by value."""
    (tmp_path / "firms.csv").write_text(
        "id,name_en,name_zh,located_in,chain,stage\n"
        "Sol Wafer,Sol Wafer Co,索尔硅片,Xiamen,xiamen-solar,wafers\n"
        "Sun Cells,Sun Cells Ltd,太阳电池,Xiamen,xiamen-solar,cells\n"
        "Far Cells,Far Cells Ltd,远方电池,Shanghai,xiamen-solar,cells\n"
        "Panel One,Panel One Co,一号组件,Xiamen,xiamen-solar,modules\n"
        "Grid Buyer,Grid Buyer Corp,电网买家,Beijing,xiamen-solar,power plants\n",
        encoding="utf-8",
    )
    (tmp_path / "rel.csv").write_text(
        "supplier,client,supplies,value,currency\n"
        "Sol Wafer,Sun Cells,wafers,100,CNY\nSol Wafer,Far Cells,wafers,50,CNY\n"
        "Sun Cells,Panel One,cells,80,CNY\nFar Cells,Panel One,cells,20,CNY\n"
        "Panel One,Grid Buyer,modules,300,CNY\n",
        encoding="utf-8",
    )
    sheets = ("--relations", str(tmp_path / "rel.csv"), "--firms", str(tmp_path / "firms.csv"))
    target = tmp_path / "solar.html"
    made = run_process(
        "brief", "--chain", "xiamen-solar", "--region", "Xiamen", "--lang", "zh", *sheets, "-o", str(target)
    )
    assert made.returncode == 0, made.stderr
    html = target.read_text(encoding="utf-8")
    gaps = command_json("gaps", "--chain", "xiamen-solar", "--region", "Xiamen", *sheets)
    page = " ".join(parsed(html).text)
    for stage in gaps["stages"]:
        for member in stage["local_members"]:
            assert member["label_zh"] in page
    assert "索尔硅片" in page and "Sol Wafer Co" not in page
    # The sheets state no stage order: the diagram says its stages stand by name, not upstream first.
    assert "环节按名称排列：数据未说明其中 4 个环节的上下游次序" in page and "环节自上游至下游" not in page
    assert len(chart_bars(html, "coverage")) == sum(
        (len(s["local_members"]) > 0) + (s["elsewhere"] > 0) for s in gaps["stages"]
    )
    # Panel One leads; if it stopped buying, Sun Cells (which sells only to it, 80 CNY) loses all
    # its sales by value, and Far Cells (20 of 20) too.
    assert "若一号组件停止采购" in page
    shock = json.dumps(
        command_json("impact", "--remove", "Panel One", "--direction", "upstream", "--threshold", "0.5", *sheets)
    )
    assert '"basis": "value"' in shock


@pytest.mark.browser
def test_the_brief_renders_offline_and_prints_at_a4_without_cutting(browser, tmp_path):  # noqa: F811
    made = run_process("brief", "--chain", "ningde", "--since", "2021", "-o", str(tmp_path / "ningde.html"))
    assert made.returncode == 0, made.stderr
    requests, errors = [], []
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else (
        requests.append(route.request.url), route.abort()))  # fmt: skip
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((tmp_path / "ningde.html").as_uri())
    assert requests == [] and errors == []
    assert page.evaluate("() => document.querySelectorAll('script').length") == 0
    # Printed: the text width of A4 with the page's margins (210 mm less 2 x 14 mm, at 96 dpi);
    # no element reaches past it.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 688, "height": 1000})
    overflowing = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(e => {
             const box = e.getBoundingClientRect(); return box.width > 0 && (box.left < -0.5 || box.right > 688.5);
           }).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    assert overflowing == []
    # ... and whatever the page keeps whole when printed (a chart, a table row) is shorter than the
    # printable height (297 mm less the 16 + 18 mm margins), so no page edge cuts through it.
    printable = (297 - 34) / 25.4 * 96
    too_tall = page.evaluate(
        """(limit) => Array.from(document.querySelectorAll('svg, tr, section.whole'))
             .filter(e => e.getBoundingClientRect().height > limit).map(e => e.tagName + ' ' + e.id)""",
        printable,
    )
    assert too_tall == []
    page.close()
    # Printed to PDF at A4: two to four pages for each bundled chain, in either language.
    for chain, *more in (("ningde", "--since", "2021"), ("ningde", "--lang", "zh"), ("jinjiang-integrated-circuit",)):
        pdf = tmp_path / f"{chain}.pdf"
        printed = run_process("brief", "--chain", chain, *more, "-o", str(pdf), "--force", timeout=300)
        assert printed.returncode == 0, printed.stderr
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        assert 2 <= pages <= 4, (chain, more, pages)
