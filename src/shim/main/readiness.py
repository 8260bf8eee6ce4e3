"""Whether shim wants new traffic: false from the moment it is asked to stop."""

from __future__ import annotations

import threading
from typing import Protocol


class StopFlag(Protocol):
    """A threading.Event, or a multiprocessing one when worker processes share the answer."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...


class Readiness:
    def __init__(self, flag: StopFlag | None = None) -> None:
        self._flag: StopFlag = flag if flag is not None else threading.Event()

    @property
    def draining(self) -> bool:
        return self._flag.is_set()

    def drain(self) -> None:
        self._flag.set()
