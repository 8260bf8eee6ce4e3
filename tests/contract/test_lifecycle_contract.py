"""One behavioural suite for every ModelLifecycle: the fake, and LM Studio's against the double,
each observed through the catalog of the same backend."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec
import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.lifecycle import RoutedLifecycle
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.lifecycle import LMStudioModelLifecycle
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelCatalog, ModelLifecycle
from tests.support.double_hosts import host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio


@dataclass
class Backend:
    lifecycle: ModelLifecycle
    catalog: ModelCatalog

    async def model(self, key: str) -> ModelRecord:
        return next(model for model in await self.catalog.list_models() if model.key == key)

    async def an_llm(self, *, loaded: bool) -> ModelRecord:
        models = await self.catalog.list_models()
        return next(m for m in models if m.kind == "llm" and m.is_loaded == loaded)


@pytest.fixture(params=["fake", "lmstudio", "two-hosts"])
async def backend(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> AsyncIterator[Backend]:
    if request.param == "fake":
        catalog = FakeModelCatalog()
        yield Backend(FakeModelLifecycle(catalog), catalog)
        return
    if request.param == "two-hosts":
        async with host_pool(lmstudio.url, second_lmstudio.url) as pool:
            yield Backend(RoutedLifecycle(pool), UnionCatalog(pool))
        return
    async with upstream_for(lmstudio.url) as client:
        yield Backend(LMStudioModelLifecycle(client), LMStudioModelCatalog(client))


async def test_a_load_leaves_the_model_loaded(backend: Backend) -> None:
    model = await backend.an_llm(loaded=False)
    await backend.lifecycle.load(model, keep_alive_seconds=None, context_length=None)
    loaded = await backend.model(model.key)
    assert len(loaded.loaded_instances) == 1
    assert (loaded.context_length or 0) > 0


async def test_a_load_at_a_context_length_loads_that_window(backend: Backend) -> None:
    model = await backend.an_llm(loaded=False)
    await backend.lifecycle.load(model, keep_alive_seconds=None, context_length=12288)
    loaded = await backend.model(model.key)
    assert [i.context_length for i in loaded.loaded_instances] == [12288]


async def test_a_load_kept_forever_leaves_the_model_loaded(backend: Backend) -> None:
    model = await backend.an_llm(loaded=False)
    await backend.lifecycle.load(model, keep_alive_seconds=-1, context_length=None)
    assert (await backend.model(model.key)).is_loaded


async def test_loading_a_loaded_model_adds_no_second_instance(backend: Backend) -> None:
    model = await backend.an_llm(loaded=True)
    await backend.lifecycle.load(model, keep_alive_seconds=None, context_length=None)
    assert (await backend.model(model.key)).loaded_instances == model.loaded_instances


async def test_an_unload_frees_the_model_and_leaves_the_others(backend: Backend) -> None:
    model = await backend.an_llm(loaded=True)
    others = [m for m in await backend.catalog.list_models() if m.key != model.key]
    await backend.lifecycle.unload(model)
    assert not (await backend.model(model.key)).is_loaded
    assert [m for m in await backend.catalog.list_models() if m.key != model.key] == others


async def test_unloading_a_model_not_loaded_is_harmless(backend: Backend) -> None:
    model = await backend.an_llm(loaded=False)
    before = list(await backend.catalog.list_models())
    await backend.lifecycle.unload(model)
    assert list(await backend.catalog.list_models()) == before


async def test_a_load_then_an_unload_leaves_the_model_as_it_was(backend: Backend) -> None:
    model = await backend.an_llm(loaded=False)
    await backend.lifecycle.load(model, keep_alive_seconds=None, context_length=8192)
    await backend.lifecycle.unload(await backend.model(model.key))
    assert not (await backend.model(model.key)).is_loaded


async def test_an_alias_loads_and_unloads_its_target(backend: Backend) -> None:
    """Records the domain hands over may be aliases: the backend knows their target's key."""
    target = await backend.an_llm(loaded=False)
    alias = msgspec.structs.replace(target, key="my-alias", alias_of=target.key)
    await backend.lifecycle.load(alias, keep_alive_seconds=None, context_length=8192)
    loaded = await backend.model(target.key)
    assert loaded.is_loaded
    await backend.lifecycle.unload(
        msgspec.structs.replace(loaded, key="my-alias", alias_of=target.key)
    )
    assert not (await backend.model(target.key)).is_loaded
