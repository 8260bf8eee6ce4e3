"""A model catalog that remembers the backend's answer for a while and asks it once at a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable

from shim.domain.models import ModelRecord
from shim.domain.ports import ModelCatalog, ModelChanges
from shim.domain.watch import OnRefreshed, Outcome

Models = tuple[ModelRecord, ...]


class CachedModelCatalog(ModelCatalog):
    """Serves the model list from memory for `ttl_seconds`; concurrent misses share one fetch.

    `changes` carries word of changes between worker processes: `invalidate()` announces one,
    and a list is kept only while the changes' revision is the one from before it was fetched.
    """

    def __init__(
        self,
        source: ModelCatalog,
        ttl_seconds: float,
        changes: ModelChanges | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_refreshed: OnRefreshed | None = None,
    ) -> None:
        self._source = source
        self._ttl = ttl_seconds
        self._changes = changes or UnsharedChanges()
        self._clock = clock
        self._on_refreshed = on_refreshed
        self._models: Models | None = None
        self._expires_at = 0.0
        self._fetched_revision: Hashable = None
        self._generation = 0
        self._inflight: asyncio.Future[Models] | None = None

    def _fresh(self) -> Models | None:
        if (
            self._models is not None
            and self._clock() < self._expires_at
            and self._changes.revision() == self._fetched_revision
        ):
            return self._models
        return None

    async def list_models(self) -> Models:
        models = self._fresh()
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
        self._changes.announce()

    async def _fetch(self, generation: int) -> Models:
        revision = self._changes.revision()  # first: a change during the fetch means another
        try:
            models = tuple(await self._source.list_models())
        except Exception:
            self._refreshed("error")
            raise
        finally:
            self._inflight = None
        self._refreshed("ok")
        self._models = models
        if generation == self._generation:
            self._expires_at = self._clock() + self._ttl
            self._fetched_revision = revision
        return models

    def _refreshed(self, outcome: Outcome) -> None:
        if self._on_refreshed is not None:
            self._on_refreshed(outcome)


class UnsharedChanges(ModelChanges):
    """For a process serving alone: it hears of its own changes through `invalidate()`."""

    def announce(self) -> None:
        return None

    def revision(self) -> Hashable:
        return None


def _retrieve_exception(future: asyncio.Future[Models]) -> None:
    if not future.cancelled():
        future.exception()
