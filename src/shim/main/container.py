"""The bill of materials: the domain's services over the ports of the backend Settings name."""

from __future__ import annotations

from pathlib import Path

import structlog
from dependency_injector import containers, providers

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.domain.admission import AdmissionGate
from shim.domain.aliases import AliasingCatalog
from shim.domain.catalog import CachedModelCatalog, UnsharedChanges
from shim.domain.chat_service import ChatService
from shim.domain.embedding import EmbeddingService
from shim.domain.hosts import BackendHealth, HostAwareChanges
from shim.domain.loading import ModelLoader
from shim.domain.model_admin import ModelAdmin
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelChanges, ModelLocks
from shim.domain.pull import PullService
from shim.domain.selector import CatalogModelSelector
from shim.main.backends import backend_for
from shim.main.config import Settings
from shim.main.metrics import Metrics, hooks_of, metrics_for
from shim.main.readiness import Readiness

log = structlog.get_logger("shim.lifecycle")


def shares_state(settings: Settings) -> bool:
    return settings.workers > 1 and bool(settings.state_dir)


def model_changes_for(settings: Settings) -> ModelChanges:
    """Workers must hear of one another's model changes at once, which costs a file check per
    request; a lone process hears of its own directly."""
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


def build_container(settings: Settings) -> Container:
    """The container for `settings`, over the one backend they name, with its metrics."""
    metrics = metrics_for(settings)
    backend = backend_for(settings)(settings=settings)
    if settings.backend == "lmstudio":
        backend.upstream_watch.override(providers.Object(hooks_of(metrics).upstream))
    return Container(settings=settings, backend=backend, metrics=providers.Object(metrics))


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    backend = providers.DependenciesContainer()
    readiness = providers.Singleton(Readiness)
    metrics: providers.Object[Metrics | None] = providers.Object(None)  # none unless given
    hooks = providers.Singleton(hooks_of, metrics)

    catalog = providers.Singleton(
        CachedModelCatalog,
        source=providers.Singleton(
            AliasingCatalog, source=backend.catalog, store=backend.alias_store
        ),
        ttl_seconds=settings.provided.model_cache_ttl_seconds,
        changes=providers.Singleton(
            HostAwareChanges,
            changes=providers.Singleton(model_changes_for, settings),
            hosts=backend.hosts,
        ),
        on_refreshed=hooks.provided.refreshed,
    )
    selector = providers.Singleton(
        CatalogModelSelector, catalog=catalog, aliases=settings.provided.model_aliases
    )
    gate = providers.Singleton(
        AdmissionGate,
        limit=settings.provided.max_concurrent_requests,
        queue=settings.provided.max_queue,
        watch=hooks.provided.gate,
    )
    loader = providers.Singleton(
        ModelLoader,
        selector=selector,
        lifecycle=backend.lifecycle,
        on_models_changed=catalog.provided.invalidate,
        report=providers.Object(log_unapplied),
        locks=providers.Singleton(model_locks_for, settings),
        on_loaded=hooks.provided.loaded,
    )
    chat_service = providers.Singleton(
        ChatService,
        selector=selector,
        streamer=backend.streamer,
        loader=loader,
        gate=gate,
        on_answered=hooks.provided.answered,
    )
    embeddings = providers.Singleton(
        EmbeddingService, selector=selector, embedder=backend.embedder, gate=gate
    )
    admin = providers.Singleton(
        ModelAdmin,
        selector=selector,
        store=backend.alias_store,
        on_models_changed=catalog.provided.invalidate,
    )
    pulls = providers.Singleton(
        PullService,
        downloader=backend.downloader,
        on_models_changed=catalog.provided.invalidate,
    )
    health = providers.Singleton(BackendHealth, catalog=catalog, hosts=backend.hosts)
