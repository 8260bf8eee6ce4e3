"""Where shim's shared state lives, chosen once from Settings: files in the state directory
(one machine), or a Redis server every shim of a deployment names."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.adapters.state.redis_aliases import RedisAliasStore
from shim.adapters.state.redis_changes import RedisModelChanges
from shim.adapters.state.redis_client import open_redis, open_revision_redis
from shim.adapters.state.redis_locks import RedisModelLocks
from shim.domain.catalog import UnsharedChanges
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import AliasStore, ModelChanges, ModelLocks
from shim.main.config import Settings

REDIS_PREFIX = "shim:"


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


class FileState(containers.DeclarativeContainer):
    """One machine: aliases where the backend keeps them, the rest in the state directory."""

    settings = providers.Dependency(instance_of=Settings)
    backend_aliases: providers.Dependency[AliasStore] = providers.Dependency()
    alias_store = backend_aliases
    model_changes = providers.Singleton(model_changes_for, settings)
    model_locks = providers.Singleton(model_locks_for, settings)


class RedisState(containers.DeclarativeContainer):
    """Several shims: everything they must agree on in one Redis (the backend's own store is
    not used, so every shim sees the same aliases)."""

    settings = providers.Dependency(instance_of=Settings)
    backend_aliases: providers.Dependency[AliasStore] = providers.Dependency()
    client = providers.Resource(
        open_redis,
        url=settings.provided.redis_url,
        connect_timeout=settings.provided.connect_timeout_seconds,
    )
    revision_client = providers.Resource(open_revision_redis, url=settings.provided.redis_url)
    alias_store = providers.Singleton(RedisAliasStore, client=client, key=REDIS_PREFIX + "aliases")
    model_changes = providers.Singleton(
        RedisModelChanges, client=revision_client, key=REDIS_PREFIX + "models-revision"
    )
    model_locks = providers.Singleton(
        RedisModelLocks, client=client, prefix=REDIS_PREFIX + "model-lock:"
    )


STATE_BACKENDS: dict[str, type[containers.DeclarativeContainer]] = {
    "file": FileState,
    "redis": RedisState,
}
