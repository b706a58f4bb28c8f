"""Building many small containers at once without Python's cyclic garbage collector."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["bulk_building", "freeze_what_readers_build", "keep_for_the_process", "release_arrow_memory"]

#: Whether what a reader builds is frozen out of the collector's walks (:func:`freeze_what_readers_build`).
_freezing = False


def freeze_what_readers_build(freeze: bool = True) -> None:
    """From now on, what a reader builds (:func:`bulk_building`) is moved out of the cyclic
    collector's reach as it is finished (``gc.freeze``), as everything the process holds then.

    For a process that ends with its work, the CLI's: a projection lives until the command exits,
    yet every full collection after it walked its million containers again (0.25 s of a 100k-firm
    ``stats``). Frozen objects are still freed when their last reference goes; only a reference
    cycle among them would wait for the process's end, so a long-lived caller (a notebook
    building projection after projection) leaves this off, as it is by default.
    """
    global _freezing
    _freezing = freeze


def keep_for_the_process(value: object) -> None:
    """Where the process ends with its work (:func:`freeze_what_readers_build` asked for it), never
    free ``value``: the operating system takes its memory back whole when the process exits.

    An in-memory Oxigraph store frees its indexes entry by entry: half a second for the million
    triples of 100,000 firms, paid after the command's output is written, one in twenty of its
    ``stats``. A reference is taken that is never given back, so the store outlives the
    interpreter's own clean-up; nothing else changes (exit handlers run, streams are flushed). A
    store holding files open for writing must not be kept so: it is closed by its owner.
    """
    if _freezing:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


@contextmanager
def bulk_building() -> Iterator[None]:
    """Pause the cyclic garbage collector while a reader builds millions of small containers.

    The collector runs every 700 new containers and, as the heap grows, walks all the older ones
    again: joining 342k table rows took 9.8 s with it and 4.2 s without. What a reader builds (sets,
    tuples, dicts of strings) holds no reference cycles, so pausing it frees nothing late; it is
    re-enabled on the way out, however the block ends (and left off if it was off); what was
    built frozen first where :func:`freeze_what_readers_build` asks for it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freezing:
            gc.freeze()
        if was_enabled:
            gc.enable()


def release_arrow_memory() -> None:
    """Give the memory Arrow's pool keeps of freed buffers back to the system.

    Reading and joining a sheet allocates its text several times over (the file, the parsed
    columns, the trimmed cells); freed, it stays with the pool's allocator (mimalloc, jemalloc)
    for reuse, counted in the process's memory through the measures that follow: about 100 MB at
    100,000 firms (issue 47).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
