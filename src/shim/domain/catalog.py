"""A model catalog that remembers the backend's answer for a while and asks it once at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable

from shim.domain.models import ModelRecord
from shim.domain.ports import ModelCatalog

Models = tuple[ModelRecord, ...]


class CachedModelCatalog(ModelCatalog):
    """Serves the model list from memory for `ttl_seconds`; concurrent misses share one fetch.

    `revision` tells of changes made elsewhere (another worker's new alias): the list is kept
    only while it returns what it returned before the list was fetched.
    """

    def __init__(
        self,
        source: ModelCatalog,
        ttl_seconds: float,
        revision: Callable[[], Hashable] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._ttl = ttl_seconds
        self._revision = revision
        self._clock = clock
        self._models: Models | None = None
        self._expires_at = 0.0
        self._fetched_revision: Hashable = None
        self._generation = 0
        self._inflight: asyncio.Future[Models] | None = None

    def snapshot(self) -> Models | None:
        if (
            self._models is not None
            and self._clock() < self._expires_at
            and self._revision() == self._fetched_revision
        ):
            return self._models
        return None

    async def list_models(self) -> Models:
        models = self.snapshot()
        if models is not None:
            return models
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._fetch(self._generation))
            self._inflight.add_done_callback(_retrieve_exception)
        # A waiter that gives up must not cancel the fetch the others are waiting for.
        return await asyncio.shield(self._inflight)

    def invalidate(self) -> None:
        """Forget the cached list, so the next call sees the backend's current state."""
        self._generation += 1
        self._expires_at = 0.0

    async def _fetch(self, generation: int) -> Models:
        revision = self._revision()  # asked first: a change during the fetch means fetch again
        try:
            models = tuple(await self._source.list_models())
        finally:
            self._inflight = None
        self._models = models
        if generation == self._generation:
            self._expires_at = self._clock() + self._ttl
            self._fetched_revision = revision
        return models


def _retrieve_exception(future: asyncio.Future[Models]) -> None:
    if not future.cancelled():
        future.exception()
