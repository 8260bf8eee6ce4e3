"""The hooks the domain calls for whoever watches it: each told what happened, once."""

from __future__ import annotations

import asyncio

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.domain.admission import AdmissionGate
from shim.domain.catalog import CachedModelCatalog
from shim.domain.chat_service import ChatService
from shim.domain.completion import ChatMessage, Completed, CompletionRequest
from shim.domain.errors import ServerBusy, UpstreamUnavailable
from shim.domain.loading import ModelLoader
from shim.domain.models import ModelRecord
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio

UNLOADED = "fake/seer-4b@q8_0"


class GateRecord:
    def __init__(self) -> None:
        self.depths: list[int] = []
        self.refusals = 0

    def queue_depth(self, waiting: int) -> None:
        self.depths.append(waiting)

    def refused(self) -> None:
        self.refusals += 1


async def test_the_gate_tells_each_change_of_its_queue_and_each_refusal() -> None:
    watch = GateRecord()
    gate = AdmissionGate(limit=1, queue=1, watch=watch)
    release = asyncio.Event()

    async def hold() -> None:
        async with gate.slot():
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    await asyncio.sleep(0.01)
    with pytest.raises(ServerBusy):
        async with gate.slot():
            pass
    release.set()
    await asyncio.gather(*holders)
    assert watch.refusals == 1
    assert watch.depths == [1, 0, 1, 0], "each request queued, then admitted"


class FailingCatalog(FakeModelCatalog):
    async def list_models(self) -> tuple[ModelRecord, ...]:
        raise UpstreamUnavailable("cannot reach LM Studio")


async def test_the_catalog_tells_each_fetch_and_its_outcome_not_its_cache_hits() -> None:
    told: list[str] = []
    cache = CachedModelCatalog(FakeModelCatalog(), ttl_seconds=60, on_refreshed=told.append)
    await cache.list_models()
    await cache.list_models()
    failing = CachedModelCatalog(FailingCatalog(), ttl_seconds=60, on_refreshed=told.append)
    with pytest.raises(UpstreamUnavailable):
        await failing.list_models()
    assert told == ["ok", "error"]


class RefusingLifecycle(FakeModelLifecycle):
    async def load(self, model: ModelRecord, **_: object) -> None:
        raise UpstreamUnavailable("cannot reach LM Studio")


async def test_the_loader_tells_each_load_and_its_outcome() -> None:
    told: list[tuple[str, str]] = []
    catalog = FakeModelCatalog()
    selector = CatalogModelSelector(catalog)
    record = await selector.resolve(UNLOADED)

    def loaded(model: str, outcome: str) -> None:
        told.append((model, outcome))

    def loader(lifecycle: FakeModelLifecycle) -> ModelLoader:
        return ModelLoader(selector, lifecycle, lambda: None, lambda _: None, on_loaded=loaded)

    await loader(FakeModelLifecycle(catalog)).load(record, keep_alive_seconds=None)
    with pytest.raises(UpstreamUnavailable):
        await loader(RefusingLifecycle(catalog)).load(record, keep_alive_seconds=None)
    assert told == [(record.key, "ok"), (record.key, "error")]


async def test_the_chat_service_tells_each_answer_by_model_key() -> None:
    told: list[tuple[str, Completed]] = []
    catalog = FakeModelCatalog()
    selector = CatalogModelSelector(catalog, {"thinker": "fake/thinker-8b"})
    loader = ModelLoader(selector, FakeModelLifecycle(catalog), lambda: None, lambda _: None)
    chat = ChatService(
        selector,
        FakeCompletionStreamer(),
        loader,
        AdmissionGate(4, 4),
        on_answered=lambda model, completed: told.append((model, completed)),
    )
    ask = CompletionRequest(model="THINKER", messages=(ChatMessage(role="user", content="x"),))
    batches = [batch async for batch in await chat.open(ask, "chat")]
    [(model, completed)] = told
    assert model == "fake/thinker-8b"
    assert completed is batches[-1][-1]
