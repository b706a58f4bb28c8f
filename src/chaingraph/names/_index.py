"""Entities by the names they are known by, looked up exactly or by key."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from ._keys import NameKey, compatible, name_key, simplified

__all__ = ["NameIndex", "exact_form"]


@functools.lru_cache(maxsize=1 << 20)
def exact_form(name: str) -> str:
    """A name as an exact lookup compares it: width, script variant, case and spaces ignored.

    >>> exact_form(" 寧德時代  ") == exact_form("宁德时代")
    True
    """
    return " ".join(simplified(name).casefold().split())


class NameIndex:
    """Which entities each name belongs to: by its exact form, and by its key (:func:`name_key`),
    so a lookup finds the entities whose key is :func:`compatible` with the name's."""

    def __init__(self) -> None:
        self._exact_forms: dict[str, set[str]] = defaultdict(set)
        self._keyed: dict[str, list[tuple[NameKey, str]]] = defaultdict(list)
        #: How many of ``names`` each table holds: a name's exact form and key are worked out when
        #: a lookup first needs them (a firms sheet of 100k rows whose relations name the firms by
        #: id needs neither: 0.9 s of forms and 3.6 s of keys otherwise).
        self._formed_upto = self._keyed_upto = 0
        self._names: list[tuple[str, str]] = []
        #: What :meth:`add_all` was given and nothing has read yet.
        self._pending: list[Iterable[tuple[str, str]]] = []

    @property
    def names(self) -> list[tuple[str, str]]:
        """Every (name, entity) added, in order, for candidates."""
        for pairs in self._pending:
            self._names.extend(pair for pair in pairs if pair[0].strip())
        self._pending.clear()
        return self._names

    def add(self, name: str, entity: str) -> None:
        if name.strip():
            self.names.append((name, entity))

    def add_all(self, pairs: Iterable[tuple[str, str]]) -> None:
        """:meth:`add` of each (name, entity), in order, when a lookup first needs them: ``pairs``
        (an iterator over the caller's columns, say) is read then, once."""
        self._pending.append(pairs)

    @property
    def _exact(self) -> dict[str, set[str]]:
        """The entities by their names' exact forms (each name's form found once, when first asked)."""
        for name, entity in self.names[self._formed_upto :]:
            self._exact_forms[exact_form(name)].add(entity)
        self._formed_upto = len(self.names)
        return self._exact_forms

    @property
    def _by_core(self) -> dict[str, list[tuple[NameKey, str]]]:
        """The entities by their names' key cores (each name keyed once, when first asked)."""
        for name, entity in self.names[self._keyed_upto :]:
            key = name_key(name)
            if key.core:
                self._keyed[key.core].append((key, entity))
        self._keyed_upto = len(self.names)
        return self._keyed

    def exact(self, name: str) -> set[str]:
        """The entities known by exactly this name."""
        return set(self._exact.get(exact_form(name), ()))

    def by_key(self, name: str, key: NameKey | None = None) -> set[str]:
        """The entities known by a name whose key is compatible with this name's (``key``, when
        the caller has it already)."""
        by_core = self._by_core
        if not by_core:
            return set()
        key = key or name_key(name)
        return {entity for other, entity in by_core.get(key.core, ()) if compatible(key, other)}

    def blocked_by_key(self, name: str) -> set[str]:
        """The entities whose names share this name's core but not its key (a place qualifier, a
        legal form, a code): the hard negatives, never merged."""
        key = name_key(name)
        return {entity for other, entity in self._by_core.get(key.core, ()) if not compatible(key, other)}
