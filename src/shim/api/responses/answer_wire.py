"""The whole answer of /v1/responses, field for field and in the order of Ollama's Go structs
(responses.go `ResponsesResponse`, `ResponsesOutputItem`, `ResponsesUsage`); what Go leaves out
when empty is left out here too. Streamed events are Go maps, written with sorted keys instead
(stream_answer.py)."""

from __future__ import annotations

from typing import Any

import msgspec

UNSET = msgspec.UNSET


class ToolEcho(msgspec.Struct, kw_only=True):
    type: str
    name: str
    description: str | None
    strict: bool | None
    parameters: msgspec.Raw | None  # a Go map: its keys sorted
    tools: list[ToolEcho] | msgspec.UnsetType = UNSET


class TextFormatEcho(msgspec.Struct, kw_only=True):
    type: str
    name: str | msgspec.UnsetType = UNSET
    schema: msgspec.Raw | msgspec.UnsetType = UNSET  # as sent, compacted
    strict: bool | msgspec.UnsetType = UNSET


class TextEcho(msgspec.Struct):
    format: TextFormatEcho


class ReasoningEcho(msgspec.Struct, kw_only=True):
    effort: str | msgspec.UnsetType = UNSET
    summary: str | msgspec.UnsetType = UNSET


class OutputText(msgspec.Struct):
    type: str
    text: str
    annotations: list[Any]
    logprobs: list[Any]


class SummaryText(msgspec.Struct):
    type: str
    text: str


class OutputItem(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    type: str
    status: str = ""
    role: str = ""
    content: list[OutputText] = []
    call_id: str = ""
    name: str = ""
    arguments: str = ""
    summary: list[SummaryText] = []
    encrypted_content: str = ""


class InputTokensDetails(msgspec.Struct, frozen=True):
    cached_tokens: int = 0


class OutputTokensDetails(msgspec.Struct, frozen=True):
    reasoning_tokens: int = 0


class UsageOut(msgspec.Struct):
    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_tokens_details: InputTokensDetails = InputTokensDetails()
    output_tokens_details: OutputTokensDetails = OutputTokensDetails()


class ResponseOut(msgspec.Struct, kw_only=True):
    id: str
    object: str = "response"
    created_at: int
    completed_at: int | None
    status: str = "completed"
    incomplete_details: None = None
    model: str
    previous_response_id: None = None  # Ollama keeps no responses to continue from
    instructions: str | None
    output: list[OutputItem]
    error: None = None
    tools: list[ToolEcho]
    tool_choice: str = "auto"
    truncation: str
    parallel_tool_calls: bool = True
    text: TextEcho
    top_p: float | int
    presence_penalty: int = 0
    frequency_penalty: int = 0
    top_logprobs: int = 0
    temperature: float | int
    reasoning: ReasoningEcho | None
    usage: UsageOut
    max_output_tokens: int | None
    max_tool_calls: None = None
    store: bool = False  # nothing is stored
    background: bool
    service_tier: str = "default"
    metadata: dict[str, Any] = {}
    safety_identifier: None = None
    prompt_cache_key: None = None
