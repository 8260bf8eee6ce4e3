"""One behavioural suite for every ModelCatalog: the fake, and LM Studio's in each of its dialects."""

from collections.abc import AsyncIterator, Callable

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.domain.models import Capability
from shim.domain.names import ollama_name
from shim.domain.ports import ModelCatalog
from shim.domain.selector import CatalogModelSelector
from tests.support.double_hosts import host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio

CatalogFactory = Callable[[], ModelCatalog]


@pytest.fixture(params=["fake", "lmstudio-v1", "lmstudio-v0", "openai-compatible", "two-hosts"])
async def catalog(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> AsyncIterator[ModelCatalog]:
    if request.param == "fake":
        yield FakeModelCatalog()
        return
    if request.param == "two-hosts":
        second_lmstudio.models = second_lmstudio.models[:1]  # one model on both, others on one
        async with host_pool(lmstudio.url, second_lmstudio.url) as pool:
            yield UnionCatalog(pool)
        return
    lmstudio.api = {"lmstudio-v1": "v1", "lmstudio-v0": "v0", "openai-compatible": "openai"}[
        request.param
    ]
    async with upstream_for(lmstudio.url) as client:
        yield LMStudioModelCatalog(client)


async def test_lists_models_with_unique_keys(catalog: ModelCatalog) -> None:
    models = await catalog.list_models()
    assert models
    keys = [model.key for model in models]
    assert len(set(keys)) == len(keys)


async def test_every_model_can_chat_or_embed_but_embedders_only_embed(
    catalog: ModelCatalog,
) -> None:
    for model in await catalog.list_models():
        capabilities = set(model.capabilities)
        if model.kind == "embedding":
            assert capabilities == {Capability.EMBEDDING}
        else:
            assert Capability.COMPLETION in capabilities
            assert Capability.EMBEDDING not in capabilities


async def test_loaded_instances_report_a_positive_window(catalog: ModelCatalog) -> None:
    for model in await catalog.list_models():
        for instance in model.loaded_instances:
            assert instance.instance_id
            assert instance.context_length is None or instance.context_length > 0


async def test_every_listed_model_resolves_by_its_ollama_name(catalog: ModelCatalog) -> None:
    selector = CatalogModelSelector(catalog)
    for model in await catalog.list_models():
        assert (await selector.resolve(ollama_name(model.key))).key == model.key
        assert (await selector.resolve(model.key.upper())).key == model.key


async def test_listing_twice_gives_the_same_models(catalog: ModelCatalog) -> None:
    assert list(await catalog.list_models()) == list(await catalog.list_models())
