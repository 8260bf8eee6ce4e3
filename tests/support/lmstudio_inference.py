"""The double's inference and load/unload routes: scripted SSE replies, JIT loading, instances."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.types import Receive, Send

from tests.support.sse_scripts import DONE, assemble_chat, assemble_completion, script_error

if TYPE_CHECKING:
    from tests.support.lmstudio_double import LMStudioDouble

Reply = tuple[int, Any]
Assembler = Callable[[list[bytes]], dict[str, Any]]

STREAM_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-powered-by", b"Express"),
]


@dataclass
class EventStream:
    """A reply to send as SSE frames instead of one JSON body."""

    frames: list[bytes]


async def chat_completions(double: LMStudioDouble, body: bytes) -> Reply:
    request = _decode(body)
    if request is None:
        return 400, {"error": "request body is not valid JSON"}
    double.chat_requests.append(request)
    if double.reject is None and "messages" not in request:
        return 400, {"error": "'messages' field is required"}
    return await _infer(double, request, double.chat_script, assemble_chat)


async def completions(double: LMStudioDouble, body: bytes) -> Reply:
    request = _decode(body)
    if request is None:
        return 400, {"error": "request body is not valid JSON"}
    double.completion_requests.append(request)
    return await _infer(double, request, double.completion_script, assemble_completion)


async def load_model(double: LMStudioDouble, body: bytes) -> Reply:
    request = _decode(body) or {}
    double.load_requests.append(request)
    key = request.get("model")
    model = next((model for model in double.models if model["key"] == key), None)
    if model is None:
        return 404, {"error": {"type": "model_not_found", "message": f'Model "{key}" not found'}}
    instances = model.setdefault("loaded_instances", [])
    taken = {instance["id"] for instance in instances}
    instance_id = next(name for name in _instance_ids(model["key"]) if name not in taken)
    context_length = request.get("context_length") or 4096
    instances.append({"id": instance_id, "config": {"context_length": context_length}})
    return 200, {
        "type": model["type"],
        "instance_id": instance_id,
        "load_time_seconds": 0.01,
        "status": "loaded",
    }


async def unload_model(double: LMStudioDouble, body: bytes) -> Reply:
    request = _decode(body) or {}
    double.unload_requests.append(request)
    instance_id = request.get("instance_id")
    for model in double.models:
        instances = model.get("loaded_instances") or []
        for instance in instances:
            if instance["id"] == instance_id:
                instances.remove(instance)
                return 200, {"instance_id": instance_id}
    message = f'No loaded model instance "{instance_id}"'
    return 404, {"error": {"type": "model_not_found", "message": message}}


async def _infer(
    double: LMStudioDouble, request: dict[str, Any], script: list[bytes], assemble: Assembler
) -> Reply:
    if double.reject is not None:
        status, payload = double.reject
        double.reject = None
        return status, payload
    refusal = await _use_model(double, request.get("model"))
    if refusal is not None:
        return refusal
    if request.get("stream"):
        return 200, EventStream(list(script))
    failure = script_error(script)
    if failure is not None:
        return 500, {"error": failure}
    return 200, assemble(script)


async def _use_model(double: LMStudioDouble, name: object) -> Reply | None:
    """Refuse the model as LM Studio does, or JIT-load it when it has no instance yet."""
    model = next((model for model in double.models if _answers_to(model, name)), None)
    if model is None:
        message = f'Invalid model identifier "{name}". Please specify a valid downloaded model.'
        return 400, _openai_error(message)
    if model["type"] == "embedding":
        return 404, _openai_error(f'Failed to load model "{name}". Error: Model is not a LLM.')
    instances = model.setdefault("loaded_instances", [])
    if not instances:
        await _jit_load(double, model, instances)
    return None


async def _jit_load(double: LMStudioDouble, model: dict[str, Any], instances: list[Any]) -> None:
    """LM Studio's race: requests arriving while a JIT load runs each load another instance."""
    double.jit_loads += 1
    await asyncio.sleep(double.jit_load_seconds)
    taken = {instance["id"] for instance in instances}
    key = model["key"]
    ident = next(i for i in (key, *(f"{key}:{n}" for n in range(2, 99))) if i not in taken)
    instances.append({"id": ident, "config": {"context_length": 4096}})


def _answers_to(model: dict[str, Any], name: object) -> bool:
    instances = model.get("loaded_instances") or []
    return name == model["key"] or any(instance["id"] == name for instance in instances)


def _openai_error(message: str) -> dict[str, Any]:
    kind = {"type": "invalid_request_error", "param": "model", "code": "model_not_found"}
    return {"error": {"message": message, **kind}}


def _instance_ids(key: str) -> Iterator[str]:
    yield key
    for number in itertools.count(2):
        yield f"{key}:{number}"


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        request = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    return request if isinstance(request, dict) else None


async def send_event_stream(
    double: LMStudioDouble, frames: list[bytes], receive: Receive, send: Send
) -> None:
    """Send frames as SSE, shaped by the double's knobs, stopping if the client goes away."""
    if double.truncate_after is not None:
        frames = [raw for raw in frames if raw != DONE][: double.truncate_after]
    await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
    gone = asyncio.Event()
    watcher = asyncio.create_task(_watch_disconnect(double, double.disconnected, receive, gone))
    try:
        for sent, raw in enumerate(frames):
            if sent == double.abort_after:
                raise ConnectionAbortedError("the double drops the connection mid-stream")
            if await _gone_after(gone, double.chunk_delay_seconds):
                return
            for piece in _pieces(raw, double.split_frames):
                await send({"type": "http.response.body", "body": piece, "more_body": True})
    finally:
        # Cancelled before the body ends: once it has, receive() reports a disconnect anyway.
        watcher.cancel()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _watch_disconnect(
    double: LMStudioDouble, flag: threading.Event, receive: Receive, gone: asyncio.Event
) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    gone.set()
    # A reset() since this stream began belongs to another test, which must not see this.
    if double.disconnected is flag:
        double.disconnected_at = time.monotonic()
        flag.set()


async def _gone_after(gone: asyncio.Event, delay: float) -> bool:
    if delay:
        with suppress(TimeoutError):
            await asyncio.wait_for(gone.wait(), delay)
    else:
        await asyncio.sleep(0)  # lets the disconnect watcher run between frames
    return gone.is_set()


def _pieces(raw: bytes, split: bool) -> Iterator[bytes]:
    if not split:
        yield raw
        return
    sizes = itertools.cycle((1, 3, 2))
    start = 0
    while start < len(raw):
        size = next(sizes)
        yield raw[start : start + size]
        start += size
