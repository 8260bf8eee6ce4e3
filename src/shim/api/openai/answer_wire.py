"""The answers of /v1/chat/completions and /v1/completions, field for field and in the order
Ollama's Go structs give them (openai.go `ChatCompletion`, `ChatCompletionChunk`, `Completion`,
`CompletionChunk`); what Go leaves out when empty is left out here too."""

from __future__ import annotations

import msgspec

from shim.api.logprob_wire import LogprobOut

UNSET = msgspec.UNSET
FINGERPRINT = "fp_ollama"


class FunctionOut(msgspec.Struct):
    name: str
    arguments: str  # a JSON object, as a string


class ToolCallOut(msgspec.Struct):
    id: str
    index: int
    type: str
    function: FunctionOut


class ChoiceLogprobs(msgspec.Struct):
    content: list[LogprobOut]


OptionalLogprobs = ChoiceLogprobs | msgspec.UnsetType


class UsageOut(msgspec.Struct):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class DeltaOut(msgspec.Struct, omit_defaults=True):
    """Every field omitted when empty, but content only when absent: `""` is sent."""

    role: str = ""
    content: str | msgspec.UnsetType = UNSET
    reasoning: str = ""
    tool_calls: list[ToolCallOut] = []


class ChunkChoice(msgspec.Struct):
    index: int
    delta: DeltaOut
    finish_reason: str | None
    logprobs: OptionalLogprobs = UNSET


class ChatChunk(msgspec.Struct, kw_only=True):
    id: str
    object: str = "chat.completion.chunk"
    created: int
    model: str
    system_fingerprint: str = FINGERPRINT
    choices: list[ChunkChoice]
    usage: UsageOut | msgspec.UnsetType = UNSET


class MessageOut(msgspec.Struct, omit_defaults=True):
    role: str
    content: str
    reasoning: str = ""
    tool_calls: list[ToolCallOut] = []


class Choice(msgspec.Struct):
    index: int
    message: MessageOut
    finish_reason: str | None
    logprobs: OptionalLogprobs = UNSET


class ChatCompletion(msgspec.Struct, kw_only=True):
    id: str
    object: str = "chat.completion"
    created: int
    model: str
    system_fingerprint: str = FINGERPRINT
    choices: list[Choice]
    usage: UsageOut


class TextChoice(msgspec.Struct):
    text: str
    index: int
    finish_reason: str | None
    logprobs: OptionalLogprobs = UNSET


class TextChunk(msgspec.Struct, kw_only=True):
    """Its choices come before its model, as in Ollama's struct."""

    id: str
    object: str = "text_completion"
    created: int
    choices: list[TextChoice]
    model: str
    system_fingerprint: str = FINGERPRINT
    usage: UsageOut | msgspec.UnsetType = UNSET


class TextCompletion(msgspec.Struct, kw_only=True):
    id: str
    object: str = "text_completion"
    created: int
    model: str
    system_fingerprint: str = FINGERPRINT
    choices: list[TextChoice]
    usage: UsageOut
