"""One container per backend: every port a backend serves, chosen once from Settings."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.downloader import FakeDownloader
from shim.adapters.fake.embedder import FakeEmbedder
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.lifecycle import RoutedDownloader, RoutedLifecycle
from shim.adapters.hosts.routed import RoutedEmbedder, RoutedStreamer
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.downloader import LMStudioDownloader
from shim.adapters.lmstudio.embedder import LMStudioEmbedder
from shim.adapters.lmstudio.lifecycle import LMStudioModelLifecycle
from shim.adapters.lmstudio.streamer import LMStudioCompletionStreamer
from shim.adapters.state.alias_file import AliasFile, MemoryAliasStore
from shim.adapters.upstream_http import LMStudioAddress, open_upstream
from shim.domain.hosts import OneBackend
from shim.domain.ports import AliasStore
from shim.main.config import Settings
from shim.main.host_pool import open_host_pool
from shim.main.hosts import split_urls
from shim.main.metrics import NO_HOOKS, Hooks


def alias_store_for(settings: Settings) -> AliasStore:
    """Aliases persist in the state directory; without one they last until shim stops."""
    if not settings.state_dir:
        return MemoryAliasStore()
    return AliasFile(Path(settings.state_dir) / "aliases.json")


class LMStudioBackend(containers.DeclarativeContainer):
    """LM Studio (or any OpenAI-compatible server) over one aiohttp client."""

    settings = providers.Dependency(instance_of=Settings)
    address = providers.Factory(
        LMStudioAddress,
        base_url=settings.provided.lmstudio_url,
        api_token=settings.provided.lmstudio_api_token,
        connect_timeout=settings.provided.connect_timeout_seconds,
        read_timeout=settings.provided.read_timeout_seconds,
        proxy=settings.provided.lmstudio_proxy,
    )
    # The metrics' hooks, when the composition has them: the one host's calls are counted.
    hooks = providers.Object(NO_HOOKS)
    upstream_watch = providers.Callable(Hooks.upstream_of, hooks, settings.provided.lmstudio_url)
    http_client = providers.Resource(open_upstream, address, upstream_watch)

    catalog = providers.Singleton(
        LMStudioModelCatalog, client=http_client, retries=settings.provided.discovery_retries
    )
    streamer = providers.Singleton(
        LMStudioCompletionStreamer,
        client=http_client,
        idle_seconds=settings.provided.idle_timeout_seconds,
    )
    embedder = providers.Singleton(LMStudioEmbedder, client=http_client)
    lifecycle = providers.Singleton(LMStudioModelLifecycle, client=http_client)
    downloader = providers.Singleton(
        LMStudioDownloader, client=http_client, poll_seconds=settings.provided.download_poll_seconds
    )
    alias_store = providers.Singleton(alias_store_for, settings)
    hosts = providers.Singleton(OneBackend)


class LMStudioHostsBackend(containers.DeclarativeContainer):
    """Several LM Studio hosts as one backend: the union of their models, each request routed
    to a host that has its model, hosts checked in the background."""

    settings = providers.Dependency(instance_of=Settings)
    # The metrics' hooks, when the composition has them: every host's calls and state are told.
    hooks = providers.Object(NO_HOOKS)
    hosts = providers.Resource(open_host_pool, settings, hooks)

    catalog = providers.Singleton(UnionCatalog, pool=hosts)
    streamer = providers.Singleton(RoutedStreamer, pool=hosts)
    embedder = providers.Singleton(RoutedEmbedder, pool=hosts)
    lifecycle = providers.Singleton(RoutedLifecycle, pool=hosts)
    downloader = providers.Singleton(RoutedDownloader, pool=hosts)
    alias_store = providers.Singleton(alias_store_for, settings)


class FakeBackend(containers.DeclarativeContainer):
    """The scripted backend of tests and demos: never calls out, serves every route."""

    settings = providers.Dependency(instance_of=Settings)
    catalog = providers.Singleton(FakeModelCatalog)
    streamer = providers.Singleton(FakeCompletionStreamer, catalog=catalog)
    embedder = providers.Singleton(FakeEmbedder, catalog=catalog)
    lifecycle = providers.Singleton(FakeModelLifecycle, catalog=catalog)
    downloader = providers.Singleton(FakeDownloader, catalog=catalog)
    alias_store = providers.Singleton(MemoryAliasStore)
    hosts = providers.Singleton(OneBackend)


BACKENDS: dict[str, type[containers.DeclarativeContainer]] = {
    "lmstudio": LMStudioBackend,
    "fake": FakeBackend,
}


def backend_for(settings: Settings) -> type[containers.DeclarativeContainer]:
    """The backend Settings name; LM Studio at several URLs is the several-hosts backend."""
    if settings.backend == "lmstudio" and len(split_urls(settings.lmstudio_url)) > 1:
        return LMStudioHostsBackend
    return BACKENDS[settings.backend]
