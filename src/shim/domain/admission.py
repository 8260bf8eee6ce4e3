"""Bounded concurrency towards the backend: a few requests at once, a queue, then "busy"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shim.domain.errors import ServerBusy
from shim.domain.watch import GateWatch


class AdmissionGate:
    """At most `limit` requests run; up to `queue` more wait; beyond that requests are refused."""

    def __init__(self, limit: int, queue: int, watch: GateWatch | None = None) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._watch = watch
        self._queue = queue
        self._waiting = 0
        self._running = 0
        self._admitted = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def running(self) -> int:
        return self._running

    @property
    def admitted(self) -> int:
        """How many requests were let through since the start."""
        return self._admitted

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a free slot (or refuse at once when the queue is full); free it on exit."""
        if self._slots.locked() and self._waiting >= self._queue:
            if self._watch is not None:
                self._watch.refused()
            raise ServerBusy()
        self._queued(+1)
        try:
            await self._slots.acquire()
        finally:
            self._queued(-1)
        self._running += 1
        self._admitted += 1
        try:
            yield
        finally:
            self._running -= 1
            self._slots.release()

    def _queued(self, change: int) -> None:
        self._waiting += change
        if self._watch is not None:
            self._watch.queue_depth(self._waiting)
