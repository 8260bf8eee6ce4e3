"""Web-search blocks in a conversation's history, read as Ollama reads them (anthropic.go
`convertMessage`, `formatWebSearchToolResultContent`): a search the server ran is a tool call,
its results a tool message listing each page as `- <title>: <url>`.

shim runs no searches itself (a `web_search` tool is refused), but a conversation begun
elsewhere may carry them."""

from __future__ import annotations

from typing import Any

import msgspec

from shim.api.anthropic.request_wire import BlockIn
from shim.api.go_json import go_escaped
from shim.domain.completion import ChatMessage, ToolCall

RESULT = "web_search_result"
FAILURE = "web_search_tool_result_error"


def server_tool_call(block: BlockIn, index: int) -> ToolCall:
    return ToolCall(
        id=block.id or "", name=block.name or "", arguments=block.input or {}, index=index
    )


def search_result_message(block: BlockIn) -> ChatMessage:
    return ChatMessage(
        role="tool", content=_search_text(block.content), tool_call_id=block.tool_use_id or None
    )


def _search_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return _results_text([item for item in content if isinstance(item, dict)])
    if isinstance(content, dict) and content.get("type") == FAILURE:
        return _failure_text(content)
    # As Go's json.Marshal writes any other value: a map's keys sorted.
    return go_escaped(msgspec.json.encode(content, order="sorted")).decode()


def _results_text(items: list[dict[str, Any]]) -> str:
    """One line per page; a failure among them is the whole answer."""
    lines: list[str] = []
    for item in items:
        if item.get("type") == FAILURE:
            return _failure_text(item)
        if item.get("type") == RESULT:
            lines.append(f"- {_text(item.get('title'))}: {_text(item.get('url'))}\n")
    return "".join(lines)


def _failure_text(failure: dict[str, Any]) -> str:
    code = _text(failure.get("error_code"))
    return f"{FAILURE}: {code}" if code else FAILURE


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
