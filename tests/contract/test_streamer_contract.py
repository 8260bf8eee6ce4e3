"""One behavioural suite for every CompletionStreamer: the fake, and LM Studio's against the double
(whole frames, and frames cut into pieces of a few bytes)."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.routed import RoutedStreamer
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.streamer import LMStudioCompletionStreamer
from shim.domain.completion import (
    ChatMessage,
    CompletionEvent,
    CompletionRequest,
    Delta,
    Finish,
    TextRun,
    Tool,
    ToolCall,
)
from shim.domain.errors import UpstreamRejected
from shim.domain.models import ModelRecord
from shim.domain.ports import CompletionStreamer, ModelCatalog
from tests.support.double_hosts import host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import reasoning_script, tool_call_script
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio

ASK = (ChatMessage(role="user", content="hello"),)
TOOLS = (
    Tool(name="get_weather", parameters={"type": "object", "properties": {}}),
    Tool(name="get_time"),
)


@dataclass
class Backend:
    streamer: CompletionStreamer
    catalog: ModelCatalog
    will_call: Callable[[str], None]
    """Arrange for the next answer to call the tool of that name, where the backend is scripted."""
    will_think: Callable[[], None]
    """Arrange for the next answer to reason before it answers, where the backend is scripted."""


@pytest.fixture(params=["fake", "lmstudio", "lmstudio-split-frames", "two-hosts"])
async def backend(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> AsyncIterator[Backend]:
    if request.param == "fake":
        catalog = FakeModelCatalog()
        # The demo script calls the first tool offered and always thinks first.
        yield Backend(
            FakeCompletionStreamer(catalog=catalog), catalog, lambda _: None, lambda: None
        )
        return
    lmstudio.split_frames = request.param == "lmstudio-split-frames"

    def will_call(name: str) -> None:
        lmstudio.chat_script = tool_call_script([("call_1", name, '{"city": "Paris"}')])

    def will_think() -> None:
        lmstudio.chat_script = reasoning_script(
            ["The user ", "greets me."], ["Hi", "!"], form="reasoning_content"
        )

    if request.param == "two-hosts":
        # The first host listed gets each request: both have every model, neither is busier.
        async with host_pool(lmstudio.url, second_lmstudio.url) as pool:
            yield Backend(RoutedStreamer(pool), UnionCatalog(pool), will_call, will_think)
        return
    async with upstream_for(lmstudio.url) as client:
        streamer = LMStudioCompletionStreamer(client, idle_seconds=5)
        yield Backend(streamer, LMStudioModelCatalog(client), will_call, will_think)


async def a_model(catalog: ModelCatalog, *, loaded: bool | None = None) -> ModelRecord:
    models = await catalog.list_models()
    return next(m for m in models if m.kind == "llm" and (loaded is None or m.is_loaded == loaded))


async def events_of(
    streamer: CompletionStreamer, request: CompletionRequest
) -> list[CompletionEvent]:
    return [event async for event in streamer.stream(request)]


def text_of(events: list[CompletionEvent]) -> str:
    return "".join(
        "".join(event.pieces) if isinstance(event, TextRun) else event.content
        for event in events
        if isinstance(event, TextRun | Delta)
    )


def calls_of(events: list[CompletionEvent]) -> list[ToolCall]:
    return [call for event in events if isinstance(event, Delta) for call in event.tool_calls]


async def test_a_chat_streams_text_and_ends_with_exactly_one_finish(backend: Backend) -> None:
    model = await a_model(backend.catalog)
    events = await events_of(backend.streamer, CompletionRequest(model=model.key, messages=ASK))
    assert isinstance(events[-1], Finish), "nothing may follow the Finish"
    assert sum(isinstance(event, Finish) for event in events) == 1
    assert text_of(events).strip()
    assert events[-1].reason in ("stop", "length")


async def test_a_raw_prompt_streams_text_and_ends_with_one_finish(backend: Backend) -> None:
    model = await a_model(backend.catalog)
    request = CompletionRequest(model=model.key, raw_prompt="Once upon a time")
    events = await events_of(backend.streamer, request)
    assert isinstance(events[-1], Finish)
    assert sum(isinstance(event, Finish) for event in events) == 1
    assert text_of(events).strip()


async def test_offered_tools_can_be_called_with_object_arguments(backend: Backend) -> None:
    model = await a_model(backend.catalog)
    backend.will_call("get_weather")
    request = CompletionRequest(model=model.key, messages=ASK, tools=TOOLS)
    events = await events_of(backend.streamer, request)
    calls = calls_of(events)
    assert [call.name for call in calls] == ["get_weather"]
    assert calls[0].id
    assert isinstance(calls[0].arguments, dict)
    assert isinstance(events[-1], Finish)
    assert sum(isinstance(event, Finish) for event in events) == 1


async def test_reasoning_arrives_as_thinking_apart_from_the_answer(backend: Backend) -> None:
    model = await a_model(backend.catalog)
    backend.will_think()
    events = await events_of(backend.streamer, CompletionRequest(model=model.key, messages=ASK))
    thinking = "".join(event.thinking for event in events if isinstance(event, Delta))
    answer = text_of(events)
    assert thinking.strip()
    assert answer.strip()
    assert thinking not in answer


async def test_a_model_not_loaded_is_loaded_by_the_request(backend: Backend) -> None:
    model = await a_model(backend.catalog, loaded=False)
    await events_of(backend.streamer, CompletionRequest(model=model.key, messages=ASK))
    after = {record.key: record for record in await backend.catalog.list_models()}
    assert after[model.key].is_loaded


async def test_an_unknown_model_is_refused_with_a_client_status(backend: Backend) -> None:
    request = CompletionRequest(model="nobody/no-such-model", messages=ASK)
    with pytest.raises(UpstreamRejected) as refused:
        await events_of(backend.streamer, request)
    assert refused.value.status == 400
    assert "no-such-model" in refused.value.message


async def test_an_embedding_model_cannot_chat(backend: Backend) -> None:
    models = await backend.catalog.list_models()
    embedder = next(model for model in models if model.kind == "embedding")
    with pytest.raises(UpstreamRejected) as refused:
        await events_of(backend.streamer, CompletionRequest(model=embedder.key, messages=ASK))
    assert 400 <= refused.value.status < 500
