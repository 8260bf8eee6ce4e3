"""One backend host: its own adapters, whether it answers, and how many requests it carries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import structlog

from shim.domain.errors import UpstreamError
from shim.domain.hosts import HostStatus, OnHostChanged
from shim.domain.models import ModelRecord
from shim.domain.ports import (
    CompletionStreamer,
    Embedder,
    ModelCatalog,
    ModelDownloader,
    ModelLifecycle,
)

log = structlog.get_logger(__name__)


class HostAdapters(NamedTuple):
    catalog: ModelCatalog
    streamer: CompletionStreamer
    embedder: Embedder
    lifecycle: ModelLifecycle
    downloader: ModelDownloader


class BackendHost:
    """Up until a call to it fails; down until a listing of its models succeeds again. Whoever
    watches it hears of each change through `on_changed`."""

    def __init__(
        self, url: str, adapters: HostAdapters, on_changed: OnHostChanged | None = None
    ) -> None:
        self.url = url
        self.adapters = adapters
        self._on_changed = on_changed
        self.up = True
        self.in_flight = 0
        self.error: str | None = None
        self._models: dict[str, ModelRecord] = {}

    async def refresh(self) -> list[ModelRecord]:
        """Its models now; a failure marks it down and raises."""
        try:
            models = list(await self.adapters.catalog.list_models())
        except UpstreamError as error:
            self.mark_down(error)
            raise
        self._models = {model.key: model for model in models}
        if not self.up:
            log.info("host.up", host=self.url, models=len(models))
        self.up, self.error = True, None
        self._tell()
        return models

    def mark_down(self, error: UpstreamError) -> None:
        if self.up:
            log.warning("host.down", host=self.url, error=error.message)
        self.up, self.error = False, error.message
        self._tell()

    def model(self, key: str) -> ModelRecord | None:
        """The model as this host last listed it."""
        return self._models.get(key)

    def has_loaded(self, key: str) -> bool:
        found = self._models.get(key)
        return found is not None and found.is_loaded

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Counted while a request runs on this host, for routing to the least busy."""
        self.in_flight += 1
        self._tell()
        try:
            yield
        finally:
            self.in_flight -= 1
            self._tell()

    def _tell(self) -> None:
        if self._on_changed is not None:
            self._on_changed(self.status())

    def status(self) -> HostStatus:
        loaded = tuple(key for key, model in self._models.items() if model.is_loaded)
        return HostStatus(
            url=self.url,
            up=self.up,
            in_flight=self.in_flight,
            models=len(self._models) if self.up else 0,
            loaded=loaded if self.up else (),
            error=self.error,
        )
