"""Legal forms: which words at the end of a firm's name say what kind of company it is, and which
kinds cannot be the same legal entity.

The Latin-script terms are cleanco's (``cleanco.termdata.terms_by_type``, a maintained list by
type); its types are coarse and overlap (``s.a.`` is both a corporation and a limited liability
company there), so the commonest forms are given a family here, and two names conflict only when
both have a family and the families differ (``Limited`` against ``Corporation``, ``LLC`` against
``S.A.``). Chinese forms are not in cleanco's list as written in China (no spaces): they are
matched as suffixes of the unspaced name.
"""

from __future__ import annotations

import functools
import re

__all__ = ["CHINESE_FORMS", "FAMILIES", "latin_forms", "split_chinese_form", "split_latin_form"]

#: The family of each common legal form, after normalising (lower case, punctuation as spaces).
#: ``co``/``company`` alone name no family: "Ford Motor Company" is no kind of its own.
FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        [
            "ltd",
            "limited",
            "co ltd",
            "co limited",
            "company limited",
            "company ltd",
            "corp ltd",
            "pty ltd",
            "pte ltd",
            "private limited",
            "pvt ltd",
            "sdn bhd",
            "bhd",
            "co l t d",
            "l t d",
        ],
        "limited",
    ),
    **dict.fromkeys(["corp", "corporation", "inc", "incorporated", "co inc", "company inc"], "corporation"),
    **dict.fromkeys(["llc", "l l c", "co llc", "company llc"], "llc"),
    **dict.fromkeys(["plc", "p l c", "public limited company"], "plc"),
    **dict.fromkeys(["gmbh", "g m b h", "gmbh co kg", "ag", "a g"], "gmbh-ag"),
    **dict.fromkeys(["sa", "s a", "spa", "s p a", "sas", "s a s"], "sa"),
    **dict.fromkeys(["nv", "n v", "bv", "b v"], "nv-bv"),
    **dict.fromkeys(["kk", "k k", "kabushiki kaisha"], "kk"),
    **dict.fromkeys(["lp", "l p", "llp", "l l p"], "partnership"),
    **dict.fromkeys(["co", "company", "and co", "group", "holdings", "holding"], ""),
}

#: Chinese legal forms, longest first, matched at the end of the unspaced simplified name, with
#: their family: every one is a limited company (有限公司 is also written for 股份有限公司).
CHINESE_FORMS: tuple[tuple[str, str], ...] = (
    ("股份有限公司", "limited"),
    ("有限责任公司", "limited"),
    ("集团有限公司", "limited"),
    ("有限公司", "limited"),
    ("股份公司", "limited"),
    ("集团公司", ""),
    ("控股集团", ""),
    ("集团", ""),
    ("公司", ""),
)


@functools.lru_cache(maxsize=1)
def latin_forms() -> dict[str, str]:
    """Every Latin-script legal form known: cleanco's terms (normalised like names) with the
    family given here, or none, and the families' own spellings."""
    try:
        from cleanco.termdata import terms_by_type
    except ImportError:  # pragma: no cover - a core dependency
        terms_by_type = {}
    found: dict[str, str] = {}
    for terms in terms_by_type.values():
        for term in terms:
            spelled = " ".join(re.sub(r"[^\w]+", " ", term.lower()).split())
            if spelled and not re.search(r"[\u3400-\u9fff]", spelled):
                found.setdefault(spelled, "")
    found.update(FAMILIES)
    return found


@functools.lru_cache(maxsize=1)
def _longest_form() -> int:
    return max(len(form.split()) for form in latin_forms())


def split_latin_form(words: list[str]) -> tuple[list[str], list[str]]:
    """``words`` of a name without the legal forms at their end, and those forms' families (outermost
    first; ``""`` for a form of no family). Never leaves a name empty."""
    forms = latin_forms()
    families: list[str] = []
    while len(words) > 1:
        for size in range(min(_longest_form(), len(words) - 1), 0, -1):
            tail = " ".join(words[-size:])
            if tail in forms:
                families.append(forms[tail])
                words = words[:-size]
                break
        else:
            break
    return words, families


def split_chinese_form(text: str) -> tuple[str, list[str]]:
    """An unspaced Chinese name without its legal forms at the end, and their families."""
    families: list[str] = []
    changed = True
    while changed:
        changed = False
        for form, family in CHINESE_FORMS:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
                families.append(family)
                break
    return text, families
