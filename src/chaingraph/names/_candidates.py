"""Candidate pairs: names that may be one firm, offered to the user and never merged without them.

A name's *stripped core* is its key's core without the region at its start (``湖南``, ``Guangzhou``)
and without the industry words registered names carry (``新能源电池材料``, ``Materials Technology``),
Chinese read as pinyin (``湖南裕能`` -> ``yuneng``), so a registered name meets its short name and
its English spelling. Pairs are scored by rapidfuzz within blocks of names whose stripped cores
share their first three letters, so the work grows with the names, not with their square. Pairs
whose place qualifiers or codes differ are never offered: those are hard negatives (a subsidiary
and its parent).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ._gazetteer import chinese_places, latin_places
from ._keys import NameKey, name_key

__all__ = ["CANDIDATE_SCORE", "Candidate", "candidate_pairs", "stripped_core"]

#: The lowest score offered: a ratio of the stripped cores (rapidfuzz, 0-1).
CANDIDATE_SCORE = 0.86

#: Words registered names add to a brand: kept out of the comparison, never out of the name.
_INDUSTRY_ZH = (
    "新能源", "电池", "材料", "科技", "技术", "高新", "汽车", "电子", "实业", "控股", "集团", "股份",
    "能源", "动力", "智能", "制造", "工业", "发展", "投资", "贸易", "精密", "机械", "设备", "化工", "矿业",
)  # fmt: skip
_INDUSTRY_EN = frozenset(
    [
        "new",
        "energy",
        "battery",
        "batteries",
        "material",
        "materials",
        "technology",
        "technologies",
        "tech",
        "science",
        "sciences",
        "automotive",
        "auto",
        "motor",
        "motors",
        "electronic",
        "electronics",
        "holding",
        "holdings",
        "group",
        "industrial",
        "industries",
        "industry",
        "international",
        "development",
        "investment",
        "trading",
        "precision",
        "machinery",
        "equipment",
        "chemical",
        "chemicals",
        "mining",
        "power",
        "intelligent",
        "manufacturing",
        "the",
        "and",
        "of",
    ]
)


@dataclass(frozen=True)
class Candidate:
    """Two names that may be one firm: their ids, names, a score from 0 to 1 and why."""

    a: str
    a_name: str
    b: str
    b_name: str
    score: float
    why: str


@functools.lru_cache(maxsize=1 << 16)
def stripped_core(name: str) -> str:
    """The part of a name's core that carries its identity, in Latin letters (see the module).

    >>> stripped_core("湖南裕能新能源电池材料股份有限公司"), stripped_core("Hunan Yuneng")
    ('yuneng', 'yuneng')
    """
    return _stripped(name_key(name))


def _stripped(key: NameKey) -> str:
    core = key.core
    if key.chinese:
        from pypinyin import lazy_pinyin

        for place in sorted(chinese_places(), key=len, reverse=True):
            if core.startswith(place) and len(core) - len(place) >= 2:
                core = core[len(place) :]
                break
        changed = True
        while changed:
            changed = False
            for word in sorted(_INDUSTRY_ZH, key=len, reverse=True):
                if core.endswith(word) and len(core) - len(word) >= 2:
                    core, changed = core[: -len(word)], True
                    break
        return "".join(lazy_pinyin(core)).lower()
    words = core.split()
    if len(words) > 1 and words[0] in latin_places():
        words = words[1:]
    kept = [word for word in words if word not in _INDUSTRY_EN] or words
    return "".join(kept)


#: The most names scored against each other at once; a larger block is split by a longer prefix.
BLOCK_LIMIT = 2_000
#: A stripped core shared by more entities than this is too common to say anything ("group").
COMMON_CORE = 50


def candidate_pairs(
    entities: Iterable[tuple[str, str]], *, same: Iterable[frozenset[str]] = (), minimum: float = CANDIDATE_SCORE
) -> list[Candidate]:
    """Scored pairs of names of different entities that may be one firm.

    Names whose stripped cores are equal score 1; others are scored by rapidfuzz's ratio within
    blocks of names whose cores share a prefix (three letters, longer where a block is large) and
    the same digits (``Plant 1`` is not ``Plant 2``). Pairs whose place qualifiers or codes differ
    are never offered.

    Parameters
    ----------
    entities : iterable of (entity, name)
        Every name each entity is known by (an entity may have several).
    same : iterable of frozenset
        Pairs of entities already decided (merged or declared different): never offered.
    minimum : float
        The lowest score offered.

    Returns
    -------
    list of Candidate
        One per pair of entities (its best-scoring names), best first.
    """
    decided = set(same)
    named: dict[tuple[str, str], tuple[str, str, str, NameKey]] = {}
    for entity, name in entities:
        key = name_key(name)
        core = _stripped(key)
        if len(core) >= 2:
            named.setdefault((entity, name), (entity, name, core, key))
    members = list(named.values())
    best: dict[frozenset[str], Candidate] = {}

    def offer(first: tuple[str, str, str, NameKey], second: tuple[str, str, str, NameKey], score: float) -> None:
        a, a_name, a_core, a_key = first
        b, b_name, b_core, b_key = second
        pair = frozenset((a, b))
        if a == b or pair in decided or a_key.qualifiers != b_key.qualifiers:
            return
        if a_key.codes and b_key.codes and not a_key.codes & b_key.codes:
            return
        found = best.get(pair)
        if found is None or score > found.score:
            (x, x_name), (y, y_name) = sorted(((a, a_name), (b, b_name)))
            best[pair] = Candidate(x, x_name, y, y_name, round(score, 3), _why(a_key, b_key, a_core == b_core))

    by_core: dict[str, list[int]] = defaultdict(list)
    for index, member in enumerate(members):
        by_core[member[2]].append(index)
    for group in by_core.values():
        if 1 < len({members[i][0] for i in group}) <= COMMON_CORE:
            for position, i in enumerate(group):
                for j in group[position + 1 :]:
                    offer(members[i], members[j], 1.0)
    cores = sorted(by_core)
    for block in _blocks(cores, 3):
        _score_block(block, by_core, members, minimum, offer)
    return sorted(best.values(), key=lambda c: (-c.score, c.a, c.b))


def _digits(core: str) -> str:
    return "".join(character for character in core if character.isdigit())


def _blocks(cores: list[str], prefix: int) -> Iterable[list[str]]:
    """Cores grouped by their first ``prefix`` letters and their digits, no group over
    :data:`BLOCK_LIMIT` (a larger one is split by one letter more)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for core in cores:
        groups[(core[:prefix], _digits(core))].append(core)
    for group in groups.values():
        if len(group) > BLOCK_LIMIT and prefix < 12:
            yield from _blocks(group, prefix + 1)
        elif len(group) > 1:
            yield group


def _score_block(block: list[str], by_core, members, minimum: float, offer) -> None:
    from rapidfuzz import fuzz, process

    scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=minimum * 100, workers=1)
    rows, columns = scores.nonzero()
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        if i < j:
            for first in by_core[block[i]]:
                for second in by_core[block[j]]:
                    offer(members[first], members[second], float(scores[i, j]) / 100)


def _why(a_key: NameKey, b_key: NameKey, equal: bool) -> str:
    reasons = []
    if a_key.chinese != b_key.chinese:
        reasons.append("the Chinese name read as pinyin")
    if a_key.core != b_key.core:
        reasons.append("equal without the region and industry words" if equal else "similar spellings")
    if a_key.families != b_key.families and a_key.families and b_key.families:
        reasons.append("different legal forms")
    return "; ".join(reasons) or "equal names"
