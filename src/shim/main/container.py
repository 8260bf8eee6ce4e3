"""The bill of materials: the domain's services over the ports of the backend Settings name."""

from __future__ import annotations

import structlog
from dependency_injector import containers, providers

from shim.domain.admission import AdmissionGate
from shim.domain.aliases import AliasingCatalog
from shim.domain.catalog import CachedModelCatalog
from shim.domain.chat_service import ChatService
from shim.domain.embedding import EmbeddingService
from shim.domain.hosts import BackendHealth, HostAwareChanges
from shim.domain.loading import ModelLoader
from shim.domain.model_admin import ModelAdmin
from shim.domain.pull import PullService
from shim.domain.selector import CatalogModelSelector
from shim.main.backends import backend_for
from shim.main.config import Settings
from shim.main.metrics import Metrics, hooks_of, metrics_for
from shim.main.readiness import Readiness
from shim.main.state import state_container

log = structlog.get_logger("shim.lifecycle")


def log_unapplied(error: Exception) -> None:
    """What the load policy could not do, without failing the request: a line in the log."""
    log.warning("lifecycle.not_applied", error=str(error), kind=type(error).__name__)


def build_container(settings: Settings) -> Container:
    """The container for `settings`, over the one backend and the state backend they name,
    with its metrics."""
    metrics = metrics_for(settings)
    backend = backend_for(settings)(settings=settings)
    if settings.backend == "lmstudio":
        backend.hooks.override(providers.Object(hooks_of(metrics)))
    state = state_container(settings, backend.alias_store)
    return Container(
        settings=settings, backend=backend, state=state, metrics=providers.Object(metrics)
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    backend = providers.DependenciesContainer()
    state = providers.DependenciesContainer()
    readiness = providers.Singleton(Readiness)
    metrics: providers.Object[Metrics | None] = providers.Object(None)  # none unless given
    hooks = providers.Singleton(hooks_of, metrics)

    catalog = providers.Singleton(
        CachedModelCatalog,
        source=providers.Singleton(
            AliasingCatalog, source=backend.catalog, store=state.alias_store
        ),
        ttl_seconds=settings.provided.model_cache_ttl_seconds,
        changes=providers.Singleton(
            HostAwareChanges, changes=state.model_changes, hosts=backend.hosts
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
        locks=state.model_locks,
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
        store=state.alias_store,
        on_models_changed=catalog.provided.invalidate,
    )
    pulls = providers.Singleton(
        PullService,
        downloader=backend.downloader,
        on_models_changed=catalog.provided.invalidate,
    )
    health = providers.Singleton(BackendHealth, catalog=catalog, hosts=backend.hosts)
