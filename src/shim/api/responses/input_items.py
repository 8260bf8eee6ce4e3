"""`instructions` and `input` as domain messages, read as Ollama reads them (responses.go
`ResponsesInput.UnmarshalJSON`, `unmarshalResponsesInputItem`, `FromResponsesRequest`).

A function_call joins the assistant message before it; a reasoning item's content becomes the
thinking of the assistant message after it; an assistant message replayed between a call and
its output joins the message that made the call, so the output still follows its call.
"""

from __future__ import annotations

from typing import Any

import msgspec

from shim.api.responses.content_parts import content_of
from shim.api.responses.go_errors import cannot_unmarshal
from shim.domain.completion import ChatMessage, Image, Role, ToolCall
from shim.domain.errors import InvalidRequest

# "developer" is OpenAI's newer name for the system role; Ollama's renderers read it as such.
ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "assistant": "assistant",
}

ITEM_TYPES = ("message", "function_call", "function_call_output", "reasoning", "web_search_call")


class Draft(msgspec.Struct, kw_only=True):
    """A message still being put together from the items that make it."""

    role: Role
    content: str = ""
    thinking: str = ""
    images: list[Image] = []
    tool_calls: list[ToolCall] = []
    tool_call_id: str | None = None

    def finished(self, names: dict[str, str]) -> ChatMessage:
        answered = self.tool_call_id if self.role == "tool" else None
        return ChatMessage(
            role=self.role,
            content=self.content,
            thinking=self.thinking,
            images=tuple(self.images),
            tool_calls=tuple(self.tool_calls),
            tool_call_id=answered,
            tool_name=names.get(answered) if answered else None,
        )


def messages_of(instructions: str, given: Any) -> tuple[ChatMessage, ...]:
    drafts = [Draft(role="system", content=instructions)] if instructions else []
    if isinstance(given, str):
        if given:
            drafts.append(Draft(role="user", content=given))
    elif given is not None:
        drafts.extend(_items(given))
    names = {call.id: call.name for draft in drafts for call in draft.tool_calls}
    return tuple(draft.finished(names) for draft in drafts)


def _items(given: Any) -> list[Draft]:
    if not isinstance(given, list):
        raise InvalidRequest(f"input must be a string or array: {cannot_unmarshal(given)}")
    items = [_typed(position, item) for position, item in enumerate(given)]
    drafts: list[Draft] = []
    thinking = ""  # a reasoning item's, waiting for the assistant message it belongs to
    for position, (kind, item) in enumerate(items):
        if kind == "reasoning":
            thinking = _string(item, "encrypted_content")
        elif kind == "message":
            message = _message(position, item)
            if message.role == "assistant":
                message.thinking, thinking = thinking, ""
            _add_message(drafts, message, items, position)
        elif kind == "function_call":
            thinking = _add_call(drafts, _call(position, item), thinking)
        elif kind == "function_call_output":
            drafts.append(_output(position, item))
    if thinking:
        drafts.append(Draft(role="assistant", thinking=thinking))
    return drafts


def _typed(position: int, item: Any) -> tuple[str, dict[str, Any]]:
    """A message may leave out its type when it gives its role; web_search_call is history
    only, since the answer that follows carries what the search found."""
    if not isinstance(item, dict):
        raise InvalidRequest(f"input[{position}]: {cannot_unmarshal(item, 'struct')}")
    kind = _string(item, "type") or ("message" if _string(item, "role") else "")
    if kind in ITEM_TYPES:
        return kind, item
    if not kind:
        raise InvalidRequest(f"input[{position}]: input item missing required 'type' field")
    raise InvalidRequest(f"input[{position}]: unknown input item type: {_quoted(kind)}")


def _message(position: int, item: dict[str, Any]) -> Draft:
    role = ROLES.get(_string(item, "role").lower())
    if role is None:
        raise InvalidRequest(f"input[{position}]: invalid message role: {item.get('role')!r}")
    content, images = content_of(item.get("content"), f"input[{position}]: content")
    return Draft(role=role, content=content, images=list(images))


def _add_message(drafts: list[Draft], message: Draft, items: list[Any], position: int) -> None:
    caller = _caller_answered_next(drafts, items, position) if message.role == "assistant" else None
    if caller is None:
        drafts.append(message)
        return
    if caller.content and message.content:
        caller.content += "\n"
    caller.content += message.content
    caller.images.extend(message.images)
    caller.thinking = message.thinking or caller.thinking


def _caller_answered_next(drafts: list[Draft], items: list[Any], position: int) -> Draft | None:
    """The assistant message just before, when it made the call the next item answers."""
    following = items[position + 1] if position + 1 < len(items) else None
    if following is None or following[0] != "function_call_output" or not drafts:
        return None
    answered = _string(following[1], "call_id")
    last = drafts[-1]
    if answered and last.role == "assistant" and any(c.id == answered for c in last.tool_calls):
        return last
    return None


def _call(position: int, item: dict[str, Any]) -> ToolCall:
    text = _string(item, "arguments")
    arguments: Any = {}
    if text:
        try:
            arguments = msgspec.json.decode(text)
        except msgspec.DecodeError as error:
            raise InvalidRequest(f"failed to parse function call arguments: {error}") from None
    if not isinstance(arguments, dict):
        kind = cannot_unmarshal(arguments, "struct")
        raise InvalidRequest(f"failed to parse function call arguments: {kind}")
    # A call without an id gets a stable made-up one, which LM Studio needs to pair its result.
    call_id = _string(item, "call_id") or f"call_{position}"
    return ToolCall(id=call_id, name=_string(item, "name"), arguments=arguments)


def _add_call(drafts: list[Draft], call: ToolCall, thinking: str) -> str:
    last = drafts[-1] if drafts else None
    if last is None or last.role != "assistant":
        last = Draft(role="assistant")
        drafts.append(last)
    last.tool_calls.append(msgspec.structs.replace(call, index=len(last.tool_calls)))
    last.thinking = thinking or last.thinking
    return ""


def _output(position: int, item: dict[str, Any]) -> Draft:
    content, images = content_of(item.get("output"), f"input[{position}]: output")
    return Draft(
        role="tool", content=content, images=list(images), tool_call_id=_string(item, "call_id")
    )


def _string(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""


def _quoted(text: str) -> str:
    """As Go's %q quotes a string."""
    return msgspec.json.encode(text).decode()
