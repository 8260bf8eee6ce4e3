"""The streamer against golden LM Studio streams, cut into reads at every kind of boundary."""

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import msgspec
import pytest
from structlog.testing import capture_logs

from shim.adapters.lmstudio.streamer import LMStudioCompletionStreamer
from shim.adapters.upstream_http import UpstreamStream
from shim.domain.completion import (
    ChatMessage,
    CompletionRequest,
    Delta,
    Finish,
    Logprob,
    TextRun,
    TokenLogprob,
    ToolCall,
    Usage,
)
from shim.domain.errors import UpstreamError, UpstreamRejected, UpstreamUnavailable
from tests.support.upstream import ScriptedStream, ScriptedUpstream, answer, upstream_for

pytestmark = pytest.mark.anyio

STREAMS = Path(__file__).parents[2] / "payloads" / "lmstudio" / "streams"
REQUEST = CompletionRequest(model="m", messages=(ChatMessage(role="user", content="hi"),))


def streamer_for(
    answer_for: Callable[[str, bytes], UpstreamStream], idle_seconds: float = 5
) -> LMStudioCompletionStreamer:
    return LMStudioCompletionStreamer(ScriptedUpstream(answer_for), idle_seconds)


def serving(name: str, size: int) -> LMStudioCompletionStreamer:
    body = (STREAMS / name).read_bytes()
    return streamer_for(lambda _, __: answer(200, body, size))


async def events(streamer: LMStudioCompletionStreamer) -> list[object]:
    return [event async for event in streamer.stream(REQUEST)]


@pytest.mark.parametrize("size", [1, 2, 7, 64, 100_000])
async def test_gpt_oss_reasoning_field_and_trailing_usage(size: int) -> None:
    assert await events(serving("reasoning_gpt_oss.sse", size)) == [
        Delta(thinking="User greets."),
        Delta(thinking=" Reply kindly."),
        TextRun(["Hi there"]),
        Finish(reason="stop", usage=Usage(prompt_tokens=17, completion_tokens=9)),
    ]


@pytest.mark.parametrize("size", [1, 3, 50, 100_000])
async def test_interleaved_tool_calls_ending_in_stop_with_crlf_and_comments(size: int) -> None:
    assert await events(serving("tools_finish_stop_crlf.sse", size)) == [
        Delta(
            tool_calls=(
                ToolCall(id="586412361", name="get_weather", arguments={"city": "Paris"}, index=0),
            )
        ),
        Delta(tool_calls=(ToolCall(id="586412362", name="get_time", arguments={}, index=1),)),
        Finish(reason="stop", usage=Usage(prompt_tokens=120, completion_tokens=31)),
    ]


async def test_named_error_event_raises_after_the_text_so_far() -> None:
    stream = serving("error_event.sse", 5).stream(REQUEST)
    assert await anext(stream) == TextRun(["Par"])
    with pytest.raises(UpstreamError, match="Input does not fit in context length"):
        await anext(stream)


async def test_sends_a_streaming_chat_request() -> None:
    body = (STREAMS / "reasoning_gpt_oss.sse").read_bytes()
    upstream = ScriptedUpstream(lambda _, __: answer(200, body, 64))
    await events(LMStudioCompletionStreamer(upstream, 5))
    [(path, sent)] = upstream.requests
    assert path == "/v1/chat/completions"
    assert json.loads(sent)["stream"] is True


@pytest.mark.parametrize(
    ("status", "body", "raised", "text"),
    [
        (
            400,
            b'{"error":"\'messages\' field is required"}',
            UpstreamRejected,
            "'messages' field is required",
        ),
        (
            404,
            b'{"error":{"message":"Failed to load model","code":"model_not_found"}}',
            UpstreamRejected,
            "Failed to load model",
        ),
        (
            401,
            b'{"error":{"code":"invalid_api_key","message":"token required"}}',
            UpstreamError,
            "refused shim's API token",
        ),
        (500, b"oops", UpstreamError, "HTTP 500"),
    ],
)
async def test_refusals_before_streaming(status: int, body: bytes, raised: type, text: str) -> None:
    with pytest.raises(raised, match=text) as caught:
        await events(
            streamer_for(lambda _, __: answer(status, body, content_type="application/json"))
        )
    if isinstance(caught.value, UpstreamRejected):
        assert caught.value.status == status


