"""Shared state for several shims: aliases, word of model changes and load locks in one Redis."""

from __future__ import annotations

from dependency_injector import containers, providers

from shim.adapters.state.redis_aliases import RedisAliasStore
from shim.adapters.state.redis_changes import RedisModelChanges
from shim.adapters.state.redis_client import open_redis, open_revision_redis
from shim.adapters.state.redis_locks import RedisModelLocks
from shim.main.config import Settings

REDIS_PREFIX = "shim:"


class RedisState(containers.DeclarativeContainer):
    """Everything the shims must agree on, in one Redis; the backend's own alias store is not
    used, so every shim sees the same aliases."""

    settings = providers.Dependency(instance_of=Settings)
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
