"""The body of /v1/responses, as Ollama's `/v1` layer reads it (responses.go `ResponsesRequest`).

`input` is read by hand (input_items.py) so that its failures carry Ollama's words. Fields Ollama
reads none of are declared too, as `Any`, only so that one sent can be named in a log line.
"""

from __future__ import annotations

from typing import Any

import msgspec


class ReasoningIn(msgspec.Struct):
    effort: str | None = None
    summary: str | None = None
    generate_summary: str | None = None


class TextFormatIn(msgspec.Struct):
    type: str = ""
    name: str = ""
    schema: Any = None  # echoed back as sent, its keys in their order
    strict: bool | None = None


class TextIn(msgspec.Struct):
    format: TextFormatIn | None = None


class ToolIn(msgspec.Struct, kw_only=True):
    type: str = ""
    name: str = ""
    description: str | None = None
    strict: bool | None = None
    parameters: dict[str, Any] | None = None
    tools: list[ToolIn] | None = None  # a namespace's member functions


class ResponsesIn(msgspec.Struct, kw_only=True):
    model: str | None = None
    input: Any = None
    instructions: str | None = None
    max_output_tokens: int | None = None
    reasoning: ReasoningIn | None = None
    temperature: float | None = None
    top_p: float | None = None
    text: TextIn | None = None
    truncation: str | None = None
    tools: list[ToolIn] | None = None
    stream: bool | None = None
    background: bool | None = None
    conversation: Any = None
    include: Any = None
    tool_choice: Any = None
    previous_response_id: Any = None
    store: Any = None
    parallel_tool_calls: Any = None
    metadata: Any = None
    user: Any = None
    prompt_cache_key: Any = None
    safety_identifier: Any = None
    service_tier: Any = None
    top_logprobs: Any = None
    max_tool_calls: Any = None
    stream_options: Any = None
    prompt: Any = None


# Sent, read by neither Ollama nor shim; `previous_response_id` too: Ollama keeps no state.
IGNORED = (
    "background",
    "conversation",
    "include",
    "tool_choice",
    "previous_response_id",
    "store",
    "parallel_tool_calls",
    "metadata",
    "user",
    "prompt_cache_key",
    "safety_identifier",
    "service_tier",
    "top_logprobs",
    "max_tool_calls",
    "stream_options",
    "prompt",
)
