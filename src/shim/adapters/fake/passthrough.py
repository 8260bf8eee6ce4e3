"""OpenAI-style answers made from the fake streamer's events, so /v1 works in fake mode too."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Any

import msgspec

from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.domain.completion import (
    ChatMessage,
    CompletionEvent,
    CompletionRequest,
    Delta,
    Finish,
    TextRun,
)
from shim.domain.errors import Unsupported
from shim.domain.ports import OpenAIPassthrough, RelayHead

ANSWERED = {"/v1/chat/completions": "chat.completion", "/v1/completions": "text_completion"}


class FakeRequest(msgspec.Struct):
    model: str = ""
    stream: bool = False
    messages: list[dict[str, Any]] = []


_requests = msgspec.json.Decoder(FakeRequest)


class FakePassthrough(OpenAIPassthrough):
    def __init__(self, streamer: FakeCompletionStreamer) -> None:
        self._streamer = streamer

    async def relay(self, path: str, body: bytes) -> AsyncGenerator[RelayHead | bytes, None]:
        kind = ANSWERED.get(path)
        if kind is None:
            raise Unsupported(f"the fake backend does not offer {path}")
        asked = _requests.decode(body)
        prompt = str(asked.messages[-1].get("content", "")) if asked.messages else ""
        request = CompletionRequest(
            model=asked.model, messages=(ChatMessage(role="user", content=prompt),)
        )
        # Whole before the head, so a refusal raises before any reply begins, as upstream's does.
        events = [event async for event in self._streamer.stream(request)]
        text, reason = "", "stop"
        answer = Answer(kind, asked.model)
        if asked.stream:
            yield RelayHead(200, "text/event-stream")
        for event in events:
            piece = _text_of(event)
            if isinstance(event, Finish):
                reason = event.reason or "stop"
            elif asked.stream and piece:
                yield answer.event(piece, None)
            text += piece
        if asked.stream:
            yield answer.event("", reason) + b"data: [DONE]\n\n"
            return
        yield RelayHead(200, "application/json")
        yield msgspec.json.encode(answer.whole(text, reason))


class Answer:
    def __init__(self, kind: str, model: str) -> None:
        self.kind, self.model = kind, model
        self.id, self.created = f"fake-{time.time_ns()}", int(time.time())

    def event(self, text: str, reason: str | None) -> bytes:
        chunk = self._frame(self.kind + ".chunk" if self.kind == "chat.completion" else self.kind)
        chunk["choices"] = [{"index": 0, **self._content(text, "delta"), "finish_reason": reason}]
        return b"data: " + msgspec.json.encode(chunk) + b"\n\n"

    def whole(self, text: str, reason: str) -> dict[str, Any]:
        answer = self._frame(self.kind)
        answer["choices"] = [
            {"index": 0, **self._content(text, "message"), "finish_reason": reason}
        ]
        return answer

    def _frame(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def _content(self, text: str, field: str) -> dict[str, Any]:
        if self.kind == "text_completion":
            return {"text": text}
        return {field: {"role": "assistant", "content": text}}


def _text_of(event: CompletionEvent) -> str:
    if isinstance(event, TextRun):
        return "".join(event.pieces)
    return event.content if isinstance(event, Delta) else ""
