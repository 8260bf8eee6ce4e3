import asyncio
import gc
import weakref

from shim.main.runtime import (
    YOUNG_COLLECTION_THRESHOLD,
    release_after_bursts,
    release_memory,
    settle_heap,
)


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_release_memory_collects_cycles() -> None:
    gc.disable()
    try:
        node = Node()
        alive = weakref.ref(node)
        del node
        assert alive() is not None, "the cycle outlives its last name until collected"
        release_memory()
        assert alive() is None
    finally:
        gc.enable()


def test_a_settled_heap_is_frozen_and_collects_young_objects_less_often() -> None:
    threshold = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0, "what existed at start is out of the collector's way"
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, threshold[1], threshold[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


class Gate:
    def __init__(self) -> None:
        self.running = self.waiting = self.admitted = 0


async def test_memory_is_given_back_once_a_burst_has_drained_and_a_lull_passed() -> None:
    gate, released = Gate(), []
    watch = asyncio.create_task(
        release_after_bursts(gate, burst=4, lull=0.02, release=lambda: released.append(1))
    )
    try:
        gate.admitted = 3
        await asyncio.sleep(0.1)
        assert released == [], "three requests are no burst"
        gate.running, gate.admitted = 1, 10
        await asyncio.sleep(0.1)
        assert released == [], "not while a request still runs"
        gate.running = 0
        await asyncio.sleep(0.1)
        assert released == [1], "once the lull after the burst passed"
        await asyncio.sleep(0.1)
        assert released == [1], "once per burst"
    finally:
        watch.cancel()
