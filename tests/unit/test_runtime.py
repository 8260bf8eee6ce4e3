import gc
import weakref

from shim.runtime import release_memory


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
