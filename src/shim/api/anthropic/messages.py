"""The system prompt and messages of /v1/messages as domain messages, read as Ollama's Anthropic
layer reads them (anthropic.go `FromMessagesRequest`, `convertMessage`,
`convertToolResultContent`).

A message's text blocks are joined with nothing between them, as in Ollama; its tool results
become tool messages of their own, before the rest of a user's message and after an assistant's.
"""

from __future__ import annotations

from typing import Any

from shim.api.anthropic.images import image_from_source
from shim.api.anthropic.request_wire import BlockIn, ImageSourceIn, MessageIn
from shim.api.anthropic.web_search import search_result_message, server_tool_call
from shim.domain.completion import ChatMessage, Image, Role, ToolCall
from shim.domain.errors import InvalidRequest

ROLES: dict[str, Role] = {"user": "user", "assistant": "assistant", "system": "system"}


Unread = set[str]
"""What a client sent in its messages that neither Ollama nor shim reads, named for the log."""


def system_message(system: Any) -> tuple[ChatMessage, ...]:
    """A string, or the texts of its text blocks; any other value is ignored, as in Ollama."""
    if isinstance(system, str):
        text = system
    elif isinstance(system, list):
        text = "".join(
            block["text"]
            for block in system
            if isinstance(block, dict)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        )
    else:
        text = ""
    return (ChatMessage(role="system", content=text),) if text else ()


def messages_to_domain(messages: list[MessageIn], unread: Unread) -> tuple[ChatMessage, ...]:
    return tuple(out for message in messages for out in _converted(message, unread))


def _converted(message: MessageIn, unread: Unread) -> list[ChatMessage]:
    role = ROLES.get((message.role or "").lower())
    if role is None:
        raise InvalidRequest(f"invalid message role: {message.role!r}")
    content = message.content
    blocks = [BlockIn(type="text", text=content)] if isinstance(content, str) else content or []
    gathered = _Gathered()
    for block in blocks:
        if block.cache_control is not None:
            unread.add("cache_control")
        if not gathered.add(block):
            unread.add(f"content block {block.type!r}")
    own = gathered.message(role)
    return gathered.results + own if role == "user" else own + gathered.results


class _Gathered:
    """One message's blocks, sorted by what they become."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.images: list[Image] = []
        self.calls: list[ToolCall] = []
        self.results: list[ChatMessage] = []
        self.thinking = ""

    def add(self, block: BlockIn) -> bool:
        """Whether the block is of a type Ollama reads."""
        if block.type == "text":
            self.texts.append(block.text or "")
        elif block.type == "image":
            self.images.append(image_from_source(block.source))
        elif block.type == "tool_use":
            self.calls.append(_tool_call(block, len(self.calls)))
        elif block.type == "tool_result":
            self.results.append(_tool_result(block))
        elif block.type == "thinking":
            self.thinking = self.thinking if block.thinking is None else block.thinking
        elif block.type == "server_tool_use":
            self.calls.append(server_tool_call(block, len(self.calls)))
        elif block.type == "web_search_tool_result":
            self.results.append(search_result_message(block))
        else:
            return False
        return True

    def message(self, role: Role) -> list[ChatMessage]:
        """The message itself, unless it has nothing of its own (its tool results aside)."""
        text = "".join(self.texts)
        if not (text or self.images or self.calls or self.thinking):
            return []
        return [
            ChatMessage(
                role=role,
                content=text,
                thinking=self.thinking,
                images=tuple(self.images),
                tool_calls=tuple(self.calls),
            )
        ]


def _tool_call(block: BlockIn, index: int) -> ToolCall:
    if not block.id:
        raise InvalidRequest("tool_use block missing required 'id' field")
    if not block.name:
        raise InvalidRequest("tool_use block missing required 'name' field")
    return ToolCall(id=block.id, name=block.name, arguments=block.input or {}, index=index)


def _tool_result(block: BlockIn) -> ChatMessage:
    """A string, or the texts and images of its blocks; other contents are empty."""
    content = block.content
    text = content if isinstance(content, str) else ""
    images: list[Image] = []
    if isinstance(content, list):
        parts = [part for part in content if isinstance(part, dict)]
        text = "".join(
            p["text"] for p in parts if p.get("type") == "text" and isinstance(p.get("text"), str)
        )
        images = [_result_image(p.get("source")) for p in parts if p.get("type") == "image"]
    return ChatMessage(
        role="tool", content=text, images=tuple(images), tool_call_id=block.tool_use_id or None
    )


def _result_image(source: Any) -> Image:
    if not isinstance(source, dict):
        raise InvalidRequest("invalid tool_result image source")
    fields = {key: value for key, value in source.items() if isinstance(value, str)}
    return image_from_source(
        ImageSourceIn(
            type=fields.get("type"), media_type=fields.get("media_type"), data=fields.get("data")
        )
    )
