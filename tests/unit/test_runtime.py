import gc
import weakref

from shim.runtime import YOUNG_COLLECTION_THRESHOLD, release_memory, settle_heap


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
