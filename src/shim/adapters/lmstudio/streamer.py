"""Completions streamed from LM Studio's /v1/chat/completions and /v1/completions (SSE)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Literal

import httpx
import msgspec

from shim.adapters.lmstudio.payloads import chat_payload, completion_payload
from shim.adapters.lmstudio.sse import SSEParser
from shim.adapters.lmstudio.stream_wire import StreamChoice, StreamChunk
from shim.adapters.lmstudio.tool_calls import ToolCallAccumulator
from shim.adapters.lmstudio.upstream import (
    JSON_HEADERS,
    describe_error,
    pieces_of,
    rejection,
    transport_errors,
)
from shim.domain.completion import CompletionEvent, CompletionRequest, Delta, Finish, Usage
from shim.domain.errors import UpstreamError
from shim.domain.ports import CompletionStreamer

DONE = b"[DONE]"
FINISH_REASONS: dict[str, Literal["stop", "length"]] = {"length": "length"}
_chunks = msgspec.json.Decoder(StreamChunk)


class LMStudioCompletionStreamer(CompletionStreamer):
    def __init__(self, client: httpx.AsyncClient, idle_seconds: float) -> None:
        self._client = client
        self._idle_seconds = idle_seconds

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        raw = request.raw_prompt is not None
        path = "/v1/completions" if raw else "/v1/chat/completions"
        body = msgspec.json.encode(completion_payload(request) if raw else chat_payload(request))
        with transport_errors(self._client, path):
            async with self._client.stream(
                "POST", path, content=body, headers=JSON_HEADERS
            ) as reply:
                if reply.status_code != 200:
                    raise rejection(reply.status_code, await reply.aread(), path)
                async for event in _events(pieces_of(reply, self._idle_seconds, path), path):
                    yield event


async def _events(
    pieces: AsyncGenerator[bytes, None], path: str
) -> AsyncGenerator[CompletionEvent, None]:
    tools = ToolCallAccumulator()
    state = _StreamState()
    async for chunk in _chunks_of(pieces, path, state):
        if chunk.usage is not None:
            state.usage = Usage(
                prompt_tokens=chunk.usage.prompt_tokens,
                completion_tokens=chunk.usage.completion_tokens,
            )
        for choice in chunk.choices[:1]:
            delta = _delta(choice, tools, state)
            if delta is not None:
                yield delta
            if choice.finish_reason is not None and (calls := tools.take()):
                yield Delta(tool_calls=calls)
    if not state.done and state.finish_reason is None:
        raise UpstreamError("LM Studio closed the stream before finishing the answer")
    if calls := tools.take():
        yield Delta(tool_calls=calls)
    reason = state.finish_reason
    yield Finish(reason=FINISH_REASONS.get(reason, "stop") if reason else None, usage=state.usage)


async def _chunks_of(
    pieces: AsyncGenerator[bytes, None], path: str, state: _StreamState
) -> AsyncGenerator[StreamChunk, None]:
    """Decoded chunks until `[DONE]`; error events raise."""
    parser = SSEParser()
    async for raw in pieces:
        for event in parser.feed(raw):
            if event.data == DONE:
                state.done = True
                return
            chunk = _decode(event.data, path)
            if event.event == "error" or chunk.error is not None:
                raise UpstreamError(f"LM Studio: {describe_error(chunk.error or event.data)}")
            yield chunk


class _StreamState:
    def __init__(self) -> None:
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.done = False


def _delta(choice: StreamChoice, tools: ToolCallAccumulator, state: _StreamState) -> Delta | None:
    if choice.finish_reason is not None:
        state.finish_reason = choice.finish_reason
    delta = choice.delta
    if delta is None:
        return Delta(content=choice.text) if choice.text else None
    if delta.tool_calls:
        tools.add(delta.tool_calls)
    thinking = delta.reasoning_content or delta.reasoning or ""
    content = delta.content or ""
    return Delta(content=content, thinking=thinking) if content or thinking else None


def _decode(data: bytes, path: str) -> StreamChunk:
    try:
        return _chunks.decode(data)
    except msgspec.DecodeError:
        raise UpstreamError(
            f"LM Studio sent an unreadable event on {path}: {data[:120]!r}"
        ) from None
