"""Ollama's /api/chat and /api/generate bodies; optional fields left out when unset, as Go does."""

from __future__ import annotations

from typing import Any

import msgspec

from shim.api.logprob_wire import Logprobs

UNSET = msgspec.UNSET
OptionalInt = int | msgspec.UnsetType
OptionalStr = str | msgspec.UnsetType


class FunctionCallIn(msgspec.Struct):
    name: str = ""
    arguments: dict[str, Any] | None = None


class ToolCallIn(msgspec.Struct):
    function: FunctionCallIn
    id: str | None = None


class MessageIn(msgspec.Struct):
    role: str
    content: str | None = None
    thinking: str | None = None
    images: list[str] | None = None
    tool_calls: list[ToolCallIn] | None = None
    tool_name: str | None = None
    tool_call_id: str | None = None


class ToolFunctionIn(msgspec.Struct):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolIn(msgspec.Struct):
    function: ToolFunctionIn
    type: str = "function"


class CommonIn(msgspec.Struct, kw_only=True):
    """Fields chat and generate share; those shim cannot honour are logged when sent."""

    model: str = ""
    format: Any = None
    options: dict[str, Any] | None = None
    stream: bool | None = None
    keep_alive: float | str | None = None
    think: bool | str | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    truncate: bool | None = None
    shift: bool | None = None


class ChatIn(CommonIn, kw_only=True):
    messages: list[MessageIn] | None = None
    tools: list[ToolIn] | None = None


class GenerateIn(CommonIn, kw_only=True):
    prompt: str | None = None
    suffix: str | None = None
    system: str | None = None
    template: str | None = None
    context: list[int] | None = None
    raw: bool = False
    images: list[str] | None = None


class FunctionCallOut(msgspec.Struct):
    index: int
    name: str
    arguments: dict[str, Any]


class ToolCallOut(msgspec.Struct):
    id: str
    function: FunctionCallOut


class MessageOut(msgspec.Struct):
    role: str = "assistant"
    content: str = ""
    thinking: OptionalStr = UNSET
    tool_calls: list[ToolCallOut] | msgspec.UnsetType = UNSET


class ChatChunk(msgspec.Struct, kw_only=True):
    model: str
    created_at: str
    message: MessageOut
    done: bool
    done_reason: OptionalStr = UNSET
    logprobs: Logprobs = UNSET
    total_duration: OptionalInt = UNSET
    load_duration: OptionalInt = UNSET
    prompt_eval_count: OptionalInt = UNSET
    prompt_eval_duration: OptionalInt = UNSET
    eval_count: OptionalInt = UNSET
    eval_duration: OptionalInt = UNSET


class GenerateChunk(msgspec.Struct, kw_only=True):
    model: str
    created_at: str
    response: str
    thinking: OptionalStr = UNSET
    done: bool
    done_reason: OptionalStr = UNSET
    context: list[int] | msgspec.UnsetType = UNSET
    total_duration: OptionalInt = UNSET
    load_duration: OptionalInt = UNSET
    prompt_eval_count: OptionalInt = UNSET
    prompt_eval_duration: OptionalInt = UNSET
    eval_count: OptionalInt = UNSET
    eval_duration: OptionalInt = UNSET
    logprobs: Logprobs = UNSET
