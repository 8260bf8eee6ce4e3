"""Downloads that take three steps and then add the model to the fake catalog."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.errors import UpstreamRejected
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelDownloader, PullProgress

SIZE = 3_000_000
CATALOG = frozenset({"fake/granite-micro"})


class FakeDownloader(ModelDownloader):
    def __init__(self, catalog: FakeModelCatalog) -> None:
        self._catalog = catalog

    async def download(self, model: str, variant: str | None) -> AsyncGenerator[PullProgress, None]:
        if any(record.key == model for record in self._catalog.models):
            yield PullProgress(state="present")
            return
        if model not in CATALOG:
            raise UpstreamRejected(f'Model "{model}" not found in the catalog', 404)
        for step in range(3):
            yield PullProgress(state="downloading", total=SIZE, completed=step * SIZE // 3)
        self._catalog.models = (
            *self._catalog.models,
            ModelRecord(key=model, size_bytes=SIZE, backend="fake"),
        )
        yield PullProgress(state="completed", total=SIZE, completed=SIZE)
