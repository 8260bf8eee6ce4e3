"""Domain answer events as Ollama's NDJSON chunks, for /api/chat and /api/generate."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import msgspec

from shim.api.go_json import encode_json, go_escaped, go_json
from shim.api.logprob_wire import logprobs_out
from shim.api.ollama.go_format import utc_now
from shim.api.ollama.inference_wire import (
    UNSET,
    ChatChunk,
    FunctionCallOut,
    GenerateChunk,
    MessageOut,
    ToolCallOut,
)
from shim.domain.completion import (
    Answer,
    AnswerEvent,
    Completed,
    Delta,
    TextRun,
    ToolCall,
)


def metrics(completed: Completed) -> dict[str, Any]:
    """Ollama leaves zero-valued metrics out; load and unload answers carry none."""
    if completed.reason in ("load", "unload"):
        return {"done_reason": completed.reason}
    values = {
        "done_reason": completed.reason,
        "total_duration": completed.total_ns,
        "load_duration": completed.load_ns,
        "prompt_eval_count": completed.prompt_tokens,
        "prompt_eval_duration": completed.prompt_eval_ns,
        "eval_count": completed.completion_tokens,
        "eval_duration": completed.eval_ns,
    }
    return {name: value if value else UNSET for name, value in values.items()}


def tool_calls_out(calls: tuple[ToolCall, ...]) -> list[ToolCallOut] | msgspec.UnsetType:
    if not calls:
        return UNSET
    return [
        ToolCallOut(
            id=c.id, function=FunctionCallOut(index=c.index, name=c.name, arguments=c.arguments)
        )
        for c in calls
    ]


def one_call_each(delta: Delta) -> list[Delta]:
    """Ollama streams each tool call in a chunk of its own; the text goes with the first."""
    first, *rest = delta.tool_calls
    return [
        msgspec.structs.replace(delta, tool_calls=(first,)),
        *(Delta(tool_calls=(call,)) for call in rest),
    ]


class LineEncoder(ABC):
    """A model's NDJSON lines: text deltas (nearly every line) from a byte template, the rest
    from Structs; the template's output is byte for byte what the Struct would give."""

    OPENING: bytes
    CLOSING: bytes

    def __init__(self, model: str) -> None:
        self._model = model
        self._head = b'{"model":' + go_json(model) + b',"created_at":"'

    def lines(self, batch: list[AnswerEvent]) -> bytes:
        """One line per event, written together; events that came together share a time.

        Go's escapes are applied once to the whole batch: its bytes are all JSON, and the
        characters escaped only ever occur inside strings.
        """
        prefix = self._head + utc_now().encode() + self.OPENING
        parts: list[bytes] = []
        for event in batch:
            if isinstance(event, TextRun):
                for piece in event.pieces:
                    parts += (prefix, encode_json(piece), self.CLOSING)
                continue
            if isinstance(event, Completed):
                parts += (encode_json(self.chunk(event)), b"\n")
                continue
            if event.tool_calls:
                for one in one_call_each(event):
                    parts += (encode_json(self.chunk(one)), b"\n")
                continue
            if event.logprobs:
                parts += (encode_json(self.chunk(event)), b"\n")
                continue
            parts += (prefix, encode_json(event.content))
            if event.thinking:
                parts += (b',"thinking":', encode_json(event.thinking))
            parts.append(self.CLOSING)
        return go_escaped(b"".join(parts))

    @abstractmethod
    def chunk(self, event: Delta | Completed) -> ChatChunk | GenerateChunk:
        """The event as the dialect's Struct."""


class ChatEncoder(LineEncoder):
    OPENING = b'","message":{"role":"assistant","content":'
    CLOSING = b'},"done":false}\n'

    def chunk(self, event: Delta | Completed) -> ChatChunk:
        if isinstance(event, Completed):
            return ChatChunk(
                model=self._model,
                created_at=utc_now(),
                message=MessageOut(),
                done=True,
                **metrics(event),
            )
        return ChatChunk(
            model=self._model,
            created_at=utc_now(),
            message=MessageOut(
                content=event.content,
                thinking=event.thinking or UNSET,
                tool_calls=tool_calls_out(event.tool_calls),
            ),
            done=False,
            logprobs=logprobs_out(event.logprobs),
        )

    def whole(self, answer: Answer) -> bytes:
        message = MessageOut(
            content=answer.content,
            thinking=answer.thinking or UNSET,
            tool_calls=tool_calls_out(answer.tool_calls),
        )
        chunk = ChatChunk(
            model=self._model,
            created_at=utc_now(),
            message=message,
            done=True,
            logprobs=logprobs_out(answer.logprobs),
            **metrics(answer.completed),
        )
        return go_json(chunk)


class GenerateEncoder(LineEncoder):
    """Ollama's final answer carries the conversation's token ids as `context` unless raw; LM
    Studio shows shim no token ids, so that array is honestly empty (shim never reads one back)."""

    OPENING = b'","response":'
    CLOSING = b',"done":false}\n'

    def __init__(self, model: str, *, raw: bool = False) -> None:
        super().__init__(model)
        self._context: list[int] | msgspec.UnsetType = UNSET if raw else []

    def chunk(self, event: Delta | Completed) -> GenerateChunk:
        if isinstance(event, Completed):
            return GenerateChunk(
                model=self._model,
                created_at=utc_now(),
                response="",
                done=True,
                context=UNSET if event.reason in ("load", "unload") else self._context,
                **metrics(event),
            )
        return GenerateChunk(
            model=self._model,
            created_at=utc_now(),
            response=event.content,
            thinking=event.thinking or UNSET,
            done=False,
            logprobs=logprobs_out(event.logprobs),
        )

    def whole(self, answer: Answer) -> bytes:
        chunk = GenerateChunk(
            model=self._model,
            created_at=utc_now(),
            response=answer.content,
            thinking=answer.thinking or UNSET,
            done=True,
            context=self._context,
            logprobs=logprobs_out(answer.logprobs),
            **metrics(answer.completed),
        )
        return go_json(chunk)
