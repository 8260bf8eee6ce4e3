"""The bill of materials: which adapter serves each port, built from Settings."""

from __future__ import annotations

from pathlib import Path

import structlog
from dependency_injector import containers, providers

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.downloader import FakeDownloader
from shim.adapters.fake.embedder import FakeEmbedder
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.adapters.http_client import LMStudioAddress, open_http_client
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.downloader import LMStudioDownloader
from shim.adapters.lmstudio.embedder import LMStudioEmbedder
from shim.adapters.lmstudio.lifecycle import LMStudioModelLifecycle
from shim.adapters.lmstudio.passthrough import LMStudioPassthrough
from shim.adapters.lmstudio.streamer import LMStudioCompletionStreamer
from shim.adapters.state.alias_file import AliasFile, MemoryAliasStore
from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.adapters.stream_client import open_stream_client
from shim.api.ops.readiness import Readiness
from shim.config import Settings
from shim.domain.admission import AdmissionGate
from shim.domain.aliases import AliasingCatalog
from shim.domain.catalog import CachedModelCatalog, UnsharedChanges
from shim.domain.chat_service import ChatService
from shim.domain.embedding import EmbeddingService
from shim.domain.loading import ModelLoader
from shim.domain.model_admin import ModelAdmin
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.passthrough import PassthroughService
from shim.domain.ports import AliasStore, ModelChanges, ModelLocks
from shim.domain.pull import PullService
from shim.domain.selector import CatalogModelSelector
from shim.runtime import release_memory

log = structlog.get_logger("shim.lifecycle")


def alias_store_for(settings: Settings) -> AliasStore:
    """Aliases persist in the state directory; without one they last until shim stops."""
    if not settings.state_dir:
        return MemoryAliasStore()
    return AliasFile(Path(settings.state_dir) / "aliases.json")


def shares_state(settings: Settings) -> bool:
    return settings.workers > 1 and bool(settings.state_dir)


def model_changes_for(settings: Settings) -> ModelChanges:
    """Workers must hear of one another's model changes at once, which costs a file check
    (~1.5 µs) per request; a lone process hears of its own directly."""
    if shares_state(settings):
        return ChangeFile(Path(settings.state_dir) / "models-changed")
    return UnsharedChanges()


def model_locks_for(settings: Settings) -> ModelLocks:
    """Workers share their load locks, or two of them could load one model twice."""
    if shares_state(settings):
        return FileModelLocks(Path(settings.state_dir) / "model-locks")
    return ProcessModelLocks()


def log_unapplied(error: Exception) -> None:
    """What the load policy could not do, without failing the request: a line in the log."""
    log.warning("lifecycle.not_applied", error=str(error), kind=type(error).__name__)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    readiness = providers.Singleton(Readiness)

    lmstudio_address = providers.Factory(
        LMStudioAddress,
        base_url=settings.provided.lmstudio_url,
        api_token=settings.provided.lmstudio_api_token,
        connect_timeout=settings.provided.connect_timeout_seconds,
        read_timeout=settings.provided.read_timeout_seconds,
    )
    http_client = providers.Resource(open_http_client, lmstudio_address)
    # The streamed POSTs (completions, the /v1 relay) go through a leaner client of their own.
    stream_client = providers.Resource(open_stream_client, lmstudio_address)

    lmstudio_catalog = providers.Singleton(
        LMStudioModelCatalog, client=http_client, retries=settings.provided.discovery_retries
    )
    fake_catalog = providers.Singleton(FakeModelCatalog)
    backend_catalog = providers.Selector(
        settings.provided.backend, lmstudio=lmstudio_catalog, fake=fake_catalog
    )

    streamer = providers.Selector(
        settings.provided.backend,
        lmstudio=providers.Singleton(
            LMStudioCompletionStreamer,
            client=stream_client,
            idle_seconds=settings.provided.idle_timeout_seconds,
        ),
        fake=providers.Singleton(FakeCompletionStreamer),
    )
    embedder = providers.Selector(
        settings.provided.backend,
        lmstudio=providers.Singleton(LMStudioEmbedder, client=http_client),
        fake=providers.Singleton(FakeEmbedder),
    )
    lifecycle = providers.Selector(
        settings.provided.backend,
        lmstudio=providers.Singleton(LMStudioModelLifecycle, client=http_client),
        fake=providers.Singleton(FakeModelLifecycle, catalog=fake_catalog),
    )

    alias_store = providers.Selector(
        settings.provided.backend,
        lmstudio=providers.Singleton(alias_store_for, settings),
        fake=providers.Singleton(MemoryAliasStore),
    )
    catalog = providers.Singleton(
        CachedModelCatalog,
        source=providers.Singleton(AliasingCatalog, source=backend_catalog, store=alias_store),
        ttl_seconds=settings.provided.model_cache_ttl_seconds,
        changes=providers.Singleton(model_changes_for, settings),
    )
    selector = providers.Singleton(
        CatalogModelSelector, catalog=catalog, aliases=settings.provided.model_aliases
    )
    gate = providers.Singleton(
        AdmissionGate,
        limit=settings.provided.max_concurrent_requests,
        queue=settings.provided.max_queue,
        after_burst=providers.Object(release_memory),
    )
    loader = providers.Singleton(
        ModelLoader,
        selector=selector,
        lifecycle=lifecycle,
        on_models_changed=catalog.provided.invalidate,
        report=providers.Object(log_unapplied),
        locks=providers.Singleton(model_locks_for, settings),
    )
    chat_service = providers.Singleton(
        ChatService, selector=selector, streamer=streamer, loader=loader, gate=gate
    )
    embeddings = providers.Singleton(
        EmbeddingService, selector=selector, embedder=embedder, gate=gate
    )
    passthrough = providers.Singleton(
        PassthroughService,
        selector=selector,
        passthrough=providers.Singleton(
            LMStudioPassthrough,
            client=stream_client,
            idle_seconds=settings.provided.idle_timeout_seconds,
        ),
        gate=gate,
    )
    admin = providers.Singleton(
        ModelAdmin,
        selector=selector,
        store=alias_store,
        on_models_changed=catalog.provided.invalidate,
    )
    pulls = providers.Singleton(
        PullService,
        downloader=providers.Selector(
            settings.provided.backend,
            lmstudio=providers.Singleton(
                LMStudioDownloader,
                client=http_client,
                poll_seconds=settings.provided.download_poll_seconds,
            ),
            fake=providers.Singleton(FakeDownloader, catalog=fake_catalog),
        ),
        on_models_changed=catalog.provided.invalidate,
    )
