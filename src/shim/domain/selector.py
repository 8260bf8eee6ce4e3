"""Name resolution: Ollama names, bare keys, any case, with or without a tag, and aliases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from shim.domain.errors import ModelNotFound
from shim.domain.models import ModelRecord
from shim.domain.names import lookup_forms, ollama_name
from shim.domain.ports import ModelCatalog, ModelSelector

MAX_ALIAS_HOPS = 8
T = TypeVar("T")


class CatalogModelSelector(ModelSelector):
    """Finds a model in the catalog by any of the names a client may use for it."""

    def __init__(self, catalog: ModelCatalog, aliases: Mapping[str, str] | None = None) -> None:
        self._catalog = catalog
        self._aliases = {alias.casefold(): target for alias, target in (aliases or {}).items()}
        self._indexed: Sequence[ModelRecord] | None = None
        self._index: dict[str, ModelRecord] = {}

    async def resolve(self, name: str) -> ModelRecord:
        index = self._index_of(await self._catalog.list_models())
        wanted = name
        for _ in range(MAX_ALIAS_HOPS):
            record = _first_match(index, wanted)
            if record is not None:
                return record
            target = _first_match(self._aliases, wanted)
            if target is None:
                break
            wanted = target
        raise ModelNotFound(name)

    def _index_of(self, models: Sequence[ModelRecord]) -> dict[str, ModelRecord]:
        if models is not self._indexed:
            self._index = build_index(models)
            self._indexed = models
        return self._index


def build_index(models: Sequence[ModelRecord]) -> dict[str, ModelRecord]:
    """Every folded name a model answers to; on a clash the first model listed wins."""
    index: dict[str, ModelRecord] = {}
    for record in models:
        for form in (record.key.casefold(), ollama_name(record.key).casefold()):
            index.setdefault(form, record)
    return index


def _first_match(table: Mapping[str, T], name: str) -> T | None:
    for form in lookup_forms(name):
        if form in table:
            return table[form]
    return None