async def test_unreachable_server() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}"  # nothing listens there
        async with upstream_for(url) as upstream:
            with pytest.raises(UpstreamUnavailable, match=f"cannot reach LM Studio at {url}"):
                await events(LMStudioCompletionStreamer(upstream, 5))


async def test_garbage_is_an_error_not_a_crash() -> None:
    with pytest.raises(UpstreamError, match="unreadable event"):
        await events(streamer_for(lambda _, __: answer(200, b"data: {not json\n\n", 4)))


async def stalling() -> AsyncIterator[bytes]:
    """The first event at once, then silence."""
    yield (STREAMS / "reasoning_gpt_oss.sse").read_bytes().split(b"\n\n")[0] + b"\n\n"
    await asyncio.sleep(10)


async def test_a_stall_mid_stream_is_an_error_after_the_idle_limit() -> None:
    streamer = streamer_for(
        lambda _, __: ScriptedStream(200, stalling(), "text/event-stream"), idle_seconds=0.2
    )
    stream = streamer.stream(REQUEST)
    assert await anext(stream) == Delta(thinking="User greets.")
    started = time.monotonic()
    with pytest.raises(
        UpstreamError, match=r"stalled for 0\.2 s in the middle of /v1/chat/completions"
    ):
        await anext(stream)
    assert time.monotonic() - started < 1


def sse(*deltas: dict[str, str]) -> bytes:
    chunks = [
        {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]} for delta in deltas
    ]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)


async def test_plain_text_of_one_read_travels_as_runs_in_order_around_other_events() -> None:
    body = sse({"content": "a"}, {"content": "b"}, {"reasoning": "r"}, {"content": "c"})
    streamer = streamer_for(lambda _, __: answer(200, body))
    assert await events(streamer) == [
        TextRun(["a", "b"]),
        Delta(thinking="r"),
        TextRun(["c"]),
        Finish(reason="stop"),
    ]


async def test_logprobs_are_read_and_asked_for() -> None:
    body = (
        b'data: {"choices":[{"delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi",'
        b'"logprob":-0.5,"bytes":[72,105],"top_logprobs":[{"token":"Ho","logprob":-3.0}]}]}}]}\n\n'
        b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    upstream = ScriptedUpstream(lambda _, __: answer(200, body, 64))
    asked = msgspec.structs.replace(REQUEST, logprobs=True, top_logprobs=1)
    with capture_logs() as logs:
        got = [event async for event in LMStudioCompletionStreamer(upstream, 5).stream(asked)]
    assert got[0] == Delta(
        content="Hi",
        logprobs=(
            Logprob(
                token="Hi",
                logprob=-0.5,
                bytes=(72, 105),
                top_logprobs=(TokenLogprob(token="Ho", logprob=-3.0),),
            ),
        ),
    )
    sent = json.loads(upstream.requests[0][1])
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 1)
    assert not [line for line in logs if line["event"] == "upstream.logprobs_unavailable"]


async def test_logprobs_asked_for_but_not_sent_get_a_debug_line() -> None:
    asked = msgspec.structs.replace(REQUEST, logprobs=True)
    with capture_logs() as logs:
        [event async for event in serving("reasoning_gpt_oss.sse", 64).stream(asked)]
    (line,) = [line for line in logs if line["event"] == "upstream.logprobs_unavailable"]
    assert line["log_level"] == "debug"


async def test_logprobs_not_asked_for_are_not_sent_nor_logged() -> None:
    upstream = ScriptedUpstream(
        lambda _, __: answer(200, (STREAMS / "reasoning_gpt_oss.sse").read_bytes(), 64)
    )
    with capture_logs() as logs:
        [event async for event in LMStudioCompletionStreamer(upstream, 5).stream(REQUEST)]
    assert "logprobs" not in json.loads(upstream.requests[0][1])
    assert not logs
