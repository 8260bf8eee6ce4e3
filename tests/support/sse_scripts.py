"""Scripted SSE streams shaped like LM Studio's, and the non-streaming replies they add up to.

A script is a list of complete frames (bytes), each sent as one SSE event.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Iterator
from typing import Any, Literal

import msgspec

DEFAULT_MODEL = "qwen3.6-35b-a3b-mtp"
DONE = b"data: [DONE]\n\n"
Usage = tuple[int, int] | None


def content_script(
    pieces: list[str],
    *,
    finish: str = "stop",
    usage: Usage = (12, 4),
    model: str = DEFAULT_MODEL,
) -> list[bytes]:
    return _chat_script([{"content": piece} for piece in pieces], finish, usage, model)


def reasoning_script(
    thinking: list[str],
    answer: list[str],
    *,
    form: Literal["reasoning_content", "reasoning", "inline"],
    usage: Usage = (12, 4),
    model: str = DEFAULT_MODEL,
) -> list[bytes]:
    if form == "inline":
        # Tags split mid-token, so a parser must buffer across deltas to find them.
        pieces = ["<thi", "nk>", *thinking, "</thi", "nk>", *answer]
        deltas = [{"content": piece} for piece in pieces]
    else:
        deltas = [{form: piece} for piece in thinking] + [{"content": piece} for piece in answer]
    return _chat_script(deltas, "stop", usage, model)


def tool_call_script(
    calls: list[tuple[str, str, str]],
    *,
    fragment: int = 5,
    finish: str = "tool_calls",
    usage: Usage = (12, 4),
    model: str = DEFAULT_MODEL,
) -> list[bytes]:
    deltas: list[dict[str, Any]] = []
    for index, (call_id, name, arguments) in enumerate(calls):
        function = {"name": name, "arguments": ""}
        opening = {"index": index, "id": call_id, "type": "function", "function": function}
        deltas.append({"tool_calls": [opening]})
        for start in range(0, len(arguments), fragment):
            piece = {"index": index, "function": {"arguments": arguments[start : start + fragment]}}
            deltas.append({"tool_calls": [piece]})
    return _chat_script(deltas, finish, usage, model)


def completion_script(
    pieces: list[str],
    *,
    finish: str = "stop",
    usage: Usage = (12, 4),
    model: str = DEFAULT_MODEL,
) -> list[bytes]:
    envelope: dict[str, Any] = {
        "id": _new_id("cmpl-"),
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
    }
    chunks = [{**envelope, "choices": [_choice(text=piece)]} for piece in pieces]
    chunks.append({**envelope, "choices": [_choice(text="", finish_reason=finish)]})
    return _finish_script(chunks, envelope, usage)


def error_event(message: str) -> bytes:
    """The named error event LM Studio 0.4.21 sends after it has already answered 200."""
    payload = msgspec.json.encode({"error": {"message": message}, "message": message})
    return b"event: error\ndata: " + payload + b"\n\n"


def data_error(message: str) -> bytes:
    return frame({"error": {"message": message, "type": "internal_error"}})


def frame(payload: Any) -> bytes:
    return b"data: " + msgspec.json.encode(payload) + b"\n\n"


def script_payloads(script: list[bytes]) -> list[dict[str, Any]]:
    """The JSON objects carried by a script's data lines, without [DONE] or undecodable text."""
    payloads = []
    for raw in script:
        for line in raw.splitlines():
            if not line.startswith(b"data:") or line[5:].strip() == b"[DONE]":
                continue
            try:
                payloads.append(msgspec.json.decode(line[5:]))
            except msgspec.DecodeError:
                continue
    return [payload for payload in payloads if isinstance(payload, dict)]


def script_error(script: list[bytes]) -> Any:
    """The `error` value of the first payload carrying one, if any."""
    return next((p["error"] for p in script_payloads(script) if "error" in p), None)


def assemble_chat(script: list[bytes]) -> dict[str, Any]:
    """The non-streaming chat.completion LM Studio would give for the same generation."""
    payloads = script_payloads(script)
    texts: dict[str, list[str]] = {}
    calls: dict[int, dict[str, Any]] = {}
    finish = None
    for choice in _choices(payloads):
        delta = choice.get("delta") or {}
        for field in ("content", "reasoning_content", "reasoning"):
            if isinstance(delta.get(field), str):
                texts.setdefault(field, []).append(delta[field])
        for fragment in delta.get("tool_calls") or []:
            _merge_call(calls, fragment)
        finish = choice.get("finish_reason") or finish
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    message |= {field: "".join(pieces) for field, pieces in texts.items()}
    message["tool_calls"] = [calls[index] for index in sorted(calls)]
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    reply = _envelope(payloads, "chat.completion", choice)
    return {**reply, "stats": {}, "system_fingerprint": reply["model"]}


def assemble_completion(script: list[bytes]) -> dict[str, Any]:
    payloads = script_payloads(script)
    choices = list(_choices(payloads))
    text = "".join(choice.get("text") or "" for choice in choices)
    finish = next((c["finish_reason"] for c in choices if c.get("finish_reason")), None)
    choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish}
    return _envelope(payloads, "text_completion", choice)


def _choices(payloads: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for payload in payloads:
        yield from payload.get("choices") or []


def _merge_call(calls: dict[int, dict[str, Any]], fragment: dict[str, Any]) -> None:
    blank = {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
    call = calls.setdefault(fragment.get("index", 0), blank)
    function = fragment.get("function") or {}
    call["id"] = fragment.get("id") or call["id"]
    call["function"]["name"] = function.get("name") or call["function"]["name"]
    call["function"]["arguments"] += function.get("arguments") or ""


def _envelope(payloads: list[dict[str, Any]], kind: str, choice: dict[str, Any]) -> dict[str, Any]:
    first = payloads[0] if payloads else {}
    reply = {"id": first.get("id"), "object": kind, "created": first.get("created")}
    reply |= {"model": first.get("model"), "choices": [choice]}
    usage = next((payload["usage"] for payload in payloads if payload.get("usage")), None)
    return reply | ({"usage": usage} if usage else {})


def _chat_script(
    deltas: list[dict[str, Any]], finish: str, usage: Usage, model: str
) -> list[bytes]:
    envelope: dict[str, Any] = {
        "id": _new_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": model,
    }
    first, *rest = deltas or [{}]
    deltas = [{"role": "assistant", **first}, *rest]
    chunks = [{**envelope, "choices": [_choice(delta=delta)]} for delta in deltas]
    chunks.append({**envelope, "choices": [_choice(delta={}, finish_reason=finish)]})
    return _finish_script(chunks, envelope, usage)


def _finish_script(
    chunks: list[dict[str, Any]], envelope: dict[str, Any], usage: Usage
) -> list[bytes]:
    if usage is not None:
        prompt, completion = usage
        totals = {"prompt_tokens": prompt, "completion_tokens": completion}
        chunks.append({**envelope, "choices": [], "usage": {**totals, "total_tokens": sum(usage)}})
    return [frame(chunk) for chunk in chunks] + [DONE]


def _choice(finish_reason: str | None = None, **body: Any) -> dict[str, Any]:
    return {"index": 0, **body, "logprobs": None, "finish_reason": finish_reason}


def _new_id(prefix: str) -> str:
    return prefix + "".join(random.choices(string.ascii_lowercase + string.digits, k=22))
