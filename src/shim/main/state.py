"""Where shim's shared state lives, chosen once from Settings: files in the state directory
(one machine), or a Redis server every shim of a deployment names (`redis_state.py`)."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.domain.catalog import UnsharedChanges
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import AliasStore, ModelChanges, ModelLocks
from shim.main.config import Settings


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


def state_container(
    settings: Settings, backend_aliases: providers.Provider[AliasStore]
) -> containers.DeclarativeContainer:
    """The state backend Settings name, over the backend's own alias store for files."""
    if settings.state_backend == "redis":
        # redis-py takes most of a second to import: only the shims that use it pay for it.
        from shim.main.redis_state import RedisState

        return RedisState(settings=settings)
    return FileState(settings=settings, backend_aliases=backend_aliases)
