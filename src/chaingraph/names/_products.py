"""What firms supply, read as chain stages: a product vocabulary and the one rule that uses it.

A stage's vocabulary is the names of what is bought and sold at it (``graph/stage-vocabulary.ttl``
for the bundled chains: ``磷酸铁锂``, ``LFP``, ``电解液``, ``LiPF6`` ...) and the stage's own names.
A product cell names a stage when, compared as :func:`product_form` writes both, it is one of
those names or holds one as whole words (Latin) or as a run of two or more characters (Chinese);
the longest name held decides, so ``chip testing`` is packaging and testing, not battery testing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ._index import exact_form

__all__ = ["ProductVocabulary", "StagesFromProducts", "product_form", "stages_from_products"]

_SEPARATORS = re.compile(r"[\s\-_/\\,;:()\[\]（）【】·.、，；：+&]+")


def product_form(text: str) -> str:
    """A product's name as the vocabulary compares it: :func:`~chaingraph.names.exact_form`
    (width, script variant, case and spaces ignored), punctuation read as a space, and a Latin
    word's plural ``s`` dropped.

    >>> product_form("LFP-Cathodes") == product_form("lfp cathode")
    True
    >>> product_form("電解液")
    '电解液'
    """
    words = _SEPARATORS.sub(" ", exact_form(text)).split()
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    if word.isascii() and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class ProductVocabulary:
    """The stages each product name belongs to, from ``(name, stage)`` pairs.

    >>> vocabulary = ProductVocabulary([("LFP", "cathode"), ("电解液", "electrolyte"), ("testing", "battery-testing"),
    ...                                 ("chip testing", "packaging")])
    >>> sorted(vocabulary.stages_of("LFP cathode powder")), sorted(vocabulary.stages_of("锂电池电解液"))
    (['cathode'], ['electrolyte'])
    >>> sorted(vocabulary.stages_of("Chip testing services")), sorted(vocabulary.stages_of("copper"))
    (['packaging'], [])
    """

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._stages: dict[str, set[str]] = defaultdict(set)
        for name, stage in entries:
            form = product_form(name)
            if form:
                self._stages[form].add(stage)
        self._found: dict[str, frozenset[str]] = {}

    def __bool__(self) -> bool:
        return bool(self._stages)

    def stages_of(self, product: str) -> frozenset[str]:
        """The stages of the longest vocabulary name ``product`` holds (several when names of that
        length from different stages are held); none when it holds no name."""
        found = self._found.get(product)
        if found is None:
            found = self._found[product] = self._longest(product_form(product))
        return found

    def _longest(self, form: str) -> frozenset[str]:
        if form in self._stages:
            return frozenset(self._stages[form])
        padded = f" {form} "
        best, stages = 0, set()
        for name, of_name in self._stages.items():
            if len(name) < best:
                continue
            held = f" {name} " in padded if name.isascii() else (len(name) >= 2 and name in form)
            if held:
                if len(name) > best:
                    best, stages = len(name), set(of_name)
                else:
                    stages |= of_name
        return frozenset(stages)


class StagesFromProducts(dict):
    """:func:`stages_from_products`'s answer: firm -> ``(stage, products naming it)`` for each firm
    whose products name one stage; ``several`` lists the firms whose products name more."""

    several: dict[str, list[str]]


def stages_from_products(supplied: Mapping[str, Iterable[str]], vocabulary: ProductVocabulary) -> StagesFromProducts:
    """The stage each firm's supplied products name, for the firms in ``supplied`` (firm -> the
    products it supplies). A product that names no stage says nothing; a firm whose products name
    one stage takes it; one whose products name several takes none and is in ``several``.

    >>> vocabulary = ProductVocabulary([("电解液", "electrolyte"), ("LFP", "cathode")])
    >>> found = stages_from_products({"a": ["电解液", "solvents"], "b": ["LFP", "电解液"], "c": ["pens"]}, vocabulary)
    >>> dict(found), found.several
    ({'a': ('electrolyte', ['电解液'])}, {'b': ['cathode', 'electrolyte']})
    """
    found = StagesFromProducts()
    found.several = {}
    for firm, products in supplied.items():
        by_stage: dict[str, list[str]] = defaultdict(list)
        for product in sorted(set(products)):
            for stage in vocabulary.stages_of(product):
                by_stage[stage].append(product)
        if len(by_stage) == 1:
            [(stage, naming)] = by_stage.items()
            found[firm] = (stage, naming)
        elif by_stage:
            found.several[firm] = sorted(by_stage)
    return found
