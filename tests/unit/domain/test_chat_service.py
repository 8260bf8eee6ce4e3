from collections.abc import AsyncGenerator

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.lifecycle import FakeModelLifecycle
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.domain.admission import AdmissionGate
from shim.domain.chat_service import ChatService, collect
from shim.domain.completion import (
    ChatMessage,
    Completed,
    CompletionEvent,
    CompletionRequest,
    Delta,
    Finish,
    TextRun,
    ToolCall,
    Usage,
)
from shim.domain.errors import InvalidRequest, UpstreamError
from shim.domain.loading import ModelLoader
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio

ASK = (ChatMessage(role="user", content="hi"),)


class Ticks:
    """A clock that advances 10 ns each time it is read."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        self.now += 10
        return self.now


def service(
    script: list[CompletionEvent] | None = None,
) -> tuple[ChatService, FakeCompletionStreamer, list[str]]:
    catalog = FakeModelCatalog()
    streamer = FakeCompletionStreamer(script)
    changes: list[str] = []
    selector = CatalogModelSelector(catalog, {"thinker": "fake/thinker-8b"})
    loader = ModelLoader(
        selector,
        FakeModelLifecycle(catalog),
        on_models_changed=lambda: changes.append("changed"),
        report=lambda error: changes.append(f"failed: {error}"),
    )
    chat = ChatService(selector, streamer, loader, AdmissionGate(4, 4), clock=Ticks())
    return chat, streamer, changes


def request(**fields: object) -> CompletionRequest:
    return CompletionRequest(**{"model": "thinker", "messages": ASK, **fields})  # type: ignore[arg-type]


async def events_of(chat: ChatService, req: CompletionRequest) -> list[object]:
    return [event async for batch in await chat.open(req, "chat") for event in batch]


async def test_backend_gets_the_resolved_key() -> None:
    chat, streamer, _ = service()
    await events_of(chat, request())
    assert streamer.requests[0].model == "fake/thinker-8b"


@pytest.mark.parametrize("verb", ["chat", "generate"])
async def test_embedding_models_cannot_chat_or_generate(verb: str) -> None:
    chat, streamer, _ = service()
    with pytest.raises(InvalidRequest, match=f'"fake/embedder" does not support {verb}'):
        await chat.open(request(model="fake/embedder"), verb)  # type: ignore[arg-type]
    assert not streamer.requests


async def test_suffix_is_refused_before_anything_is_sent() -> None:
    chat, streamer, _ = service()
    with pytest.raises(InvalidRequest, match="does not support insert"):
        await chat.open(request(suffix="}"), "generate")
    assert not streamer.requests


@pytest.mark.parametrize("think", [True, False, None])
async def test_thinking_is_refused_only_where_the_backend_says_it_cannot(
    think: bool | None,
) -> None:
    chat, streamer, _ = service()
    ask = request(model="fake/seer-4b@q8_0", think=think)
    if think:
        with pytest.raises(
            InvalidRequest, match=r'^"fake/seer-4b@q8_0" does not support thinking$'
        ):
            await chat.open(ask, "chat")
        assert not streamer.requests
    else:
        await events_of(chat, ask)
        assert len(streamer.requests) == 1


async def test_relaxed_thinking_is_dropped_not_refused(caplog: pytest.LogCaptureFixture) -> None:
    chat, streamer, _ = service()
    ask = request(model="fake/seer-4b@q8_0", think=True, think_level="high", relax_thinking=True)
    await events_of(chat, ask)
    (sent,) = streamer.requests
    assert (sent.think, sent.think_level) == (None, None)
    assert "does not support thinking" in caplog.text


async def test_a_finish_without_a_reason_is_a_stop() -> None:
    chat, _, _ = service([Delta(content="a"), Finish()])
    completed = (await events_of(chat, request()))[-1]
    assert isinstance(completed, Completed)
    assert completed.reason == "stop"


async def test_inline_think_tags_become_thinking() -> None:
    chat, _, _ = service(
        [Delta(content="<think>pondering</th"), Delta(content="ink>answer"), Finish()]
    )
    answer = await collect(await chat.open(request(), "chat"))
    assert (answer.thinking, answer.content) == ("pondering", "answer")


async def test_think_false_drops_thinking_of_every_kind() -> None:
    chat, _, _ = service(
        [Delta(thinking="separate"), Delta(content="<think>tagged</think>ok"), Finish()]
    )
    events = await events_of(chat, request(think=False))
    assert [e for e in events if isinstance(e, Delta)] == [Delta(content="ok")]


async def test_a_tag_split_at_the_very_end_is_not_lost() -> None:
    chat, _, _ = service([Delta(content="a <thi"), Finish()])
    assert (await collect(await chat.open(request(), "chat"))).content == "a <thi"


async def test_durations_are_measured_and_counts_come_from_usage() -> None:
    chat, _, _ = service(
        [
            Delta(content="a"),
            Delta(content="b"),
            Finish(reason="stop", usage=Usage(prompt_tokens=7, completion_tokens=2)),
        ]
    )
    completed = (await events_of(chat, request()))[-1]
    assert isinstance(completed, Completed)
    assert (completed.reason, completed.prompt_tokens, completed.completion_tokens) == (
        "stop",
        7,
        2,
    )
    assert completed.load_ns > 0
    assert completed.prompt_eval_ns > 0
    assert completed.eval_ns > 0
    assert completed.total_ns == completed.load_ns + completed.prompt_eval_ns + completed.eval_ns


async def test_without_usage_the_pieces_are_counted() -> None:
    chat, _, _ = service([Delta(content="a"), Delta(content="b"), Delta(content="c"), Finish()])
    completed = (await events_of(chat, request()))[-1]
    assert isinstance(completed, Completed)
    assert (completed.completion_tokens, completed.prompt_tokens) == (3, None)


async def test_a_stream_without_finish_is_an_error() -> None:
    chat, _, _ = service([Delta(content="a")])
    stream = await chat.open(request(), "chat")
    with pytest.raises(UpstreamError, match="before finishing"):
        [batch async for batch in stream]


class FailingStreamer(FakeCompletionStreamer):
    closed = False

    async def stream(
        self, request: CompletionRequest
    ) -> AsyncGenerator[list[CompletionEvent], None]:
        try:
            raise UpstreamError("no")
            yield [Finish()]  # pragma: no cover - makes this a generator
        finally:
            FailingStreamer.closed = True


async def test_failure_before_the_first_event_raises_from_open_and_closes_upstream() -> None:
    catalog = FakeModelCatalog()
    selector = CatalogModelSelector(catalog)
    loader = ModelLoader(selector, FakeModelLifecycle(catalog), lambda: None, lambda _: None)
    chat = ChatService(selector, FailingStreamer(), loader, AdmissionGate(4, 4))
    with pytest.raises(UpstreamError):
        await chat.open(CompletionRequest(model="fake/thinker-8b", messages=ASK), "chat")
    assert FailingStreamer.closed


async def test_collect_gathers_text_thinking_and_tool_calls() -> None:
    call = ToolCall(id="c1", name="f", arguments={"x": 1})
    chat, _, _ = service(
        [
            Delta(thinking="t"),
            Delta(content="a"),
            Delta(tool_calls=(call,)),
            Delta(content="b"),
            Finish(),
        ]
    )
    answer = await collect(await chat.open(request(), "chat"))
    assert (answer.content, answer.thinking, answer.tool_calls) == ("ab", "t", (call,))


async def test_load_and_unload_go_to_the_lifecycle_and_refresh_the_catalog() -> None:
    chat, _, changes = service()
    loaded = await chat.load("fake/seer-4b:q8_0", "generate", 300)
    assert loaded.reason == "load"
    unloaded = await chat.load("thinker", "chat", 0)
    assert unloaded.reason == "unload"
    assert changes.count("changed") >= 2
    assert not [c for c in changes if c.startswith("failed")]


async def test_open_or_load_answers_messages_and_only_loads_without_any() -> None:
    chat, streamer, _ = service()
    answered = [e async for batch in await chat.open_or_load(request(), "chat") for e in batch]
    assert isinstance(answered[-1], Completed)
    assert answered[-1].reason == "stop"
    assert streamer.requests, "messages go to the backend"
    sent = len(streamer.requests)
    empty = request(messages=(), keep_alive_seconds=0)
    [batch] = [batch async for batch in await chat.open_or_load(empty, "generate")]
    assert [event.reason for event in batch] == ["unload"]  # type: ignore[attr-defined]
    assert len(streamer.requests) == sent, "nothing to answer: nothing is generated"


async def test_a_text_run_passes_through_whole_and_each_piece_counts() -> None:
    run = TextRun(["a", "b", "c"])
    chat, _, _ = service([run, Finish()])
    events = await events_of(chat, request())
    assert events[0] is run
    completed = events[-1]
    assert isinstance(completed, Completed)
    assert completed.completion_tokens == 3


@pytest.mark.parametrize("think", [None, False])
async def test_think_tags_inside_a_text_run_are_split_as_separate_pieces_would_be(
    think: bool | None,
) -> None:
    pieces = ["x <think>pon", "dering</th", "ink>ans", "wer"]
    as_run, _, _ = service([TextRun(pieces), Finish()])
    one_by_one, _, _ = service([*(Delta(content=p) for p in pieces), Finish()])
    got = await collect(await as_run.open(request(think=think), "chat"))
    expected = await collect(await one_by_one.open(request(think=think), "chat"))
    assert (got.content, got.thinking) == (expected.content, expected.thinking)
    assert got.content == "x answer"
    assert got.thinking == ("" if think is False else "pondering")


async def test_collect_joins_text_runs_with_other_pieces_in_order() -> None:
    chat, _, _ = service([Delta(content="a"), TextRun(["b", "c"]), Delta(content="d"), Finish()])
    assert (await collect(await chat.open(request(), "chat"))).content == "abcd"
