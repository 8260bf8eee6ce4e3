"""One behavioural suite for every Embedder: the fake, and LM Studio's against the double."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.embedder import FakeEmbedder
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.routed import RoutedEmbedder
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.embedder import LMStudioEmbedder
from shim.domain.errors import NotCapable, UpstreamRejected
from shim.domain.models import ModelKind, ModelRecord
from shim.domain.ports import Embedder, ModelCatalog
from tests.support.double_hosts import host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio

TEXTS = ["the sky is blue", "grass is green", "the sky is blue!"]


@dataclass
class Backend:
    embedder: Embedder
    catalog: ModelCatalog

    async def a_model(self, kind: ModelKind) -> ModelRecord:
        return next(model for model in await self.catalog.list_models() if model.kind == kind)


@pytest.fixture(params=["fake", "lmstudio", "two-hosts"])
async def backend(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> AsyncIterator[Backend]:
    if request.param == "fake":
        catalog = FakeModelCatalog()
        yield Backend(FakeEmbedder(catalog), catalog)
        return
    if request.param == "two-hosts":
        async with host_pool(lmstudio.url, second_lmstudio.url) as pool:
            yield Backend(RoutedEmbedder(pool), UnionCatalog(pool))
        return
    async with upstream_for(lmstudio.url) as client:
        yield Backend(LMStudioEmbedder(client), LMStudioModelCatalog(client))


async def test_one_vector_per_input_all_of_one_length(backend: Backend) -> None:
    model = await backend.a_model("embedding")
    vectors = (await backend.embedder.embed(model.key, TEXTS)).vectors
    assert len(vectors) == len(TEXTS)
    assert len({len(vector) for vector in vectors}) == 1
    assert len(vectors[0]) > 0
    assert all(isinstance(value, float) for vector in vectors for value in vector)


async def test_vectors_come_in_the_order_of_the_inputs(backend: Backend) -> None:
    model = await backend.a_model("embedding")
    together = (await backend.embedder.embed(model.key, TEXTS)).vectors
    alone = [(await backend.embedder.embed(model.key, [text])).vectors[0] for text in TEXTS]
    assert together == alone


async def test_the_same_text_gives_the_same_vector_and_others_differ(backend: Backend) -> None:
    model = await backend.a_model("embedding")
    first = (await backend.embedder.embed(model.key, TEXTS)).vectors
    again = (await backend.embedder.embed(model.key, list(reversed(TEXTS)))).vectors
    assert first == list(reversed(again))
    assert len({tuple(vector) for vector in first}) == len(TEXTS)


async def test_token_counts_when_reported_are_positive(backend: Backend) -> None:
    model = await backend.a_model("embedding")
    tokens = (await backend.embedder.embed(model.key, TEXTS)).prompt_tokens
    assert tokens is None or tokens > 0


async def test_an_embedding_model_not_loaded_is_loaded_by_the_request(backend: Backend) -> None:
    model = await backend.a_model("embedding")
    assert not model.is_loaded
    await backend.embedder.embed(model.key, TEXTS[:1])
    after = {record.key: record for record in await backend.catalog.list_models()}
    assert after[model.key].is_loaded
    assert 0 < (after[model.key].context_length or 0) <= (model.max_context_length or 0)


async def test_a_model_that_cannot_embed_raises_not_capable(backend: Backend) -> None:
    model = await backend.a_model("llm")
    with pytest.raises(NotCapable):
        await backend.embedder.embed(model.key, TEXTS[:1])


async def test_an_unknown_model_is_refused_with_a_client_status(backend: Backend) -> None:
    with pytest.raises(UpstreamRejected) as refused:
        await backend.embedder.embed("nobody/no-such-embedder", TEXTS[:1])
    assert refused.value.status == 400
    assert "no-such-embedder" in refused.value.message
