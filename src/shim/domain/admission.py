"""Bounded concurrency towards the backend: a few requests at once, a queue, then "busy"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from shim.domain.errors import ServerBusy


class AdmissionGate:
    """At most `limit` requests run; up to `queue` more wait; beyond that requests are refused.

    When a burst has drained and `lull` seconds pass with nothing running, `after_burst` runs: a
    moment to give memory back. Not at once: a full collection then would delay the answers of
    the next burst.
    """

    def __init__(
        self,
        limit: int,
        queue: int,
        after_burst: Callable[[], None] = lambda: None,
        burst: int = 32,
        lull: float = 1.0,
    ) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._queue = queue
        self._waiting = 0
        self._running = 0
        self._peak = 0
        self._after_burst = after_burst
        self._burst = burst
        self._lull = lull
        self._pending: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        return self._waiting

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot (or refuse at once when the queue is full); free it on exit."""
        if self._slots.locked() and self._waiting >= self._queue:
            raise ServerBusy()
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._running += 1
        self._peak = max(self._peak, self._running)
        try:
            yield
        finally:
            self._running -= 1
            self._slots.release()
            self._note_quiet()

    def _note_quiet(self) -> None:
        """Once a burst of at least `burst` requests has fully drained, wait for a lull."""
        if self._running or self._waiting or self._peak < self._burst or self._pending:
            return
        self._pending = asyncio.get_running_loop().call_later(self._lull, self._after_lull)

    def _after_lull(self) -> None:
        self._pending = None
        if self._running or self._waiting:
            return  # busy again: the next drain waits for its own lull
        self._peak = 0
        self._after_burst()
