"""The user's decisions on names (``--same-as FILE``): which two are one firm, which two are not.

A decisions sheet is either the review sheet ``chaingraph resolve -o`` writes, its ``decision``
column filled (``same`` or ``different``; an empty cell decides nothing), or plain rows of two names
(``name_a,name_b``), each row meaning *same*. A side is an IRI, or a name as written.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._runtime.fileio import read_input
from ..errors import InputError

__all__ = ["Decision", "Decisions", "read_decisions"]

DECISION_CELLS = ("same", "different")


@dataclass(frozen=True)
class Decision:
    """``a`` and ``b`` (IRIs or names) are one firm (``same``) or two; ``where`` is file and line."""

    a: str
    b: str
    same: bool
    where: str


def read_decisions(paths: Iterable[str | os.PathLike[str]]) -> list[Decision]:
    """Every decision of the sheets at ``paths``, or :class:`InputError` naming file and line."""
    found: list[Decision] = []
    for path in map(Path, paths):
        try:
            text = read_input(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"--same-as {path}: not UTF-8 text") from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            continue
        header = [cell.strip().lower() for cell in rows[0]]
        if "decision" in header:
            found += _review_rows(path, header, rows[1:])
            continue
        start = 1 if header[:2] == ["name_a", "name_b"] else 0
        for line, row in enumerate(rows[start:], start=start + 1):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise InputError(f"{path}:{line}: a decision names two firms (name_a,name_b)")
            found.append(Decision(cells[0], cells[1], True, f"{path}:{line}"))
    return found


def _review_rows(path: Path, header: list[str], rows: Sequence[list[str]]) -> list[Decision]:
    def column(*names: str) -> int:
        for name in names:
            if name in header:
                return header.index(name)
        raise InputError(f"--same-as {path}: a review sheet needs the columns a and b (or a_name and b_name)")

    a, b, decision = column("a", "a_name"), column("b", "b_name"), header.index("decision")
    found = []
    for line, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        said = cells[decision].lower()
        if not said:
            continue
        if said not in DECISION_CELLS:
            raise InputError(f"{path}:{line}: decision {cells[decision]!r}: write same or different")
        if not cells[a] or not cells[b]:
            raise InputError(f"{path}:{line}: a decision names two firms")
        found.append(Decision(cells[a], cells[b], said == "same", f"{path}:{line}"))
    return found


class Decisions:
    """Decisions applied to entities: :meth:`target` is the entity a merged one becomes (the one
    ``preferred`` ranks first of its group), :meth:`decided` the pairs never to offer again."""

    def __init__(self, pairs: Iterable[tuple[str, str, bool, str]], preferred: Callable[[str], tuple]) -> None:
        parent: dict[str, str] = {}

        def root(entity: str) -> str:
            while parent.get(entity, entity) != entity:
                entity = parent[entity]
            return entity

        self.decided: set[frozenset[str]] = set()
        apart = []
        for a, b, same, where in pairs:
            self.decided.add(frozenset((a, b)))
            if same:
                first, second = sorted((root(a), root(b)), key=preferred)
                if first != second:
                    parent[second] = first
            else:
                apart.append((a, b, where))
        self._target = {entity: root(entity) for entity in parent}
        for a, b, where in apart:
            if self.target(a) == self.target(b):
                raise InputError(f"{where}: {a} and {b} are decided different here and the same elsewhere")

    def target(self, entity: str) -> str:
        return self._target.get(entity, entity)

    def merges(self) -> dict[str, str]:
        """Every entity decided the same as another, and the one it became."""
        return {entity: target for entity, target in self._target.items() if entity != target}

    def __bool__(self) -> bool:
        return bool(self.decided)
