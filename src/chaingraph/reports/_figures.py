"""The figures the sources state (``cg:Figure``), read as one line each in English or Chinese."""

from __future__ import annotations

import re
from typing import Any, cast

from rdflib import Literal

from ..queries.texts import package_query
from ..records import Figure
from ..store import Store
from ..vocab import check_language, name_in

__all__ = [
    "FIGURES_QUERY",
    "FIGURE_SOURCES_QUERY",
    "FIGURE_WORDS",
    "figures_by_subject",
    "format_figure",
    "sourced_figures",
]

FIGURES_QUERY = package_query("report-figures")
FIGURE_SOURCES_QUERY = package_query("report-figure-sources")

#: How a figure reads in each language: unit words by QUDT local name, number words (largest
#: first), and the punctuation around the measure's scope, value and period.
FIGURE_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "units": {
            "PERCENT": "%",
            "NUM": "",
            "CNY": " yuan",
            "W-HR-PER-KiloGM": " Wh/kg",
            "KiloM": " km",
            "AC": " acres",
            "DAY": " days",
            "HR": " hours",
            "SEC": " s",
            "PercentagePoint": " percentage points",
            "TONNE": " t",
        },
        "numbers": ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")),
        "pattern": "{measure}{scope}: {comparator}{number}{unit}{period}",
        "brackets": " ({})",
        "comparator": "{} ",
    },
    "zh": {
        "units": {
            "PERCENT": "%",
            "NUM": "",
            "CNY": "元",
            "W-HR-PER-KiloGM": " Wh/kg",
            "KiloM": "公里",
            "AC": "英亩",
            "DAY": "天",
            "HR": "小时",
            "SEC": "秒",
            "PercentagePoint": "个百分点",
            "TONNE": "吨",
        },
        "numbers": ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")),
        "pattern": "{measure}{scope}：{comparator}{number}{unit}{period}",
        "brackets": "（{}）",
        "comparator": "{}",
    },
}


def figures_by_subject(store: Store, lang: str = "en") -> dict[str, list[str]]:
    """Every figure in the store as one readable line in ``lang``, by the IRI of its subject."""
    return {subject: [f["text"] for f in found] for subject, found in sourced_figures(store, lang).items()}


def sourced_figures(store: Store, lang: str = "en") -> dict[str, list[Figure]]:
    """Every figure in the store by the IRI of its subject: its ``text`` (one readable line in
    ``lang``, :func:`format_figure`) and its ``sources`` (the paragraphs it was derived from)."""
    check_language(lang)
    sources: dict[str, list[str]] = {}
    for row in store.select(FIGURE_SOURCES_QUERY).rows:
        sources.setdefault(str(row["observation"]), []).append(str(row["source"]))
    figures: dict[str, list[Figure]] = {}
    for row in store.select(FIGURES_QUERY).rows:
        figure = Figure(text=format_figure(row, lang), sources=sources.get(str(row["observation"]), []))
        figures.setdefault(str(row["subject"]), []).append(figure)
    return figures


def format_figure(row: dict, lang: str = "en") -> str:
    """``output value: more than 100 billion yuan (2024)`` (in ``zh``: ``产值：超过1000亿元（2024）``)
    from an observation's row; the period only where the data gives one, the scope after the
    measure where it has one, English standing in for a missing Chinese name."""
    words = FIGURE_WORDS[lang]
    unit_name = re.split(r"[/#]", str(row["unit"]))[-1]
    unit = words["units"].get(unit_name, " " + unit_name)
    try:
        value = float(cast(Literal, row["value"]).toPython())
    except (TypeError, ValueError):
        value = None  # a value that is no number ("about 80", a date) is shown as written
    if value is None or value != value:
        number = str(row["value"])
    else:
        for size, word in words["numbers"]:
            if abs(value) >= size:
                number = f"{value / size:g}{word}"
                break
        else:
            number = f"{value:g}"

    def named(key: str) -> str:
        return name_in(str(row[key]), str(row.get(f"{key}_zh", "")), lang) if key in row else ""

    return words["pattern"].format(
        measure=named("measure"),
        scope=words["brackets"].format(named("scope")) if "scope" in row else "",
        comparator=words["comparator"].format(named("comparator")) if "comparator" in row else "",
        number=number,
        unit=unit,
        period=words["brackets"].format(row["period"]) if "period" in row else "",
    )
