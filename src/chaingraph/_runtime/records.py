"""Records built when they are read, for findings counted far more often than they are read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

__all__ = ["RecordsOnRead"]


class RecordsOnRead(Sequence[dict]):
    """``length`` records, record ``i`` being ``make(i)``, built each time it is read: the
    single-sourced findings of 100k firms are counted by ``stats`` (0.1 s of dicts otherwise) and
    read whole only by the command that lists them. A list of the same dicts compares equal.

    >>> records = RecordsOnRead(3, lambda i: {"n": i})
    >>> len(records), records[-1], records == [{"n": 0}, {"n": 1}, {"n": 2}]
    (3, {'n': 2}, True)
    """

    def __init__(self, length: int, make: Callable[[int], dict]) -> None:
        self._length, self._make = length, make

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, k: int) -> dict: ...
    @overload
    def __getitem__(self, k: slice) -> list[dict]: ...
    def __getitem__(self, k: int | slice) -> dict | list[dict]:
        if isinstance(k, slice):
            return [self._make(i) for i in range(*k.indices(self._length))]
        at = k + self._length if k < 0 else k
        if not 0 <= at < self._length:
            raise IndexError("record index out of range")
        return self._make(at)

    def __iter__(self) -> Iterator[dict]:
        return map(self._make, range(self._length))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list, so unhashable as one

    def __repr__(self) -> str:
        return f"RecordsOnRead({self._length} records)"
