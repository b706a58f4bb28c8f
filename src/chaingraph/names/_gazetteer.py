"""Place names as they appear inside firms' names: a qualifier in brackets (``Salcomp (Shenzhen)``,
``特斯拉（上海）``) or a region at the start of a registered Chinese name (``湖南裕能…``).

China's provinces, prefecture-level cities and counties come from cpca's list of administrative
divisions (its ``adcodes.csv``, read as a file: importing cpca would import pandas), each by its
full and short Chinese name and the pinyin of the short one; countries from pycountry.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import io
from pathlib import Path

__all__ = ["chinese_places", "divisions", "is_place", "latin_places", "short_division_name"]

#: Endings of division names that a short name drops (广东省 -> 广东, 深圳市 -> 深圳).
_DIVISION_ENDINGS = tuple(
    [
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "特别行政区",
        "自治区",
        "自治州",
        "地区",
        "新区",
        "省",
        "市",
        "县",
        "区",
        "盟",
        "旗",
    ]
)


@functools.lru_cache(maxsize=1)
def divisions() -> list[tuple[str, str]]:
    """China's administrative divisions as (12-digit code, name), as cpca lists them."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [(row["adcode"], row["name"]) for row in csv.DictReader(io.StringIO(text))]


def short_division_name(name: str) -> str:
    """A Chinese division's name without its ending (广东省 -> 广东), when two characters stay."""
    for ending in _DIVISION_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return name


@functools.lru_cache(maxsize=1)
def chinese_places() -> frozenset[str]:
    """Chinese division names, full and short (``深圳市``, ``深圳``)."""
    found: set[str] = set()
    for _, name in divisions():
        found.add(name)
        found.add(short_division_name(name))
    return frozenset(name for name in found if len(name) >= 2)


@functools.lru_cache(maxsize=1)
def latin_places() -> frozenset[str]:
    """Place names in Latin script, lower case: the pinyin of China's provinces and prefecture-level
    cities (``shenzhen``, ``guangdong``; county names are too often brand words), and countries."""
    from pypinyin import lazy_pinyin

    found: set[str] = set()
    for code, name in divisions():
        if code.endswith("00000000"):  # a province or a prefecture-level city
            short = short_division_name(name)
            found.add("".join(lazy_pinyin(short)))
    try:
        import pycountry

        for country in pycountry.countries:
            for spelled in (country.name, getattr(country, "common_name", None)):
                if spelled:
                    found.add(str(spelled).lower())
    except ImportError:  # pragma: no cover - a core dependency
        pass
    found.update({"hong kong", "hongkong", "macau", "macao", "taiwan", "international", "asia", "europe", "usa"})
    return frozenset(found)


def is_place(text: str) -> bool:
    """Whether ``text`` (normalised: lower case, single spaces) names a place."""
    return text in chinese_places() or text in latin_places() or text.replace(" ", "") in latin_places()
