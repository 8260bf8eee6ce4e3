"""Loads, unloads and downloads across hosts.

A load goes to the host routing would send the model's next request to (one with it loaded
needs none; else the least busy that has it), so the request that follows finds it there. An
unload frees the model on every host that holds it. A download goes to the first host, in the
order Settings list them, that is up.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from shim.adapters.hosts.failover import none_reached, passed_over
from shim.adapters.hosts.pool import HostPool
from shim.domain.errors import UpstreamUnavailable
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelDownloader, ModelLifecycle, PullProgress


class RoutedLifecycle(ModelLifecycle):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def load(
        self, model: ModelRecord, *, keep_alive_seconds: float | None, context_length: int | None
    ) -> None:
        unreachable: list[str] = []
        for host in self._pool.candidates(model.upstream_key):
            own = host.model(model.upstream_key) or model
            try:
                await host.adapters.lifecycle.load(
                    own, keep_alive_seconds=keep_alive_seconds, context_length=context_length
                )
                return
            except UpstreamUnavailable as error:
                unreachable.append(passed_over(host, error))
        raise none_reached(unreachable)

    async def unload(self, model: ModelRecord) -> None:
        for host in self._pool.hosts:
            own = host.model(model.upstream_key)
            if host.up and own is not None and own.is_loaded:
                await host.adapters.lifecycle.unload(own)


class RoutedDownloader(ModelDownloader):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def download(self, model: str, variant: str | None) -> AsyncGenerator[PullProgress, None]:
        host = self._pool.first_up()
        async for progress in host.adapters.downloader.download(model, variant):
            yield progress
