"""The collector around a reader's bulk build (``_runtime/memory.py``)."""

from __future__ import annotations

import gc

from chaingraph._runtime import memory


def test_a_bulk_build_pauses_the_collector_and_freezes_only_when_asked():
    frozen_before = gc.get_freeze_count()
    try:
        with memory.bulk_building():
            assert not gc.isenabled()
            built = [[i] for i in range(1000)]  # containers the collector tracks
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen_before  # off by default: a library caller's objects stay walked
        memory.freeze_what_readers_build()
        with memory.bulk_building():
            built += [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= frozen_before + len(built)
    finally:
        memory.freeze_what_readers_build(False)
        gc.unfreeze()
