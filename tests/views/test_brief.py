"""``chaingraph brief``: every number the one its command gives, every footnote a listed source,
Chinese terms in the Chinese brief, and a page that prints offline at A4 without cutting."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from chaingraph.briefing import BRIEF_TOP, brief
from chaingraph.views.brief import render_brief

from ..conftest import assert_clean_failure, run_process
from .test_view import browser  # noqa: F401 (the browser fixture)


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
    found = brief(store, chain="ningde")
    gaps = command_json("gaps", "--chain", "ningde", "--region", "Ningde")
    assert found.stages == gaps["stages"]
    assert found.leaders == gaps["leaders"][:BRIEF_TOP]
    for by in ("region", "stage", "owner"):
        ranked = command_json("impact", "--all", "--by", by, "--chain", "ningde", "--top", str(BRIEF_TOP))
        assert [(r["label"], r["summary"]) for r in found.rankings[by]] == [(r["label"], r["summary"]) for r in ranked]
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


def test_every_footnote_is_a_listed_source_and_every_source_is_cited(store):
    found = brief(store, chain="ningde", since="2021")
    text = parsed(render_brief(found))
    assert text.links and set(text.links) == set(text.listed)
    assert [text.listed[f"source-{n}"] for n in range(1, len(found.sources) + 1)] == found.sources
    # The figures' sources are the paragraphs the graph derives them from: the claim of 80% local
    # sourcing among them (fujian-chain-collaboration, paragraph 3).
    assert "https://w3id.org/chaingraph/source/fujian-chain-collaboration#p3" in found.sources
    assert found.changes is not None and found.changes["from"] == "2021"


def test_the_chinese_brief_speaks_the_practices_terms_and_no_english_but_names(store):
    found = brief(store, chain="ningde", lang="zh")
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
    page.close()
    printed = run_process("brief", "--chain", "ningde", "-o", str(tmp_path / "ningde.pdf"), timeout=300)
    assert printed.returncode == 0, printed.stderr
    assert (tmp_path / "ningde.pdf").read_bytes().startswith(b"%PDF")
