"""Pure mapping from a domain completion request to LM Studio's OpenAI-style request bodies."""

from __future__ import annotations

import math
import re
from typing import Any

import msgspec

from shim.domain.completion import ChatMessage, CompletionRequest, JsonOutput, Sampling, Tool

GENERIC_JSON_SCHEMA: dict[str, Any] = {"type": "object"}
SAMPLING_FIELDS = tuple(f.name for f in msgspec.structs.fields(Sampling) if f.name != "stop")


def chat_payload(request: CompletionRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [message_payload(message) for message in request.messages],
    }
    if request.tools:
        body["tools"] = [tool_payload(tool) for tool in request.tools]
    if request.json_output is not None:
        body["response_format"] = response_format(request.json_output)
    if request.think_level is not None:
        body["reasoning_effort"] = request.think_level
    if request.logprobs:
        body["logprobs"] = True
        if request.top_logprobs:
            body["top_logprobs"] = request.top_logprobs
    return _common(body, request)


def completion_payload(request: CompletionRequest) -> dict[str, Any]:
    return _common({"model": request.model, "prompt": request.raw_prompt or ""}, request)


def _common(body: dict[str, Any], request: CompletionRequest) -> dict[str, Any]:
    body["stream"] = True
    body["stream_options"] = {"include_usage": True}
    body.update(sampling_payload(request.sampling))
    ttl = ttl_seconds(request.keep_alive_seconds)
    if ttl is not None:
        body["ttl"] = ttl
    return body


def sampling_payload(sampling: Sampling) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: value for name in SAMPLING_FIELDS if (value := getattr(sampling, name)) is not None
    }
    if sampling.stop:
        fields["stop"] = list(sampling.stop)
    return fields


def ttl_seconds(keep_alive_seconds: float | None) -> int | None:
    """LM Studio's idle TTL: whole seconds; none for 'forever' (negative) or unset."""
    if keep_alive_seconds is None or keep_alive_seconds <= 0:
        return None
    return max(1, math.ceil(keep_alive_seconds))


def message_payload(message: ChatMessage) -> dict[str, Any]:
    body: dict[str, Any] = {"role": message.role, "content": _content(message)}
    if message.tool_calls:
        body["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": msgspec.json.encode(call.arguments).decode(),
                },
            }
            for call in message.tool_calls
        ]
    if message.tool_call_id is not None:
        body["tool_call_id"] = message.tool_call_id
    if message.role == "tool" and message.tool_name:
        body["name"] = message.tool_name
    return body


def _content(message: ChatMessage) -> str | list[dict[str, Any]]:
    if not message.images:
        return message.content
    parts: list[dict[str, Any]] = (
        [{"type": "text", "text": message.content}] if message.content else []
    )
    parts.extend(
        {"type": "image_url", "image_url": {"url": f"data:{image.mime_type};base64,{image.base64}"}}
        for image in message.images
    )
    return parts


def tool_payload(tool: Tool) -> dict[str, Any]:
    function: dict[str, Any] = {
        "name": tool.name,
        "parameters": tool.parameters or {"type": "object"},
    }
    if tool.description:
        function["description"] = tool.description
    return {"type": "function", "function": function}


def response_format(output: JsonOutput) -> dict[str, Any]:
    """LM Studio takes only json_schema (it rejects json_object): bare JSON gets a generic one."""
    schema = output.schema if output.schema is not None else GENERIC_JSON_SCHEMA
    title = "json" if output.schema is None else str(schema.get("title") or "schema")
    name = re.sub(r"[^A-Za-z0-9_-]", "_", title)[:64]
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}
