"""Domain answer events as /v1/chat/completions answers, as Ollama's `/v1` layer makes them from
its own chat answers (openai.go `ToChatCompletion`, `ToStreamChunks`, `FinishChunk`, `ToUsage`;
middleware/openai.go `ChatWriter`)."""

from __future__ import annotations

from shim.api.go_json import encode_json, go_escaped, go_json
from shim.api.logprob_wire import logprobs_out
from shim.api.openai.answer_wire import (
    UNSET,
    ChatChunk,
    ChatCompletion,
    Choice,
    ChoiceLogprobs,
    ChunkChoice,
    DeltaOut,
    FunctionOut,
    MessageOut,
    OptionalLogprobs,
    ToolCallOut,
    UsageOut,
)
from shim.domain.completion import (
    Answer,
    AnswerEvent,
    Completed,
    Delta,
    Logprob,
    TextRun,
    ToolCall,
)

DONE = b"data: [DONE]\n\n"
EVENT_END = b"\n\n"
ROLE = "assistant"


def tool_calls_out(calls: tuple[ToolCall, ...]) -> list[ToolCallOut]:
    """Arguments as Go's json.Marshal writes the object: compact, keys in order, HTML-safe."""
    return [
        ToolCallOut(
            id=call.id,
            index=call.index,
            type="function",
            function=FunctionOut(name=call.name, arguments=go_json(call.arguments).decode()),
        )
        for call in calls
    ]


def choice_logprobs(logprobs: tuple[Logprob, ...]) -> OptionalLogprobs:
    """`{"content": [...]}` when the backend gave any, else left out (`ChoiceLogprobs`)."""
    content = logprobs_out(logprobs)
    return UNSET if content is UNSET else ChoiceLogprobs(content=content)


def usage_out(completed: Completed) -> UsageOut:
    prompt = completed.prompt_tokens or 0
    completion = completed.completion_tokens or 0
    return UsageOut(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def chat_completion(model: str, answer_id: str, created: int, answer: Answer) -> ChatCompletion:
    """The whole answer; a stop after tool calls is reported as `tool_calls`."""
    calls = tool_calls_out(answer.tool_calls)
    reason = answer.completed.reason
    message = MessageOut(
        role=ROLE, content=answer.content, reasoning=answer.thinking, tool_calls=calls
    )
    return ChatCompletion(
        id=answer_id,
        created=created,
        model=model,
        choices=[
            Choice(
                index=0,
                message=message,
                finish_reason=_finish(reason, bool(calls)),
                logprobs=choice_logprobs(answer.logprobs),
            )
        ],
        usage=usage_out(answer.completed),
    )


def _finish(reason: str | None, called: bool) -> str | None:
    return "tool_calls" if reason == "stop" and called else reason


class ChatStream:
    """One streamed answer's SSE events: one created time for them all, the role on the first
    chunk only, and a finish chunk of its own at the end.

    Text pieces (nearly every event) are written from a byte template; the rest from Structs.
    The template's output is byte for byte what the Struct would give.
    """

    def __init__(self, model: str, answer_id: str, created: int, include_usage: bool) -> None:
        self._frame = ChatChunk(id=answer_id, created=created, model=model, choices=[])
        self._include_usage = include_usage
        head = b"data: " + go_json(self._frame).removesuffix(b"[]}")
        self._text_head = head + b'[{"index":0,"delta":{"content":'
        self._first_text_head = head + b'[{"index":0,"delta":{"role":"assistant","content":'
        self._role_pending = True
        self._called = False

    def events(self, batch: list[AnswerEvent]) -> bytes:
        """The events of one batch, written together."""
        parts: list[bytes] = []
        for event in batch:
            if isinstance(event, TextRun):
                parts.extend(self._text(piece) for piece in event.pieces)
            elif isinstance(event, Completed):
                parts.append(self._ending(event))
            else:
                parts.extend(self._delta(event))
        return go_escaped(b"".join(parts))

    def _text(self, piece: str) -> bytes:
        head = self._first_text_head if self._role_pending else self._text_head
        self._role_pending = False
        return head + encode_json(piece) + b'},"finish_reason":null}]}' + EVENT_END

    def _delta(self, delta: Delta) -> list[bytes]:
        """Thinking that comes with text or calls goes first, in a chunk of its own, which
        carries all the piece's log probabilities, as Ollama's `ToStreamChunks` splits them."""
        calls = tool_calls_out(delta.tool_calls)
        self._called = self._called or bool(calls)
        logprobs = choice_logprobs(delta.logprobs)
        if delta.thinking and (delta.content or calls):
            return [
                self._chunk(DeltaOut(reasoning=delta.thinking), logprobs=logprobs),
                self._chunk(DeltaOut(content=delta.content, tool_calls=calls)),
            ]
        whole = DeltaOut(content=delta.content, reasoning=delta.thinking, tool_calls=calls)
        return [self._chunk(whole, logprobs=logprobs)]

    def _ending(self, completed: Completed) -> bytes:
        """A wholly empty answer still opens with its role; then the finish, the usage when
        asked for, and [DONE]."""
        parts = [self._chunk(DeltaOut(content=""))] if self._role_pending else []
        reason = _finish(completed.reason or "stop", self._called)
        parts.append(self._chunk(DeltaOut(), reason))
        if self._include_usage:
            usage = ChatChunk(
                id=self._frame.id,
                created=self._frame.created,
                model=self._frame.model,
                choices=[],
                usage=usage_out(completed),
            )
            parts.append(_event(usage))
        parts.append(DONE)
        return b"".join(parts)

    def _chunk(
        self,
        delta: DeltaOut,
        finish_reason: str | None = None,
        logprobs: OptionalLogprobs = UNSET,
    ) -> bytes:
        if self._role_pending:
            delta.role = ROLE
            self._role_pending = False
        choice = ChunkChoice(index=0, delta=delta, finish_reason=finish_reason, logprobs=logprobs)
        frame = self._frame
        chunk = ChatChunk(id=frame.id, created=frame.created, model=frame.model, choices=[choice])
        return _event(chunk)


def _event(chunk: ChatChunk) -> bytes:
    return b"data: " + encode_json(chunk) + EVENT_END
