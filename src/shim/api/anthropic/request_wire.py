"""The body of /v1/messages, as Ollama's Anthropic layer reads it (anthropic.go `MessagesRequest`,
`MessageParam`, `ContentBlock`, `Tool`).

Go reads `null` as the zero value, so every field may be null. Fields Ollama reads none of are
declared too, as `Any`, only so that one sent can be named in a log line.
"""

from __future__ import annotations

from typing import Any

import msgspec


class ImageSourceIn(msgspec.Struct):
    type: str | None = None
    media_type: str | None = None
    data: str | None = None
    url: str | None = None


class BlockIn(msgspec.Struct, kw_only=True):
    """A content block of any type; each type reads its own fields."""

    type: str | None = None
    text: str | None = None
    source: ImageSourceIn | None = None
    id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None
    tool_use_id: str | None = None
    content: Any = None  # a tool result's: a string, or text and image blocks
    is_error: bool | None = None
    thinking: str | None = None
    signature: str | None = None
    cache_control: Any = None
    citations: Any = None


class MessageIn(msgspec.Struct):
    role: str | None = None
    content: str | list[BlockIn] | None = None


class ToolIn(msgspec.Struct, kw_only=True):
    type: str | None = None
    name: str | None = None
    description: str | None = None
    input_schema: Any = None
    cache_control: Any = None


class ThinkingIn(msgspec.Struct):
    type: str | None = None
    budget_tokens: int | None = None


class OutputConfigIn(msgspec.Struct):
    effort: str | None = None


class MessagesIn(msgspec.Struct, kw_only=True):
    model: str | None = None
    max_tokens: int | None = None
    messages: list[MessageIn] | None = None
    system: Any = None  # a string, or text blocks
    stream: bool | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    stop_sequences: list[str] | None = None
    tools: list[ToolIn] | None = None
    thinking: ThinkingIn | None = None
    output_config: OutputConfigIn | None = None
    tool_choice: Any = None
    metadata: Any = None
    service_tier: Any = None
    container: Any = None
    mcp_servers: Any = None
    context_management: Any = None


IGNORED = (
    "tool_choice",
    "metadata",
    "service_tier",
    "container",
    "mcp_servers",
    "context_management",
)
