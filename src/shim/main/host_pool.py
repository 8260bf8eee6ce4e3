"""The hosts of a several-hosts backend: each its own HTTP client and LM Studio adapters, all
checked in the background while the app runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress

from shim.adapters.hosts.host import BackendHost, HostAdapters
from shim.adapters.hosts.pool import HostPool
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.downloader import LMStudioDownloader
from shim.adapters.lmstudio.embedder import LMStudioEmbedder
from shim.adapters.lmstudio.lifecycle import LMStudioModelLifecycle
from shim.adapters.lmstudio.streamer import LMStudioCompletionStreamer
from shim.adapters.upstream_http import LMStudioAddress, Upstream, open_upstream
from shim.main.config import Settings
from shim.main.hosts import LMStudioHost, lmstudio_hosts
from shim.main.metrics import NO_HOOKS, Hooks


def lmstudio_adapters(client: Upstream, settings: Settings) -> HostAdapters:
    return HostAdapters(
        catalog=LMStudioModelCatalog(client, retries=settings.discovery_retries),
        streamer=LMStudioCompletionStreamer(client, idle_seconds=settings.idle_timeout_seconds),
        embedder=LMStudioEmbedder(client),
        lifecycle=LMStudioModelLifecycle(client),
        downloader=LMStudioDownloader(client, poll_seconds=settings.download_poll_seconds),
    )


def address_of(host: LMStudioHost, settings: Settings) -> LMStudioAddress:
    return LMStudioAddress(
        base_url=host.url,
        api_token=host.token,
        connect_timeout=settings.connect_timeout_seconds,
        read_timeout=settings.read_timeout_seconds,
        proxy=settings.lmstudio_proxy,
    )


async def open_host_pool(settings: Settings, hooks: Hooks = NO_HOOKS) -> AsyncIterator[HostPool]:
    """Every host's client open, and their checks running, until the app stops; each host's
    calls and changes told to the hooks. No host is asked anything here: one that is down at
    start-up must not hold up the others."""
    async with AsyncExitStack() as stack:
        hosts = []
        for host in lmstudio_hosts(settings.lmstudio_url, settings.lmstudio_api_token):
            client = await stack.enter_async_context(
                asynccontextmanager(open_upstream)(
                    address_of(host, settings), hooks.upstream_of(host.url)
                )
            )
            adapters = lmstudio_adapters(client, settings)
            hosts.append(BackendHost(host.url, adapters, hooks.host_changed))
        pool = HostPool(hosts)
        checks = asyncio.create_task(pool.watch(settings.lmstudio_check_seconds))
        try:
            yield pool
        finally:
            checks.cancel()
            with suppress(asyncio.CancelledError):
                await checks
