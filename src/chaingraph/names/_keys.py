"""A firm's name as a key: what two spellings of one firm share, and what tells two firms apart.

``name_key`` reads a name the way a careful analyst does:

1. Unicode NFKC (full-width letters, digits, spaces and brackets become plain ones), traditional
   Chinese as simplified (OpenCC), lower case, ``&`` as ``and``.
2. Bracketed parts: a stock code or ticker (``(300750.SZ)``, ``（688005.SH）``, ``0151.HK``, ``(NYSE:
   NIO)``) is kept as a code; a place (``(Shenzhen)``, ``（上海）``) as a qualifier, which keeps a
   subsidiary apart from its parent; anything else (a trade name, ``(Foxconn)``) is dropped.
3. Legal forms at the end (``Co., Ltd.``, ``Company Limited``, ``股份有限公司``), with their families:
   two names whose forms are of different families are different legal entities.
4. What is left, punctuation as spaces, is the core.

Two names are the same firm by their keys when the cores are equal, the qualifiers are equal, the
legal forms do not conflict (one side having none is no conflict) and the codes do not differ.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from ._forms import split_chinese_form, split_latin_form
from ._gazetteer import is_place

__all__ = ["NameKey", "compatible", "name_key", "simplified"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_BRACKETED = re.compile(r"[(\[{（【]([^)\]}）】]*)[)\]}）】]")
#: A listed company's code: 300750.SZ, 688005.SH, 0151.HK, 600000.SS, NYSE: NIO, SZSE:300750.
_TICKER = re.compile(
    r"^(?:(?:[0-9]{4,6}|[a-z]{1,5})\.(?:sz|sh|ss|bj|hk|tw|t|ks|n|o|l)|"
    r"(?:nyse|nasdaq|sse|szse|hkex|sehk|tse|lse|bse|nse)\s*:\s*[a-z0-9.]{1,10})$"
)
_TRAILING_TICKER = re.compile(r"[\s,;]+((?:[0-9]{4,6}|[a-z]{1,5})\.(?:sz|sh|ss|bj|hk))$")


@dataclass(frozen=True)
class NameKey:
    """What ``name_key`` reads of a name (see the module's docstring)."""

    core: str
    families: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()

    @property
    def chinese(self) -> bool:
        return bool(_CJK.search(self.core))


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except (ImportError, AttributeError):  # pragma: no cover - a core dependency
        return None


def simplified(text: str) -> str:
    """``text`` after NFKC, with traditional Chinese characters as simplified ones."""
    text = unicodedata.normalize("NFKC", text)
    converter = _converter()
    return converter.convert(text) if converter is not None and _CJK.search(text) else text


@functools.lru_cache(maxsize=1 << 20)
def name_key(name: str) -> NameKey:
    """The key of a firm's name.

    >>> name_key("CATL (300750.SZ)")
    NameKey(core='catl', families=frozenset(), qualifiers=frozenset(), codes=frozenset({'300750.sz'}))
    >>> name_key("Contemporary Amperex Technology Co., Ltd.") == name_key("Contemporary Amperex Technology Co. Limited")
    True
    >>> name_key("特斯拉（上海）有限公司").qualifiers
    frozenset({'上海'})
    """
    text = simplified(name).casefold().replace("&", " and ")
    codes: set[str] = set()
    qualifiers: set[str] = set()
    for inside in _BRACKETED.findall(text):
        part = " ".join(re.sub(r"[^\w.:]+", " ", inside).split()).strip(" .")
        if _TICKER.match(part):
            codes.add(part.replace(" ", ""))
        elif part and is_place(part.replace(".", "")):
            qualifiers.add(part.replace(".", ""))
    text = _BRACKETED.sub(" ", text)
    trailing = _TRAILING_TICKER.search(text)
    if trailing:
        codes.add(trailing.group(1))
        text = text[: trailing.start()]
    families: list[str] = []
    if _CJK.search(text):
        text = re.sub(r"[^\w]+", "", text)
        text, families = split_chinese_form(text)
    words = re.sub(r"[^\w]+", " ", text).split()
    if words:
        words, more = split_latin_form(words)
        families += more
    core = " ".join(words) if words else text.strip()
    return NameKey(core, frozenset(f for f in families if f), frozenset(qualifiers), frozenset(codes))


def compatible(a: NameKey, b: NameKey) -> bool:
    """Whether two keys may name one legal entity: equal cores and qualifiers, legal forms of no
    two different families, and no two different codes.

    >>> compatible(name_key("Broadcom Corporation"), name_key("Broadcom Limited"))
    False
    >>> compatible(name_key("NIO Inc."), name_key("NIO"))
    True
    """
    if a.core != b.core or a.qualifiers != b.qualifiers:
        return False
    if a.families and b.families and a.families != b.families:
        return False
    return not (a.codes and b.codes and not a.codes & b.codes)
