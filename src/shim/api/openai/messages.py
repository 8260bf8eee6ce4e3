"""OpenAI chat messages as domain messages, read as Ollama's `/v1` layer reads them (openai.go
`FromChatRequest`, `FromCompletionToolCall`, `nameFromToolCallID`).

One deviation: Ollama makes each content part a message of its own, since its messages hold one
text; LM Studio takes the parts of one message together, so they stay one message here, texts
joined by a line break and the images after them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from shim.api.openai.request_fields import go_type
from shim.api.openai.request_wire import MessageIn, ToolCallIn
from shim.api.openai_shared.image_urls import image_from_url
from shim.domain.completion import ChatMessage, Image, Role, ToolCall
from shim.domain.errors import InvalidRequest, Unsupported

# "developer" is OpenAI's newer name for the system role; Ollama's renderers read it as such.
ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
}
BAD_FORMAT = "invalid message format"


def messages_to_domain(messages: list[MessageIn]) -> tuple[ChatMessage, ...]:
    return tuple(_message(position, message, messages) for position, message in enumerate(messages))


def _message(position: int, message: MessageIn, messages: list[MessageIn]) -> ChatMessage:
    role = ROLES.get((message.role or "").lower())
    if role is None:
        raise InvalidRequest(f"invalid message role: {message.role!r}")
    content, images = _content(message)
    answered = role == "tool"
    return ChatMessage(
        role=role,
        content=content,
        thinking=message.reasoning or "",
        images=images,
        tool_calls=_tool_calls(position, message.tool_calls or []),
        tool_call_id=(message.tool_call_id or None) if answered else None,
        tool_name=_tool_name(message, messages) if answered else None,
    )


def _content(message: MessageIn) -> tuple[str, tuple[Image, ...]]:
    content = message.content
    if isinstance(content, str):
        return content, ()
    if isinstance(content, list):
        return _parts(content)
    # Only a message carrying tool calls may go without content ([] counts, as in Go).
    if message.tool_calls is None:
        raise InvalidRequest(f"invalid message content type: {go_type(content)}")
    return "", ()


def _parts(parts: list[Any]) -> tuple[str, tuple[Image, ...]]:
    texts: list[str] = []
    images: list[Image] = []
    for part in parts:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url":
            images.append(image_from_url(_image_url(part.get("image_url"))))
        elif kind == "input_audio":
            _refuse_audio(part.get("input_audio"))
        else:
            raise InvalidRequest(BAD_FORMAT)
    return "\n".join(texts), tuple(images)


def _image_url(value: Any) -> str:
    """`{"url": ...}`, or the URL itself."""
    url = value.get("url") if isinstance(value, dict) else value
    if not isinstance(url, str):
        raise InvalidRequest(BAD_FORMAT)
    return url


def _refuse_audio(value: Any) -> None:
    """Checked as Ollama checks it, then refused: LM Studio takes no audio input."""
    if not isinstance(value, dict):
        raise InvalidRequest("invalid input_audio format")
    if not isinstance(value.get("data"), str):
        raise InvalidRequest("invalid input_audio format: missing data")
    raise Unsupported("input_audio is not supported: LM Studio takes no audio input")


def _tool_calls(position: int, calls: list[ToolCallIn]) -> tuple[ToolCall, ...]:
    # A call without an id gets a stable made-up one, which LM Studio needs to pair its result.
    return tuple(
        ToolCall(
            id=call.id or f"call_{position}_{index}",
            name=(call.function.name or "") if call.function else "",
            arguments=_arguments(call),
            index=index,
        )
        for index, call in enumerate(calls)
    )


def _arguments(call: ToolCallIn) -> dict[str, Any]:
    """Arguments come as a JSON object in a string; anything else is refused."""
    text = call.function.arguments if call.function else None
    try:
        arguments = msgspec.json.decode(text or "")
    except msgspec.DecodeError:
        arguments = None
    if not isinstance(arguments, dict):
        raise InvalidRequest("invalid tool call arguments")
    return arguments


def _tool_name(message: MessageIn, messages: list[MessageIn]) -> str | None:
    """The message's own name, else that of the call it answers; the last call with that id
    wins, as in Ollama."""
    if message.name:
        return message.name
    if not message.tool_call_id:
        return None
    for earlier in reversed(messages):
        for call in earlier.tool_calls or ():
            if call.id == message.tool_call_id and call.function is not None:
                return call.function.name or None
    return None
