"""Chunks of LM Studio's OpenAI-style SSE streams; every field optional, unknown keys ignored."""

from __future__ import annotations

from typing import Any

import msgspec


class FunctionFragment(msgspec.Struct):
    name: str | None = None
    arguments: str | None = None


class ToolCallFragment(msgspec.Struct):
    index: int | None = None
    id: str | None = None
    function: FunctionFragment | None = None


class StreamDelta(msgspec.Struct):
    content: str | None = None
    reasoning_content: str | None = None
    reasoning: str | None = None
    tool_calls: list[ToolCallFragment] | None = None


class TokenLogprobWire(msgspec.Struct):
    token: str = ""
    logprob: float = 0.0
    bytes: list[int] | None = None
    top_logprobs: list[TokenLogprobWire] | None = None


class ChoiceLogprobs(msgspec.Struct):
    """OpenAI's chat shape; the legacy completions shape (`tokens`, `token_logprobs`) has no
    `content` and so reads as none."""

    content: list[TokenLogprobWire] | None = None


class StreamChoice(msgspec.Struct):
    delta: StreamDelta | None = None
    text: str | None = None
    finish_reason: str | None = None
    logprobs: ChoiceLogprobs | None = None


class StreamUsage(msgspec.Struct):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class StreamChunk(msgspec.Struct):
    choices: list[StreamChoice] = msgspec.field(default_factory=list)
    usage: StreamUsage | None = None
    error: Any = None
