"""Ollama chat messages as domain messages, with every tool result tied to the call it answers."""

from __future__ import annotations

from shim.api.ollama.images import image_from_base64
from shim.api.ollama.inference_wire import MessageIn, ToolCallIn
from shim.domain.completion import ChatMessage, Role, ToolCall
from shim.domain.errors import InvalidRequest

ROLES: dict[str, Role] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
}


def messages_to_domain(messages: list[MessageIn]) -> tuple[ChatMessage, ...]:
    """Tool results without a `tool_call_id` answer the earliest open call of their tool's name."""
    converted: list[ChatMessage] = []
    open_calls: list[ToolCall] = []
    for position, message in enumerate(messages):
        role = ROLES.get(message.role.lower())
        if role is None:
            raise InvalidRequest(f"invalid message role: {message.role!r}")
        calls = _calls(position, message.tool_calls or [])
        if calls:
            open_calls = list(calls)
        converted.append(
            ChatMessage(
                role=role,
                content=message.content or "",
                images=tuple(image_from_base64(image) for image in message.images or ()),
                tool_calls=calls,
                tool_call_id=_answered_call(message, open_calls) if role == "tool" else None,
                tool_name=message.tool_name,
            )
        )
    return tuple(converted)


def _calls(position: int, calls: list[ToolCallIn]) -> tuple[ToolCall, ...]:
    # Ollama clients may omit ids; stable made-up ones let tool results refer to them.
    return tuple(
        ToolCall(
            id=call.id or f"call_{position}_{index}",
            name=call.function.name,
            arguments=call.function.arguments or {},
            index=index,
        )
        for index, call in enumerate(calls)
    )


def _answered_call(message: MessageIn, open_calls: list[ToolCall]) -> str | None:
    # Empty strings count as absent: LM Studio rejects an empty tool_call_id.
    wanted = message.tool_call_id or None
    name = message.tool_name or None
    for call in open_calls:
        if call.id == wanted or (wanted is None and name in (None, call.name)):
            open_calls.remove(call)
            return call.id
    return wanted
