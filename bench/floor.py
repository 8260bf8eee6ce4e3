"""The floor: the least an Ollama-to-LM-Studio bridge costs on uvicorn + httpx + msgspec.

`python bench/floor.py PORT UPSTREAM_URL`. Serves `POST /api/chat` (streamed NDJSON or one JSON
answer, always streaming from upstream as shim does) and relays `POST /v1/chat/completions` as
bytes. One pooled httpx client, no framework, no logging, no validation beyond decoding; at
most 64 requests upstream at once (shim's default), the rest wait.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec

from bench.bare_server import run_bare


class Message(msgspec.Struct):
    role: str = "assistant"
    content: str = ""


class ChatIn(msgspec.Struct):
    model: str
    messages: list[Message]
    stream: bool = True
    options: dict[str, Any] = {}


class Choice(msgspec.Struct):
    delta: dict[str, Any] = {}
    finish_reason: str | None = None


class Usage(msgspec.Struct):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Chunk(msgspec.Struct):
    choices: list[Choice] = []
    usage: Usage | None = None


class Line(msgspec.Struct, omit_defaults=True):
    model: str
    created_at: str
    message: Message
    done: bool
    done_reason: str = ""
    total_duration: int = 0
    prompt_eval_count: int = 0
    eval_count: int = 0
    eval_duration: int = 0


_chat_in, _chunk = msgspec.json.Decoder(ChatIn), msgspec.json.Decoder(Chunk)
_encode = msgspec.json.Encoder().encode
CHAT = "/v1/chat/completions"
UP = {"content-type": "application/json"}
NDJSON = [(b"content-type", b"application/x-ndjson")]
JSON = [(b"content-type", b"application/json; charset=utf-8")]
# 8 idle connections kept: httpcore 1.0.9 polls every idle connection's socket each time it
# assigns a request, so with 64 kept (shim's setting) a 200-stream fan-out cost 270-1,150 ms,
# bimodal, against 250-300 ms with 8 (and 230 with 4, 315 with 16) on the bench's machine.
limits = httpx.Limits(max_connections=None, max_keepalive_connections=8)
client = httpx.AsyncClient(base_url=sys.argv[2], timeout=600, limits=limits)
# At most 64 upstream requests at once, as shim's default; the rest wait here, not in httpx's
# pool, whose bookkeeping is O(connections) per request.
gate = asyncio.Semaphore(64)


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


async def chat(body: bytes, send: Any) -> None:
    ask, started = _chat_in.decode(body), time.perf_counter_ns()
    upstream = {"model": ask.model, "messages": ask.messages, "stream": True}
    upstream["stream_options"] = {"include_usage": True}
    if "num_predict" in ask.options:
        upstream["max_tokens"] = ask.options["num_predict"]
    pieces: list[str] = []
    reason, usage, tail = "stop", Usage(), b""
    async with client.stream("POST", CHAT, content=_encode(upstream), headers=UP) as reply:
        if ask.stream:
            await send({"type": "http.response.start", "status": 200, "headers": NDJSON})
        async for raw in reply.aiter_raw():
            *frames, tail = (tail + raw).split(b"\n\n")  # SSE events may span reads
            lines, at = [], now()
            for frame in frames:
                if not frame.startswith(b"data: ") or frame == b"data: [DONE]":
                    continue
                chunk = _chunk.decode(frame[6:])
                usage = chunk.usage or usage
                for choice in chunk.choices[:1]:
                    reason = choice.finish_reason or reason
                    if text := choice.delta.get("content"):
                        if ask.stream:
                            lines.append(_encode(Line(ask.model, at, Message(content=text), False)))
                        else:
                            pieces.append(text)
            if lines:
                lines.append(b"")
                await send(
                    {"type": "http.response.body", "body": b"\n".join(lines), "more_body": True}
                )
    total = time.perf_counter_ns() - started
    done = Line(ask.model, now(), Message(content="".join(pieces)), True, done_reason=reason)
    done.total_duration = done.eval_duration = total
    done.prompt_eval_count, done.eval_count = usage.prompt_tokens, usage.completion_tokens
    if ask.stream:
        await send({"type": "http.response.body", "body": _encode(done) + b"\n"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": JSON})
    await send({"type": "http.response.body", "body": _encode(done)})


async def relay(body: bytes, send: Any) -> None:
    async with client.stream("POST", CHAT, content=body, headers=UP) as reply:
        headers = [(b"content-type", reply.headers.get("content-type", "").encode())]
        start = {"type": "http.response.start", "status": reply.status_code, "headers": headers}
        await send(start)
        async for raw in reply.aiter_raw():
            await send({"type": "http.response.body", "body": raw, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body, more = body + message.get("body", b""), message.get("more_body", False)
    handler = {"/api/chat": chat, CHAT: relay}.get(scope["path"])
    if handler is None:
        await send({"type": "http.response.start", "status": 404, "headers": JSON})
        await send({"type": "http.response.body", "body": b'{"error":"not found"}'})
        return
    async with gate:
        await handler(body, send)


if __name__ == "__main__":
    run_bare(app)
