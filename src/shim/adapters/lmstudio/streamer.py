"""Completions streamed from LM Studio's /v1/chat/completions and /v1/completions (SSE)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Literal

import msgspec
import structlog

from shim.adapters.lmstudio.chunk_wire import StreamChoice, StreamChunk
from shim.adapters.lmstudio.logprobs import logprobs_of
from shim.adapters.lmstudio.payloads import chat_payload, completion_payload
from shim.adapters.lmstudio.sse import SSEParser
from shim.adapters.lmstudio.tool_calls import ToolCallAccumulator
from shim.adapters.lmstudio.upstream import describe_error, pieces_of, rejection
from shim.adapters.upstream_http import Upstream
from shim.domain.completion import (
    CompletionEvent,
    CompletionRequest,
    Delta,
    Finish,
    TextRun,
    Usage,
)
from shim.domain.errors import UpstreamError
from shim.domain.ports import CompletionStreamer

log = structlog.get_logger(__name__)

DONE = b"[DONE]"
FINISH_REASONS: dict[str, Literal["stop", "length"]] = {"length": "length"}
_chunks = msgspec.json.Decoder(StreamChunk)


class LMStudioCompletionStreamer(CompletionStreamer):
    def __init__(self, client: Upstream, idle_seconds: float) -> None:
        self._client = client
        self._idle_seconds = idle_seconds

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        raw = request.raw_prompt is not None
        path = "/v1/completions" if raw else "/v1/chat/completions"
        body = msgspec.json.encode(completion_payload(request) if raw else chat_payload(request))
        async with self._client.stream(path, body) as reply:
            if reply.status != 200:
                raise rejection(reply.status, await reply.read(), path)
            seen_logprobs = False
            async for batch in _batches(pieces_of(reply, self._idle_seconds, path), path):
                for event in batch:
                    if request.logprobs:
                        seen_logprobs = _noted_logprobs(event, seen_logprobs, path)
                    yield event


async def _batches(
    pieces: AsyncGenerator[bytes, None], path: str
) -> AsyncGenerator[list[CompletionEvent], None]:
    """The events of each read together: one batch per read travels as one write to the client."""
    parser = SSEParser()
    tools = ToolCallAccumulator()
    state = _StreamState()
    async for raw in pieces:
        if state.done:
            await _read_to_end(pieces)
            break
        batch: list[CompletionEvent] = []
        texts: list[str] = []
        for event in parser.feed(raw):
            if event.data == DONE:
                state.done = True
                break
            chunk = _decode(event.data, path)
            if event.event == "error" or chunk.error is not None:
                if batch or texts:
                    yield _closed(batch, texts)  # what came before the error reaches the client
                raise UpstreamError(f"LM Studio: {describe_error(chunk.error or event.data)}")
            text = _plain_text(chunk)
            if text:
                texts.append(text)  # nearly every chunk of an answer
                continue
            if texts:
                batch.append(TextRun(texts))
                texts = []
            _absorb(chunk, tools, state, batch)
        if batch or texts:
            yield _closed(batch, texts)
    if not state.done and state.finish_reason is None:
        raise UpstreamError("LM Studio closed the stream before finishing the answer")
    tail: list[CompletionEvent] = [Delta(tool_calls=(call,)) for call in tools.take()]
    reason = state.finish_reason
    tail.append(
        Finish(reason=FINISH_REASONS.get(reason, "stop") if reason else None, usage=state.usage)
    )
    yield tail


def _noted_logprobs(event: CompletionEvent, seen: bool, path: str) -> bool:
    """Whether log probabilities came so far; at the end, a line saying why none did."""
    if isinstance(event, Delta) and event.logprobs:
        return True
    if isinstance(event, Finish) and not seen:
        # LM Studio's streams carry `logprobs: null`: the answer leaves the field out.
        log.debug("upstream.logprobs_unavailable", path=path, reason="the backend sent none")
    return seen


async def _read_to_end(pieces: AsyncGenerator[bytes, None]) -> None:
    """What follows the end of the answer is read, so the connection goes back to the pool;
    a failure there spoils nothing the client was sent."""
    try:
        async for _ in pieces:
            pass
    except UpstreamError:
        return


def _closed(batch: list[CompletionEvent], texts: list[str]) -> list[CompletionEvent]:
    if texts:
        batch.append(TextRun(texts))
    return batch


def _plain_text(chunk: StreamChunk) -> str | None:
    """The content of a chunk that carries nothing else: no reasoning, tools, finish or usage."""
    if chunk.usage is not None or len(chunk.choices) != 1:
        return None
    choice = chunk.choices[0]
    delta = choice.delta
    if delta is None or choice.finish_reason is not None or delta.tool_calls:
        return None
    if choice.logprobs is not None and choice.logprobs.content:
        return None
    if delta.reasoning_content or delta.reasoning:
        return None
    return delta.content


def _absorb(
    chunk: StreamChunk,
    tools: ToolCallAccumulator,
    state: _StreamState,
    batch: list[CompletionEvent],
) -> None:
    if chunk.usage is not None:
        state.usage = Usage(
            prompt_tokens=chunk.usage.prompt_tokens,
            completion_tokens=chunk.usage.completion_tokens,
        )
    for choice in chunk.choices[:1]:
        delta = _delta(choice, tools, state)
        if delta is not None:
            batch.append(delta)
        calls = tools.take() if choice.finish_reason is not None else tools.ready()
        batch.extend(Delta(tool_calls=(call,)) for call in calls)


class _StreamState:
    def __init__(self) -> None:
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.done = False


def _delta(choice: StreamChoice, tools: ToolCallAccumulator, state: _StreamState) -> Delta | None:
    if choice.finish_reason is not None:
        state.finish_reason = choice.finish_reason
    delta = choice.delta
    logprobs = logprobs_of(choice.logprobs)
    if delta is None:
        text = choice.text or ""
        return Delta(content=text, logprobs=logprobs) if text or logprobs else None
    if delta.tool_calls:
        tools.add(delta.tool_calls)
    thinking = delta.reasoning_content or delta.reasoning or ""
    content = delta.content or ""
    if content or thinking or logprobs:
        return Delta(content=content, thinking=thinking, logprobs=logprobs)
    return None


def _decode(data: bytes, path: str) -> StreamChunk:
    try:
        return _chunks.decode(data)
    except msgspec.DecodeError:
        raise UpstreamError(
            f"LM Studio sent an unreadable event on {path}: {data[:120]!r}"
        ) from None
