"""The choices the command line and the library share, without importing rdflib or NetworkX
(so ``chaingraph COMMAND --help`` stays fast): evidence levels, languages, analysis levels and view
layouts, and the checks that name the option at fault.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InputError

__all__ = [
    "EVIDENCE_LEVELS",
    "LANGUAGES",
    "LEVELS",
    "VIEW_LAYOUTS",
    "check_language",
    "check_level",
    "name_in",
    "name_of",
]

#: The evidence levels of an edge, strongest first. A qualified relation is ``stated`` when its
#: ``cg:evidence`` is ``cg:Stated`` and ``inferred`` with any other level (every other
#: ``cg:EvidenceLevel`` is a kind of inference, or with the deprecated ``cg:inferredFromStages
#: true``); an edge with no qualified relation, or none that gives its evidence, is ``unspecified``.
EVIDENCE_LEVELS = ("stated", "inferred", "unspecified")

#: The languages names are shown in: English (``label``, ``@en``) and Chinese (``label_zh``, ``@zh-Hans``).
LANGUAGES = ("en", "zh")


def name_in(english: str, chinese: str, lang: str, default: str = "") -> str:
    """The name to show in ``lang``: the Chinese one in ``zh`` when there is one, else the
    English one, else ``default``. The one place the language choice is made."""
    if lang == "zh" and chinese:
        return chinese
    return english or default


def check_language(lang: str) -> None:
    """Refuse a language that is not one of :data:`LANGUAGES`, naming the option."""
    if lang not in LANGUAGES:
        raise InputError(f"--lang {lang!r}: use {' or '.join(LANGUAGES)}")


def name_of(info: Mapping, lang: str, default: str = "") -> str:
    """:func:`name_in` for a record with ``label`` and ``label_zh`` (a chain, a place, a stage)."""
    return name_in(info.get("label", "") or default, info.get("label_zh", ""), lang)


#: The levels a network is analysed at: one node per firm (organization or cluster segment), or
#: one per chain stage.
LEVELS = ("firm", "stage")


#: The layouts of a view, with what each does (``--layout``'s choices and help).
VIEW_LAYOUTS = {
    "auto": "stages when the nodes have chain stages, else physics (layered above 800 nodes)",
    "stages": "stages as columns in chain order, upstream left, one lane per chain",
    "physics": "a force-directed layout that settles in the browser",
    "hierarchical": "vis-network's levels by supply depth, left to right",
    "layered": "supply layers from upstream, computed in Python",
}


def check_level(level: str) -> None:
    """Refuse a level that is not one of :data:`LEVELS`, naming the option."""
    if level not in LEVELS:
        raise InputError(f"--level {level!r}: use {' or '.join(LEVELS)}")
