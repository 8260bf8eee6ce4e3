"""The bodies of /v1/chat/completions and /v1/completions, as Ollama's `/v1` layer reads them
(openai.go `ChatCompletionRequest`, `CompletionRequest`).

Go reads `null` as the zero value, so every field may be null. Fields Ollama reads none of are
declared too, as `Any`, only so that one sent can be named in a log line.
"""

from __future__ import annotations

from typing import Any

import msgspec


class FunctionCallIn(msgspec.Struct):
    name: str | None = None
    arguments: str | None = None  # a JSON object, as a string


class ToolCallIn(msgspec.Struct):
    function: FunctionCallIn | None = None
    id: str | None = None
    index: int | None = None
    type: str | None = None


class MessageIn(msgspec.Struct, kw_only=True):
    role: str | None = None
    content: Any = None  # a string, or a list of content parts
    reasoning: str | None = None
    tool_calls: list[ToolCallIn] | None = None
    name: str | None = None
    tool_call_id: str | None = None


class ToolFunctionIn(msgspec.Struct):
    name: str | None = None
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolIn(msgspec.Struct):
    function: ToolFunctionIn | None = None
    type: str | None = None


class StreamOptionsIn(msgspec.Struct):
    include_usage: bool | None = None


class JsonSchemaIn(msgspec.Struct):
    schema: Any = None


class ResponseFormatIn(msgspec.Struct):
    type: str | None = None
    json_schema: JsonSchemaIn | None = None


class ReasoningIn(msgspec.Struct):
    effort: str | None = None


class CommonIn(msgspec.Struct, kw_only=True):
    """What both routes read, and what OpenAI's clients send to both that Ollama reads not."""

    model: str | None = None
    stream: bool | None = None
    stream_options: StreamOptionsIn | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: Any = None
    temperature: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    top_p: float | None = None
    n: Any = None
    user: Any = None
    logit_bias: Any = None
    service_tier: Any = None


class ChatCompletionIn(CommonIn, kw_only=True):
    messages: list[MessageIn] | None = None
    response_format: ResponseFormatIn | None = None
    tools: list[ToolIn] | None = None
    reasoning: ReasoningIn | None = None
    reasoning_effort: str | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    tool_choice: Any = None
    parallel_tool_calls: Any = None
    max_completion_tokens: Any = None
    modalities: Any = None
    audio: Any = None
    prediction: Any = None
    web_search_options: Any = None
    verbosity: Any = None
    store: Any = None
    metadata: Any = None


class CompletionIn(CommonIn, kw_only=True):
    prompt: str | None = None
    suffix: str | None = None
    logprobs: int | None = None
    echo: Any = None
    best_of: Any = None


CHAT_IGNORED = (
    "n",
    "user",
    "logit_bias",
    "service_tier",
    "tool_choice",
    "parallel_tool_calls",
    "max_completion_tokens",
    "modalities",
    "audio",
    "prediction",
    "web_search_options",
    "verbosity",
    "store",
    "metadata",
)
COMPLETION_IGNORED = ("n", "user", "logit_bias", "service_tier", "echo", "best_of")
