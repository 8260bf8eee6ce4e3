"""Chat and generation: resolve the model, apply the thinking policy, time the stream."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Literal

import msgspec

from shim.domain.admission import AdmissionGate
from shim.domain.aliases import with_defaults
from shim.domain.completion import (
    Answer,
    AnswerEvent,
    Completed,
    CompletionEvent,
    CompletionRequest,
    Finish,
    Logprob,
    TextRun,
    ToolCall,
)
from shim.domain.errors import InvalidRequest, UpstreamError
from shim.domain.loading import ModelLoader
from shim.domain.models import ModelRecord
from shim.domain.ports import CompletionStreamer, ModelSelector
from shim.domain.shaping import Shaping
from shim.domain.watch import OnAnswered

log = logging.getLogger(__name__)

Verb = Literal["chat", "generate"]


class ChatService:
    def __init__(
        self,
        selector: ModelSelector,
        streamer: CompletionStreamer,
        loader: ModelLoader,
        gate: AdmissionGate,
        clock: Callable[[], int] = time.perf_counter_ns,
        on_answered: OnAnswered | None = None,
    ) -> None:
        self._selector = selector
        self._streamer = streamer
        self._loader = loader
        self._gate = gate
        self._clock = clock
        self._on_answered = on_answered

    async def open_or_load(
        self, request: CompletionRequest, verb: Verb
    ) -> AsyncGenerator[list[AnswerEvent], None]:
        """The answer's events; with nothing to answer, the model is only loaded and the answer
        is that load's one event, as Ollama's handlers answer a request with no messages."""
        if request.messages:
            return await self.open(request, verb)
        completed = await self.load(request.model, verb, request.keep_alive_seconds)
        return _one_batch([completed])

    async def open(
        self, request: CompletionRequest, verb: Verb
    ) -> AsyncGenerator[list[AnswerEvent], None]:
        """Start the stream and wait for its first event, so early failures still raise here."""
        started = self._clock()
        record = await self._resolve(request.model, verb)
        request = with_defaults(request, record.defaults)
        if request.think and record.reasoning is False:
            request = _without_thinking(request)
        if request.suffix:
            # No LM Studio API takes a suffix, so fill-in-the-middle cannot be honoured.
            raise InvalidRequest(f'"{request.model}" does not support insert')
        async with self._loader.ready(record, request) as ready:
            upstream = self._streamer.stream(
                msgspec.structs.replace(request, model=ready.upstream_key)
            )
            events = self._shaped(upstream, request.think, started, record.key)
            try:
                first = await anext(events)
            except BaseException:
                await events.aclose()
                raise
        if request.keep_alive_seconds == 0:
            return _prepend(first, events, lambda: self._loader.unload_soon(request.model))
        return _prepend(first, events)

    async def load(self, model: str, verb: Verb, keep_alive_seconds: float | None) -> Completed:
        """Load (or, with keep_alive 0, unload) a model without generating anything."""
        started = self._clock()
        record = await self._resolve(model, verb)
        if keep_alive_seconds == 0:
            await self._loader.unload(model)
            reason: Literal["load", "unload"] = "unload"
        else:
            await self._loader.load(record, keep_alive_seconds)
            reason = "load"
        elapsed = self._clock() - started
        return Completed(reason=reason, total_ns=elapsed, load_ns=elapsed)

    async def _resolve(self, model: str, verb: Verb) -> ModelRecord:
        record = await self._selector.resolve(model)
        if record.kind != "llm":
            raise InvalidRequest(f'"{model}" does not support {verb}')
        return record

    async def _shaped(
        self,
        upstream: AsyncGenerator[CompletionEvent, None],
        think: bool | None,
        started: int,
        model: str,
    ) -> AsyncGenerator[list[AnswerEvent], None]:
        shaping = Shaping(think, self._clock)
        async with self._gate.slot(), aclosing(upstream):
            sent = self._clock()
            async for event in upstream:
                shaped: list[AnswerEvent] = []
                if isinstance(event, Finish):
                    shaping.flush(shaped)
                    completed = self._completed(event, started, sent, shaping)
                    if self._on_answered is not None:
                        self._on_answered(model, completed)
                    shaped.append(completed)
                    yield shaped
                    return
                shaping.add(event, shaped)
                if shaped:
                    yield shaped
        raise UpstreamError("LM Studio ended the stream before finishing the answer")

    def _completed(self, finish: Finish, started: int, sent: int, shaping: Shaping) -> Completed:
        ended = self._clock()
        first_token = shaping.first_token or ended
        return Completed(
            reason=finish.reason or "stop",  # Ollama's every final answer says why it ended
            prompt_tokens=finish.usage.prompt_tokens,
            completion_tokens=finish.usage.completion_tokens or shaping.pieces or None,
            total_ns=ended - started,
            load_ns=sent - started,
            prompt_eval_ns=first_token - sent,
            eval_ns=ended - first_token,
        )


def _without_thinking(request: CompletionRequest) -> CompletionRequest:
    if not request.relax_thinking:
        raise InvalidRequest(f'"{request.model}" does not support thinking')
    log.warning("model.thinking_relaxed: %s does not support thinking", request.model)
    return msgspec.structs.replace(request, think=None, think_level=None)


async def collect(batches: AsyncGenerator[list[AnswerEvent], None]) -> Answer:
    """Gather a stream into one answer: text joined, tool calls in order, the final counts."""
    content: list[str] = []
    thinking: list[str] = []
    calls: list[ToolCall] = []
    logprobs: list[Logprob] = []
    async for batch in batches:
        for event in batch:
            if isinstance(event, Completed):
                return Answer(
                    content="".join(content),
                    thinking="".join(thinking),
                    tool_calls=tuple(calls),
                    completed=event,
                    logprobs=tuple(logprobs),
                )
            if isinstance(event, TextRun):
                content += event.pieces
                continue
            content.append(event.content)
            thinking.append(event.thinking)
            calls.extend(event.tool_calls)
            logprobs.extend(event.logprobs)
    raise UpstreamError("LM Studio ended the stream before finishing the answer")


async def _prepend(
    first: list[AnswerEvent],
    rest: AsyncGenerator[list[AnswerEvent], None],
    when_done: Callable[[], None] | None = None,
) -> AsyncGenerator[list[AnswerEvent], None]:
    async with aclosing(rest):
        yield _noting(first, when_done)
        async for batch in rest:
            yield _noting(batch, when_done)


def _noting(batch: list[AnswerEvent], when_done: Callable[[], None] | None) -> list[AnswerEvent]:
    if when_done is not None and isinstance(batch[-1], Completed):
        when_done()
    return batch


async def _one_batch(batch: list[AnswerEvent]) -> AsyncGenerator[list[AnswerEvent], None]:
    yield batch
