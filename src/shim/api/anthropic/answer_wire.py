"""The answers of /v1/messages, field for field and in the order Ollama's Go structs give them
(anthropic.go `MessagesResponse`, `ContentBlock`, the stream's event structs); what Go leaves
out when empty is left out here too."""

from __future__ import annotations

from typing import Any

import msgspec

UNSET = msgspec.UNSET
OptionalText = str | msgspec.UnsetType


class TextBlock(msgspec.Struct):
    type: str
    text: str


class ThinkingBlock(msgspec.Struct):
    type: str
    thinking: str


class ToolUseBlock(msgspec.Struct):
    type: str
    id: str
    name: str
    input: dict[str, Any]


Block = TextBlock | ThinkingBlock | ToolUseBlock


class UsageOut(msgspec.Struct):
    input_tokens: int
    output_tokens: int


class MessageOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    type: str
    role: str
    model: str
    content: list[Block] | None  # Go's nil slice: `null` when the answer is empty
    stop_reason: OptionalText = UNSET
    stop_sequence: OptionalText = UNSET
    usage: UsageOut


class MessageStart(msgspec.Struct):
    type: str
    message: MessageOut


class BlockStart(msgspec.Struct):
    type: str
    index: int
    content_block: Block


class TextDelta(msgspec.Struct):
    type: str
    text: str


class ThinkingDelta(msgspec.Struct):
    type: str
    thinking: str


class JsonDelta(msgspec.Struct):
    type: str
    partial_json: str


class BlockDelta(msgspec.Struct):
    type: str
    index: int
    delta: TextDelta | ThinkingDelta | JsonDelta


class BlockStop(msgspec.Struct):
    type: str
    index: int


class StopOut(msgspec.Struct, omit_defaults=True):
    stop_reason: OptionalText = UNSET
    stop_sequence: OptionalText = UNSET


class MessageDelta(msgspec.Struct):
    type: str
    delta: StopOut
    usage: UsageOut


class MessageStop(msgspec.Struct):
    type: str


class ErrorDetail(msgspec.Struct):
    type: str
    message: str


class ErrorEnvelope(msgspec.Struct, omit_defaults=True):
    type: str
    error: ErrorDetail
    request_id: OptionalText = UNSET


class StreamError(msgspec.Struct):
    type: str
    error: ErrorDetail
