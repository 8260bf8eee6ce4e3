import asyncio

import msgspec
import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.domain.completion import ChatMessage, CompletionRequest
from shim.domain.errors import Unsupported
from shim.domain.loading import ModelLoader, needs_load
from shim.domain.models import LoadedInstance, ModelRecord
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio

LOADED = "fake/thinker-8b"  # loaded at 8192 in the demo catalog
UNLOADED = "fake/seer-4b@q8_0"


def setup() -> tuple[ModelLoader, FakeModelCatalog, FakeModelLifecycle, list[Exception]]:
    catalog = FakeModelCatalog()
    lifecycle = FakeModelLifecycle(catalog)
    errors: list[Exception] = []
    loader = ModelLoader(CatalogModelSelector(catalog), lifecycle, lambda: None, errors.append)
    return loader, catalog, lifecycle, errors


def ask(model: str, **fields: object) -> CompletionRequest:
    return CompletionRequest(
        model=model, messages=(ChatMessage(role="user", content="x"),), **fields
    )  # type: ignore[arg-type]


def record_of(catalog: FakeModelCatalog, key: str) -> ModelRecord:
    return next(r for r in catalog.models if r.key == key)


@pytest.mark.parametrize(
    ("loaded", "context_length", "expected"),
    [((), None, True), ((8192,), None, False), ((8192,), 8192, False), ((8192,), 4096, True)],
)
def test_needs_load(loaded: tuple[int, ...], context_length: int | None, expected: bool) -> None:
    instances = tuple(LoadedInstance(instance_id="m", context_length=n) for n in loaded)
    record = ModelRecord(key="m", loaded_instances=instances)
    assert needs_load(record, ask("m", context_length=context_length)) is expected


async def test_a_loaded_model_at_the_right_window_is_left_alone() -> None:
    loader, catalog, lifecycle, _ = setup()
    async with loader.ready(record_of(catalog, LOADED), ask(LOADED, context_length=8192)):
        pass
    assert (lifecycle.loads, lifecycle.unloads) == ([], [])


async def test_a_different_window_reloads_the_model_at_that_window() -> None:
    loader, catalog, lifecycle, _ = setup()
    async with loader.ready(record_of(catalog, LOADED), ask(LOADED, context_length=16384)) as ready:
        assert not ready.is_loaded
    assert lifecycle.unloads == [LOADED]
    assert lifecycle.loads == [(LOADED, None)]
    assert record_of(catalog, LOADED).loaded_instances[0].context_length == 16384


async def test_forever_loads_explicitly_and_plain_requests_leave_loading_to_the_backend() -> None:
    loader, catalog, lifecycle, _ = setup()
    async with loader.ready(record_of(catalog, UNLOADED), ask(UNLOADED)):
        assert lifecycle.loads == []
    async with loader.ready(record_of(catalog, UNLOADED), ask(UNLOADED, keep_alive_seconds=-1)):
        assert lifecycle.loads == [(UNLOADED, -1)]


async def test_concurrent_first_requests_take_turns() -> None:
    loader, catalog, _, _ = setup()
    inside = 0
    most_inside = 0

    async def request() -> None:
        nonlocal inside, most_inside
        async with loader.ready(record_of(catalog, UNLOADED), ask(UNLOADED)):
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(request() for _ in range(5)))
    assert most_inside == 1


async def test_unload_soon_reports_failures_instead_of_losing_them() -> None:
    loader, _, lifecycle, errors = setup()

    async def refuse(model: ModelRecord) -> None:
        raise Unsupported("no unloading here")

    lifecycle.unload = refuse  # type: ignore[method-assign]
    loader.unload_soon(LOADED)
    await asyncio.sleep(0.01)
    assert [str(e) for e in errors] == ["no unloading here"]


async def test_unload_uses_the_current_instances() -> None:
    loader, catalog, lifecycle, _ = setup()
    catalog.models = tuple(
        msgspec.structs.replace(r, loaded_instances=(LoadedInstance(instance_id=r.key),))
        if r.key == UNLOADED
        else r
        for r in catalog.models
    )
    await loader.unload("fake/seer-4b:q8_0")
    assert lifecycle.unloads == [UNLOADED]
    assert not record_of(catalog, UNLOADED).is_loaded


async def test_a_window_the_backend_cannot_change_is_reported_and_the_request_runs() -> None:
    loader, catalog, lifecycle, errors = setup()

    async def refuse(model: ModelRecord) -> None:
        raise Unsupported("no unloading here")

    lifecycle.unload = refuse  # type: ignore[method-assign]
    async with loader.ready(record_of(catalog, LOADED), ask(LOADED, context_length=16384)) as ready:
        assert ready.is_loaded
    assert [str(e) for e in errors] == ["no unloading here"]
    assert lifecycle.loads == []
