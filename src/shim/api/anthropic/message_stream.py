"""Domain answer events as /v1/messages SSE events, in the sequence Ollama's Anthropic layer
writes them (anthropic.go `StreamConverter.Process`; middleware/anthropic.go `writeSSE`).

One block is open at a time: thinking, then text, each opened on its first piece and closed when
another kind begins; each tool call is a block of its own, its arguments in one
`input_json_delta`. Ollama never sends `ping`, and neither does shim.
"""

from __future__ import annotations

from shim.api.anthropic.answer_wire import (
    Block,
    BlockDelta,
    BlockStart,
    BlockStop,
    JsonDelta,
    MessageDelta,
    MessageOut,
    MessageStart,
    MessageStop,
    StopOut,
    TextBlock,
    ThinkingBlock,
    ThinkingDelta,
    ToolUseBlock,
    UsageOut,
)
from shim.api.anthropic.message_answer import stop_reason, usage_out
from shim.api.go_json import encode_json, go_escaped, go_json
from shim.domain.completion import AnswerEvent, Completed, Delta, TextRun, ToolCall

UNSET_REASON = StopOut()


class MessageStream:
    """One streamed answer's events. Text pieces (nearly every event) are written from a byte
    template, which gives byte for byte what the Structs would."""

    def __init__(self, message_id: str, model: str, estimated_input_tokens: int) -> None:
        self._id = message_id
        self._model = model
        self._estimate = estimated_input_tokens
        self._started = False
        self._index = 0
        self._thinking_started = False
        self._thinking_done = False
        self._text_started = False
        self._text_head = b""
        self._calls_sent: set[str] = set()

    def events(self, batch: list[AnswerEvent]) -> bytes:
        """The events of one batch, written together."""
        parts: list[bytes] = []
        for event in batch:
            if not self._started:
                parts.append(self._message_start(event))
            if isinstance(event, TextRun):
                parts.extend(self._text(piece) for piece in event.pieces if piece)
            elif isinstance(event, Completed):
                parts.extend(self._ending(event))
            else:
                parts.extend(self._delta(event))
        return go_escaped(b"".join(parts))

    def _message_start(self, event: AnswerEvent) -> bytes:
        """The model's own count once it has one; until then, the estimate."""
        self._started = True
        counted = event.prompt_tokens if isinstance(event, Completed) else None
        message = MessageOut(
            id=self._id,
            type="message",
            role="assistant",
            model=self._model,
            content=[],
            usage=UsageOut(counted or self._estimate, 0),
        )
        return _event("message_start", MessageStart("message_start", message))

    def _delta(self, delta: Delta) -> list[bytes]:
        parts: list[bytes] = []
        if delta.thinking and not self._thinking_done:
            parts += self._thinking(delta.thinking)
        if delta.content:
            parts.append(self._text(delta.content))
        for call in delta.tool_calls:
            if call.id not in self._calls_sent:
                parts += self._tool_use(call)
        return parts

    def _thinking(self, thinking: str) -> list[bytes]:
        parts = self._stop_text()
        if not self._thinking_started:
            self._thinking_started = True
            parts.append(self._start(ThinkingBlock(type="thinking", thinking="")))
        delta = BlockDelta(
            "content_block_delta", self._index, ThinkingDelta("thinking_delta", thinking)
        )
        parts.append(_event("content_block_delta", delta))
        return parts

    def _text(self, piece: str) -> bytes:
        """Nearly every piece finds its block open (a thinking block is never open then)."""
        piece_event = encode_json(piece) + b"}}\n\n"
        if self._text_started:
            return self._text_head + piece_event
        opening = b"".join(self._stop_thinking())
        self._text_started = True
        opening += self._start(TextBlock(type="text", text=""))
        self._text_head = (
            b'event: content_block_delta\ndata: {"type":"content_block_delta","index":'
            + str(self._index).encode()
            + b',"delta":{"type":"text_delta","text":'
        )
        return opening + self._text_head + piece_event

    def _tool_use(self, call: ToolCall) -> list[bytes]:
        parts = self._stop_thinking() + self._stop_text()
        parts.append(
            self._start(ToolUseBlock(type="tool_use", id=call.id, name=call.name, input={}))
        )
        arguments = JsonDelta("input_json_delta", go_json(call.arguments).decode())
        parts.append(
            _event("content_block_delta", BlockDelta("content_block_delta", self._index, arguments))
        )
        parts.append(self._stop())
        self._calls_sent.add(call.id)
        self._index += 1
        return parts

    def _ending(self, completed: Completed) -> list[bytes]:
        """The open block closed, then the stop reason and the counts, then the end."""
        parts: list[bytes] = []
        if self._text_started or (self._thinking_started and not self._thinking_done):
            parts.append(self._stop())
        reason = stop_reason(completed.reason, bool(self._calls_sent))
        stop = StopOut(stop_reason=reason) if reason else UNSET_REASON
        parts.append(
            _event("message_delta", MessageDelta("message_delta", stop, usage_out(completed)))
        )
        parts.append(_event("message_stop", MessageStop("message_stop")))
        return parts

    def _stop_thinking(self) -> list[bytes]:
        if not self._thinking_started or self._thinking_done:
            return []
        self._thinking_done = True
        stopped = self._stop()
        self._index += 1
        return [stopped]

    def _stop_text(self) -> list[bytes]:
        if not self._text_started:
            return []
        self._text_started = False
        stopped = self._stop()
        self._index += 1
        return [stopped]

    def _start(self, block: Block) -> bytes:
        return _event("content_block_start", BlockStart("content_block_start", self._index, block))

    def _stop(self) -> bytes:
        return _event("content_block_stop", BlockStop("content_block_stop", self._index))


def _event(name: str, data: object) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + encode_json(data) + b"\n\n"
