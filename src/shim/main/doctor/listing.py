"""The models shim's /api/tags will list: every host's, the first host's description of a model
winning, loaded when any host has it loaded, and the aliases of the state directory beside them."""

from __future__ import annotations

from shim.adapters.state.alias_file import MemoryAliasStore
from shim.domain.aliases import AliasingCatalog
from shim.domain.errors import ShimError
from shim.domain.models import ModelRecord
from shim.domain.names import ollama_name
from shim.domain.ports import AliasStore, ModelCatalog
from shim.main.backends import alias_store_for
from shim.main.config import Settings
from shim.main.doctor.findings import Check, ListedModel

ALIAS_FIX = "repair or remove the alias file; until then /api/tags answers with this error"


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
    try:
        return await _named(list(union.values()), loaded, alias_store_for(settings)), None
    except ShimError as error:
        problem = Check(name="aliases", status="fail", detail=str(error), fix=ALIAS_FIX)
        return await _named(list(union.values()), loaded, MemoryAliasStore()), problem


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
