"""Loads and unloads that change the fake catalog, so /api/ps shows them."""

from __future__ import annotations

from shim.adapters.fake.catalog import DEFAULT_CONTEXT, FakeModelCatalog
from shim.domain.models import LoadedInstance, ModelRecord
from shim.domain.ports import ModelLifecycle


class FakeModelLifecycle(ModelLifecycle):
    def __init__(self, catalog: FakeModelCatalog) -> None:
        self._catalog = catalog
        self.loads: list[tuple[str, float | None]] = []
        self.unloads: list[str] = []

    async def load(
        self, model: ModelRecord, *, keep_alive_seconds: float | None, context_length: int | None
    ) -> None:
        self.loads.append((model.key, keep_alive_seconds))
        if not model.is_loaded:
            window = context_length or DEFAULT_CONTEXT
            instance = LoadedInstance(instance_id=model.upstream_key, context_length=window)
            self._catalog.replace_instances(model.upstream_key, (instance,))

    async def unload(self, model: ModelRecord) -> None:
        self.unloads.append(model.key)
        self._catalog.replace_instances(model.upstream_key, ())
