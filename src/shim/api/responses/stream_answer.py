"""Domain answer events as /v1/responses' SSE events, as Ollama's converter makes them from its
chat chunks (responses.go `ResponsesStreamConverter`: `Process`, `processThinking`,
`processToolCalls`, `processTextContent`, `processCompletion`, `buildResponseObject`).

Each event is `event: <type>` and a `data:` line of a Go map, so its keys come sorted, with a
`sequence_number` counted from 0. Text after a function call is dropped, as Ollama drops it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from shim.api.go_json import encode_json, go_escaped
from shim.api.responses.echo import Echo, sorted_json
from shim.api.responses.stream_items import (
    call_item,
    failed_response,
    message_item,
    output_text,
    reasoning_item,
    usage_map,
)
from shim.domain.completion import AnswerEvent, Completed, Delta, TextRun, ToolCall

ID_NUMBERS = 999999  # Ollama's item ids: rs_N and fc_N_i, N from 0 to 999998
DELTA_HEAD = b'event: response.output_text.delta\ndata: {"content_index":0,"delta":'
DELTA_TAIL = b',"type":"response.output_text.delta"}\n\n'


def _random_number() -> int:
    return random.randrange(ID_NUMBERS)


class ResponsesStream:
    def __init__(
        self,
        echo: Echo,
        response_id: str,
        item_id: str,
        clock: Callable[[], float] = time.time,
        number: Callable[[], int] = _random_number,
    ) -> None:
        self._echo = echo
        self._response_id = response_id
        self._item_id = item_id
        self._clock = clock
        self._number = number
        self._opened = False
        self._sequence = 0
        self._output_index = 0
        self._done_items: list[dict[str, Any]] = []
        self._text: list[str] = []
        self._text_started = False
        self._calls_sent = False
        self._thinking: list[str] = []
        self._reasoning_id = ""
        self._delta_middle = b""

    def events(self, batch: list[AnswerEvent]) -> bytes:
        """The events of one batch, written together."""
        parts: list[bytes] = []
        for event in batch:
            if isinstance(event, TextRun):
                for piece in event.pieces:
                    if not self._text_flowing():
                        parts += self._chunk(Delta(content=piece))
                    elif piece:  # an empty piece is no event, as in Ollama
                        parts.append(self._more_text(piece))
            elif isinstance(event, Completed):
                parts += self._chunk(Delta(), event)
            else:
                parts += self._chunk(event)
        return go_escaped(b"".join(parts))

    def failed(self, message: str) -> bytes:
        """A failure after the first byte: the opening events if none went yet, then
        `response.failed`, in the shape Ollama fails a stream with (middleware/openai.go
        `writeWebSearchError`)."""
        parts = self._opening()
        response = failed_response(self._response_id, self._echo.model, message)
        parts.append(self._event("response.failed", {"response": response}))
        return go_escaped(b"".join(parts))

    def _chunk(self, delta: Delta, completed: Completed | None = None) -> list[bytes]:
        parts = self._opening()
        if delta.thinking:
            parts += self._thinking_piece(delta.thinking)
        if delta.tool_calls:
            parts += self._finish_reasoning()
            parts += self._calls(delta.tool_calls)
            self._calls_sent = True
        elif not self._calls_sent and delta.content:
            parts += self._text_piece(delta.content)
        if completed is not None:
            parts += self._completion(completed)
        return parts

    def _opening(self) -> list[bytes]:
        if self._opened:
            return []
        self._opened = True
        return [
            self._event("response.created", {"response": self._response("in_progress", [])}),
            self._event("response.in_progress", {"response": self._response("in_progress", [])}),
        ]

    def _thinking_piece(self, thinking: str) -> list[bytes]:
        parts: list[bytes] = []
        if not self._reasoning_id:
            self._reasoning_id = f"rs_{self._number()}"
            item = {"id": self._reasoning_id, "type": "reasoning", "summary": []}
            parts.append(self._added(item))
        self._thinking.append(thinking)
        piece = {**self._at(self._reasoning_id), "summary_index": 0, "delta": thinking}
        parts.append(self._event("response.reasoning_summary_text.delta", piece))
        return parts

    def _finish_reasoning(self) -> list[bytes]:
        if not self._reasoning_id:
            return []
        thinking = "".join(self._thinking)
        item = reasoning_item(self._reasoning_id, thinking)
        done = {**self._at(self._reasoning_id), "summary_index": 0, "text": thinking}
        parts = [self._event("response.reasoning_summary_text.done", done), self._item_done(item)]
        self._done_items.append(item)
        self._thinking = []
        self._reasoning_id = ""
        self._output_index += 1
        return parts

    def _calls(self, calls: tuple[ToolCall, ...]) -> list[bytes]:
        parts: list[bytes] = []
        for position, call in enumerate(calls):
            item_id = f"fc_{self._number()}_{position}"
            item = call_item(item_id, call)
            arguments = item["arguments"]
            index = self._output_index + position
            at = {"item_id": item_id, "output_index": index}
            parts += [
                self._added({**item, "status": "in_progress", "arguments": ""}, index),
                self._event("response.function_call_arguments.delta", {**at, "delta": arguments}),
                self._event(
                    "response.function_call_arguments.done", {**at, "arguments": arguments}
                ),
                self._item_done(item, index),
            ]
            self._done_items.append(item)
        self._output_index += len(calls)
        return parts

    def _text_piece(self, content: str) -> list[bytes]:
        parts = self._finish_reasoning()
        if not self._text_started:
            self._text_started = True
            item = message_item(self._item_id, "", "in_progress")
            part = {**self._at(self._item_id), "content_index": 0, "part": output_text("")}
            parts += [self._added(item), self._event("response.content_part.added", part)]
        # Made again each time: a reasoning item closed in between moves the output index on.
        self._delta_middle = (
            b',"item_id":'
            + encode_json(self._item_id)
            + b',"logprobs":[],"output_index":'
            + str(self._output_index).encode()
            + b',"sequence_number":'
        )
        self._text.append(content)
        piece = {**self._at(self._item_id), "content_index": 0, "delta": content, "logprobs": []}
        parts.append(self._event("response.output_text.delta", piece))
        return parts

    def _text_flowing(self) -> bool:
        """Text goes on where it left off: nothing to open or close before its delta."""
        return self._text_started and not self._reasoning_id and not self._calls_sent

    def _more_text(self, content: str) -> bytes:
        """A text delta written from a byte template (nearly every event is one), byte for
        byte what `_event` would write: the keys in Go's sorted order."""
        self._text.append(content)
        sequence = str(self._sequence).encode()
        self._sequence += 1
        return DELTA_HEAD + encode_json(content) + self._delta_middle + sequence + DELTA_TAIL

    def _completion(self, completed: Completed) -> list[bytes]:
        parts = self._finish_reasoning()
        text = "".join(self._text)
        if not self._calls_sent and self._text_started:
            at = {**self._at(self._item_id), "content_index": 0}
            parts += [
                self._event("response.output_text.done", {**at, "text": text, "logprobs": []}),
                self._event("response.content_part.done", {**at, "part": output_text(text)}),
                self._item_done(self._message(text)),
            ]
        output = self._done_items + ([self._message(text)] if self._text_started else [])
        usage = usage_map(completed)
        response = self._response("completed", output, usage)
        response["completed_at"] = int(self._clock())
        parts.append(self._event("response.completed", {"response": response}))
        return parts

    def _message(self, text: str) -> dict[str, Any]:
        return message_item(self._item_id, text, "completed")

    def _response(
        self, status: str, output: list[Any], usage: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = self._echo.response_map(self._response_id, int(self._clock()), status)
        return {**response, "output": output, "usage": usage}

    def _at(self, item_id: str) -> dict[str, Any]:
        return {"item_id": item_id, "output_index": self._output_index}

    def _added(self, item: dict[str, Any], index: int | None = None) -> bytes:
        at = self._output_index if index is None else index
        return self._event("response.output_item.added", {"output_index": at, "item": item})

    def _item_done(self, item: dict[str, Any], index: int | None = None) -> bytes:
        at = self._output_index if index is None else index
        return self._event("response.output_item.done", {"output_index": at, "item": item})

    def _event(self, kind: str, data: dict[str, Any]) -> bytes:
        data["type"] = kind
        data["sequence_number"] = self._sequence
        self._sequence += 1
        return b"event: " + kind.encode() + b"\ndata: " + sorted_json(data) + b"\n\n"
