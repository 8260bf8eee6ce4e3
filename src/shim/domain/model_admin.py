"""Making and removing models of shim's own: aliases, the only models shim can create or delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from shim.domain.aliases import alias_key, combine
from shim.domain.errors import InvalidRequest, ModelNotFound, Unsupported
from shim.domain.models import ModelDefaults, ModelRecord
from shim.domain.names import is_valid_name
from shim.domain.ports import Alias, AliasStore, ModelSelector


class ModelAdmin:
    def __init__(
        self,
        selector: ModelSelector,
        store: AliasStore,
        on_models_changed: Callable[[], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._selector = selector
        self._store = store
        self._on_models_changed = on_models_changed
        self._clock = clock

    async def copy(self, source: str, destination: str) -> ModelRecord:
        """`destination` becomes another name for `source`, defaults included."""
        record = await self._selector.resolve(source)
        await self._save(destination, record, record.defaults or ModelDefaults())
        return record

    async def create(self, name: str, source: str, defaults: ModelDefaults) -> ModelRecord:
        """A new name for `source` whose defaults add to (and override) the source's own."""
        record = await self._selector.resolve(source)
        await self._save(name, record, combine(record.defaults, defaults))
        return record

    async def delete(self, name: str) -> None:
        key = alias_key(name)
        before = await self._store.update(lambda aliases: without(aliases, key))
        if len(without(before, key)) == len(before):
            await self._selector.resolve(name)  # unknown names are a plain "not found"
            raise Unsupported(
                f"shim cannot delete LM Studio's models; delete '{name}' in LM Studio"
            )
        self._on_models_changed()

    async def _save(self, name: str, target: ModelRecord, defaults: ModelDefaults) -> None:
        key = alias_key(name)
        if not is_valid_name(key):
            raise InvalidRequest(f'destination "{name}" is invalid')
        await self._refuse_backend_name(name)
        alias = Alias(
            name=key, target=target.upstream_key, defaults=defaults, created_at=self._clock()
        )
        await self._store.update(lambda aliases: [*without(aliases, key), alias])
        self._on_models_changed()

    async def _refuse_backend_name(self, name: str) -> None:
        try:
            existing = await self._selector.resolve(name)
        except ModelNotFound:
            return
        if existing.alias_of is None:
            raise InvalidRequest(
                f'destination "{name}" is invalid: LM Studio has a model by that name'
            )


def without(aliases: list[Alias], key: str) -> list[Alias]:
    """The aliases but the one named `key`, in any case."""
    folded = key.casefold()
    return [alias for alias in aliases if alias.name.casefold() != folded]
