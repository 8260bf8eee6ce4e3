"""/v1/messages requests as domain completion requests, checked in the order Ollama checks them
(middleware/anthropic.go `AnthropicMessagesMiddleware`, then anthropic.go `FromMessagesRequest`)."""

from __future__ import annotations

from typing import Any

from shim.api.anthropic.messages import Unread, messages_to_domain, system_message
from shim.api.anthropic.request_wire import IGNORED, MessagesIn, ToolIn
from shim.domain.completion import CompletionRequest, Sampling, ThinkLevel, Tool
from shim.domain.errors import InvalidRequest, Unsupported

# Ollama's levels for `output_config.effort`; LM Studio's highest is "high".
EFFORTS: dict[str, ThinkLevel] = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "high",
    "max": "high",
}
GO_TYPES = {str: "string", bool: "bool", int: "number", float: "number", list: "array"}
WEB_SEARCH = "web_search"


def messages_request_to_domain(request: MessagesIn) -> tuple[CompletionRequest, list[str]]:
    """The domain request, and the names of what was sent that nobody reads, for the log."""
    if not request.model:
        raise InvalidRequest("model is required")
    if request.max_tokens is None or request.max_tokens <= 0:
        raise InvalidRequest("max_tokens is required and must be positive")
    if not request.messages:
        raise InvalidRequest("messages is required")
    unread: Unread = set()
    messages = system_message(request.system) + messages_to_domain(request.messages, unread)
    tools = tuple(_tool(tool, unread) for tool in request.tools or ())
    think, level = _think_setting(request)
    domain = CompletionRequest(
        model=request.model,
        messages=messages,
        tools=tools,
        sampling=Sampling(
            temperature=request.temperature,
            top_p=request.top_p,
            top_k=request.top_k,
            max_tokens=request.max_tokens,
            stop=tuple(request.stop_sequences or ()),
        ),
        think=think,
        think_level=level,
        relax_thinking=True,  # as Ollama's Anthropic layer: Claude Code asks every model to think
    )
    sent = [name for name in IGNORED if getattr(request, name) is not None]
    if request.thinking is not None and request.thinking.budget_tokens is not None:
        sent.append("thinking.budget_tokens")
    return domain, sent + sorted(unread)


def _tool(tool: ToolIn, unread: Unread) -> Tool:
    """A custom tool as a function; the input schema must be an object (or absent)."""
    if (tool.type or "").startswith(WEB_SEARCH):
        # Ollama runs this search on ollama.com; shim has no search to run it on.
        raise Unsupported(f"{tool.type} tools are not supported: shim has no web search")
    if tool.cache_control is not None:
        unread.add("cache_control")
    schema = tool.input_schema
    if schema is not None and not isinstance(schema, dict):
        raise InvalidRequest(
            f'invalid input_schema for tool "{tool.name or ""}": json: cannot unmarshal '
            f"{_go_type(schema)} into Go value of type api.ToolFunctionParameters"
        )
    return Tool(name=tool.name or "", description=tool.description or "", parameters=schema or {})


def _go_type(value: Any) -> str:
    return GO_TYPES.get(type(value), "object")


def _think_setting(request: MessagesIn) -> tuple[bool | None, ThinkLevel | None]:
    """`thinking` wins; else an effort Ollama knows asks for thinking at that level."""
    kind = request.thinking.type if request.thinking is not None else None
    if kind == "enabled":
        return True, None
    if kind == "disabled":
        return False, None
    effort = (request.output_config.effort or "") if request.output_config else ""
    level = EFFORTS.get(effort.strip().lower())
    return (True, level) if level else (None, None)
