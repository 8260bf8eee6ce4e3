"""Process-level housekeeping: a settled heap once started, memory given back after a burst."""

from __future__ import annotations

import asyncio
import ctypes
import gc
from collections.abc import Callable
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)


def _glibc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


_LIBC = _glibc()


def release_memory() -> None:
    """Collect cycles, then ask glibc for the freed memory it keeps (RSS stays at a burst's peak
    otherwise). Elsewhere only the collection runs."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    log.debug("memory.released", trimmed=_LIBC is not None)


class Load(Protocol):
    """What the admission gate tells of the requests it lets through."""

    @property
    def running(self) -> int: ...

    @property
    def waiting(self) -> int: ...

    @property
    def admitted(self) -> int: ...


async def release_after_bursts(
    load: Load, burst: int = 32, lull: float = 1.0, release: Callable[[], None] = release_memory
) -> None:
    """Give memory back once a burst of at least `burst` requests has drained and a whole
    `lull` passed with nothing running. Not at once: a collection in the middle of a burst
    would delay its answers."""
    released_at = load.admitted
    quiet_since: int | None = None  # the admitted count when the last quiet tick began
    while True:
        await asyncio.sleep(lull)
        idle = not (load.running or load.waiting)
        if not idle:
            quiet_since = None
            continue
        if quiet_since == load.admitted and load.admitted - released_at >= burst:
            release()
            released_at = load.admitted
        quiet_since = load.admitted


# Ten times Python's default: a fan-out of many streams allocates many short-lived objects,
# and at the default the young generation is collected over and over (docs/performance.md).
YOUNG_COLLECTION_THRESHOLD = 7000


def settle_heap() -> None:
    """Once the app is built: collect the startup garbage, then freeze what remains (modules,
    the app, its tables), so that later collections never walk it again, and collect the young
    generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
