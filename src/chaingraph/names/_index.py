"""Entities by the names they are known by, looked up exactly or by key."""

from __future__ import annotations

import functools
from collections import defaultdict

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
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._by_core: dict[str, list[tuple[NameKey, str]]] = defaultdict(list)
        #: Every (name, entity) added, for candidates.
        self.names: list[tuple[str, str]] = []

    def add(self, name: str, entity: str) -> None:
        if not name.strip():
            return
        self._exact[exact_form(name)].add(entity)
        key = name_key(name)
        if key.core:
            self._by_core[key.core].append((key, entity))
        self.names.append((name, entity))

    def exact(self, name: str) -> set[str]:
        """The entities known by exactly this name."""
        return set(self._exact.get(exact_form(name), ()))

    def by_key(self, name: str, key: NameKey | None = None) -> set[str]:
        """The entities known by a name whose key is compatible with this name's (``key``, when
        the caller has it already)."""
        if not self._by_core:
            return set()
        key = key or name_key(name)
        return {entity for other, entity in self._by_core.get(key.core, ()) if compatible(key, other)}

    def blocked_by_key(self, name: str) -> set[str]:
        """The entities whose names share this name's core but not its key (a place qualifier, a
        legal form, a code): the hard negatives, never merged."""
        key = name_key(name)
        return {entity for other, entity in self._by_core.get(key.core, ()) if not compatible(key, other)}
