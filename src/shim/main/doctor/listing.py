"""The models shim's /api/tags will list: every host's, the first host's description of a model
winning, loaded when any host has it loaded, and the aliases beside them, from where shim keeps
them (the state directory, or Redis)."""

from __future__ import annotations

import inspect
from typing import Any

from dependency_injector import providers

from shim.adapters.state.alias_file import MemoryAliasStore
from shim.domain.aliases import AliasingCatalog
from shim.domain.errors import ShimError
from shim.domain.models import ModelRecord
from shim.domain.names import ollama_name
from shim.domain.ports import AliasStore, ModelCatalog
from shim.main.backends import alias_store_for
from shim.main.config import Settings
from shim.main.doctor.findings import Check, ListedModel
from shim.main.state import state_container

ALIAS_FIX = {
    "file": "repair or remove the alias file; until then /api/tags answers with this error",
    "redis": "start Redis or correct SHIM_REDIS_URL; until then /api/tags answers 503",
}


class Listed(ModelCatalog):
    """Models already fetched, as a catalog, for the aliases to be listed beside them."""

    def __init__(self, records: list[ModelRecord]) -> None:
        self._records = records

    async def list_models(self) -> list[ModelRecord]:
        return self._records


async def shim_listing(
    per_host: list[list[ModelRecord]], settings: Settings
) -> tuple[list[ListedModel], Check | None]:
    """The listing, and a failed check when the alias file cannot be read (shim's own /api/tags
    fails the same way; LM Studio's models are listed all the same)."""
    union: dict[str, ModelRecord] = {}
    for records in per_host:
        for record in records:
            union.setdefault(record.key, record)
    loaded = {record.key for records in per_host for record in records if record.is_loaded}
    state = state_container(settings, providers.Object(alias_store_for(settings)))
    try:
        aliases = await _resolved(state.alias_store())
        return await _named(list(union.values()), loaded, aliases), None
    except ShimError as error:
        fix = ALIAS_FIX[settings.state_backend]
        problem = Check(name="aliases", status="fail", detail=str(error), fix=fix)
        return await _named(list(union.values()), loaded, MemoryAliasStore()), problem
    finally:
        await _resolved(state.shutdown_resources())


async def _resolved(value: Any) -> Any:
    """A provider over an async resource hands back an awaitable; one over files, the value."""
    return await value if inspect.isawaitable(value) else value


async def _named(
    records: list[ModelRecord], loaded: set[str], aliases: AliasStore
) -> list[ListedModel]:
    return [
        ListedModel(
            name=ollama_name(record.key),
            capabilities=[str(capability) for capability in record.capabilities],
            loaded=record.upstream_key in loaded,
        )
        for record in await AliasingCatalog(Listed(records), aliases).list_models()
    ]
