"""Load policy: one load at a time per model, loads at a requested context, unloads on request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import msgspec

from shim.domain.completion import CompletionRequest
from shim.domain.errors import Unsupported
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelLifecycle, ModelLocks, ModelSelector
from shim.domain.watch import OnLoaded, Outcome


class ModelLoader:
    def __init__(
        self,
        selector: ModelSelector,
        lifecycle: ModelLifecycle,
        on_models_changed: Callable[[], None],
        report: Callable[[Exception], None],
        locks: ModelLocks | None = None,
        on_loaded: OnLoaded | None = None,
    ) -> None:
        self._selector = selector
        self._lifecycle = lifecycle
        self._on_models_changed = on_models_changed
        self._report = report
        self._locks = locks or ProcessModelLocks()
        self._on_loaded = on_loaded
        self._background: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def ready(
        self, record: ModelRecord, request: CompletionRequest
    ) -> AsyncIterator[ModelRecord]:
        """Hold the model's load lock while the caller starts its request, if it may load."""
        if not needs_load(record, request):
            yield record
            return
        async with self._locks.hold(record.upstream_key), self._loading(record.key):
            self._on_models_changed()
            fresh = await self._selector.resolve(request.model)
            yield await self._prepare(fresh, request)
            # The caller's request has loaded the model by now; let /api/ps see it.
            self._on_models_changed()

    async def _prepare(self, record: ModelRecord, request: CompletionRequest) -> ModelRecord:
        wanted = request.context_length
        if wanted and record.is_loaded and _window(record) != wanted:
            try:
                await self._lifecycle.unload(record)
            except Unsupported as cannot:
                self._report(cannot)  # the backend keeps its window; the request still runs
                return record
            record = _unloaded(record)
        explicit = wanted or (
            request.keep_alive_seconds is not None and request.keep_alive_seconds < 0
        )
        if explicit and not record.is_loaded:
            await self._lifecycle.load(
                record, keep_alive_seconds=request.keep_alive_seconds, context_length=wanted
            )
        return record

    async def load(self, record: ModelRecord, keep_alive_seconds: float | None) -> None:
        async with self._locks.hold(record.upstream_key), self._loading(record.key):
            await self._lifecycle.load(
                record, keep_alive_seconds=keep_alive_seconds, context_length=None
            )
        self._on_models_changed()

    @asynccontextmanager
    async def _loading(self, model: str) -> AsyncIterator[None]:
        """Tells the watcher of a load: the caller's request loads the model inside."""
        try:
            yield
        except Exception:
            self._loaded(model, "error")
            raise
        self._loaded(model, "ok")

    def _loaded(self, model: str, outcome: Outcome) -> None:
        if self._on_loaded is not None:
            self._on_loaded(model, outcome)

    async def unload(self, model: str) -> None:
        """Unload what is loaded now (fresh from the backend), then let /api/ps see it."""
        self._on_models_changed()
        record = await self._selector.resolve(model)
        async with self._locks.hold(record.upstream_key):
            await self._lifecycle.unload(record)
        self._on_models_changed()

    def unload_soon(self, model: str) -> None:
        """keep_alive 0: free the model once the answer is out, without making the client wait."""
        task = asyncio.create_task(self._unload_reporting(model))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _unload_reporting(self, model: str) -> None:
        try:
            await self.unload(model)
        except Exception as error:
            self._report(error)


def needs_load(record: ModelRecord, request: CompletionRequest) -> bool:
    if not record.is_loaded:
        return True
    return bool(request.context_length) and _window(record) != request.context_length


def _window(record: ModelRecord) -> int | None:
    return next((i.context_length for i in record.loaded_instances if i.context_length), None)


def _unloaded(record: ModelRecord) -> ModelRecord:
    return msgspec.structs.replace(record, loaded_instances=())
