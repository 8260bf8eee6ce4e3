"""A fast LM Studio stand-in: a bare ASGI app with pre-encoded replies, sent in batches.

`python bench/standin.py PORT`. Streams N = `max_tokens` (else a top-level `num_predict`, else
2000) content chunks whose tokens are numbered `t0 `, `t1 `, ... so a client can check order,
then a finish chunk, a usage chunk and `data: [DONE]`. Frames go out BATCH at a time, like an
engine at well over 10k tok/s.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bench.bare_server import run_bare

MODEL = "bench/model"
DEFAULT_TOKENS = 2000
BATCH = 64
CREATED = 1_700_000_000

_encode = msgspec.json.encode


class ChatRequest(msgspec.Struct):
    stream: bool = False
    max_tokens: int | None = None
    # llama-swappo copies Ollama's options into its request untranslated, so `num_predict` arrives
    # as is. LM Studio would ignore it and run on; honouring it keeps every column's work the same.
    num_predict: int | None = None

    def tokens(self) -> int:
        return self.max_tokens or self.num_predict or DEFAULT_TOKENS


_requests = msgspec.json.Decoder(ChatRequest)

V1_MODELS = _encode(
    {
        "models": [
            {
                "type": "llm",
                "publisher": "bench",
                "key": MODEL,
                "display_name": "Bench Model",
                "architecture": "qwen3",
                "quantization": {"name": "Q4_K_M", "bits_per_weight": 4},
                "size_bytes": 4_000_000_000,
                "params_string": "8B",
                "loaded_instances": [{"id": MODEL, "config": {"context_length": 32768}}],
                "max_context_length": 131072,
                "format": "gguf",
                "capabilities": {"vision": False, "trained_for_tool_use": True},
            }
        ]
    }
)
OPENAI_MODELS = _encode(
    {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "bench"}]}
)
NOT_FOUND = _encode({"error": "Unexpected endpoint or method."})
ENVELOPE: dict[str, Any] = {
    "id": "chatcmpl-bench0000000000000000",
    "object": "chat.completion.chunk",
    "created": CREATED,
    "model": MODEL,
    "system_fingerprint": MODEL,
}
JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


def token(index: int) -> str:
    return f"t{index} "


def _frame(payload: dict[str, Any]) -> bytes:
    return b"data: " + _encode(payload) + b"\n\n"


def _content_frame(index: int) -> bytes:
    delta = (
        {"role": "assistant", "content": token(index)} if index == 0 else {"content": token(index)}
    )
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}
    return _frame({**ENVELOPE, "choices": [choice]})


FINISH = _frame(
    {**ENVELOPE, "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]}
)
DONE = b"data: [DONE]\n\n"
_frames: list[bytes] = [_content_frame(i) for i in range(DEFAULT_TOKENS)]
_streams: dict[int, list[bytes]] = {}  # token count -> the whole stream, in batches


def stream_batches(count: int) -> list[bytes]:
    cached = _streams.get(count)
    if cached is not None:
        return cached
    while len(_frames) < count:
        _frames.append(_content_frame(len(_frames)))
    usage = {"prompt_tokens": 12, "completion_tokens": count, "total_tokens": 12 + count}
    tail = [FINISH, _frame({**ENVELOPE, "choices": [], "usage": usage}), DONE]
    frames = _frames[:count] + tail
    batches = [b"".join(frames[i : i + BATCH]) for i in range(0, len(frames), BATCH)]
    if len(_streams) < 64:
        _streams[count] = batches
    return batches


def completion_body(count: int) -> bytes:
    message = {"role": "assistant", "content": "".join(token(i) for i in range(count))}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
    usage = {"prompt_tokens": 12, "completion_tokens": count, "total_tokens": 12 + count}
    reply = {**ENVELOPE, "object": "chat.completion", "choices": [choice], "usage": usage}
    return _encode(reply)


async def _body(receive: Any) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _json(send: Any, status: int, body: bytes) -> None:
    headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    method, path = scope["method"], scope["path"]
    body = await _body(receive)
    if method == "GET" and path == "/api/v1/models":
        await _json(send, 200, V1_MODELS)
    elif method == "GET" and path == "/v1/models":
        await _json(send, 200, OPENAI_MODELS)
    elif method == "POST" and path == "/v1/chat/completions":
        request = _requests.decode(body)
        if not request.stream:
            await _json(send, 200, completion_body(request.tokens()))
            return
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        for batch in stream_batches(request.tokens()):
            await send({"type": "http.response.body", "body": batch, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    else:
        await _json(send, 200, NOT_FOUND)  # LM Studio answers unknown routes with 200


def main() -> None:
    run_bare(app)


if __name__ == "__main__":
    main()
