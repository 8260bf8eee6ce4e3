"""Backend hosts made of the fake adapters, for tests of routing across several hosts."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.downloader import FakeDownloader
from shim.adapters.fake.embedder import FakeEmbedder
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.adapters.hosts.host import BackendHost, HostAdapters
from shim.domain.completion import CompletionEvent, CompletionRequest
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import UpstreamUnavailable
from shim.domain.hosts import OnHostChanged
from shim.domain.models import ModelRecord
from shim.domain.ports import CompletionStreamer, Embedder


class SwitchableStreamer(CompletionStreamer):
    """The fake streamer, or, once switched off, a connection refused before anything is sent;
    `fail_after` events in, a connection lost mid-answer."""

    def __init__(self, catalog: FakeModelCatalog) -> None:
        self.inner = FakeCompletionStreamer(catalog=catalog)
        self.catalog = catalog
        self.fail_after: int | None = None
        self.opened = 0

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        if not self.catalog.reachable:
            raise UpstreamUnavailable("cannot reach the fake host: switched off")
        self.opened += 1
        sent = 0
        async for event in self.inner.stream(request):
            if sent == self.fail_after:
                raise UpstreamUnavailable("the fake host went away mid-answer")
            yield event
            sent += 1


class SwitchableEmbedder(Embedder):
    """The fake embedder, or, once switched off, a connection refused."""

    def __init__(self, catalog: FakeModelCatalog) -> None:
        self.inner = FakeEmbedder(catalog)
        self.catalog = catalog

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        if not self.catalog.reachable:
            raise UpstreamUnavailable("cannot reach the fake host: switched off")
        return await self.inner.embed(model_key, inputs)


class FakeHost:
    """One host: its catalog, streamer and lifecycle at hand for a test to arrange and inspect."""

    def __init__(
        self, url: str, models: Sequence[ModelRecord], on_changed: OnHostChanged | None = None
    ) -> None:
        self.catalog = FakeModelCatalog(models)
        self.streamer = SwitchableStreamer(self.catalog)
        self.embedder = SwitchableEmbedder(self.catalog)
        self.lifecycle = FakeModelLifecycle(self.catalog)
        self.downloader = FakeDownloader(self.catalog)
        adapters = HostAdapters(
            self.catalog, self.streamer, self.embedder, self.lifecycle, self.downloader
        )
        self.host = BackendHost(url, adapters, on_changed)

    def switch(self, on: bool) -> None:
        self.catalog.reachable = on
