"""The input-token count a stream opens with, estimated as Ollama estimates it before the model
has counted (anthropic.go `EstimateInputTokens`, `countAnyContent`, `countContentBlock`): a
quarter of the bytes of the roles, texts, thinking, tool blocks and tool definitions."""

from __future__ import annotations

from typing import Any

from shim.api.anthropic.request_wire import BlockIn, MessagesIn
from shim.api.go_json import go_json

BYTES_PER_TOKEN = 4
TOOL_BLOCKS = ("tool_use", "tool_result")


def estimated_input_tokens(request: MessagesIn) -> int:
    total = _system_bytes(request.system)
    for message in request.messages or ():
        total += len((message.role or "").encode())
        content = message.content
        if isinstance(content, str):
            total += _size(content)
        else:
            total += sum(_block_bytes(block) for block in content or ())
    for tool in request.tools or ():
        schema = b"" if tool.input_schema is None else go_json(tool.input_schema)
        total += _size(tool.name) + _size(tool.description) + len(schema)
    tokens = total // BYTES_PER_TOKEN
    if tokens == 0 and (request.messages or request.system is not None):
        return 1
    return tokens


def _system_bytes(system: Any) -> int:
    if isinstance(system, str):
        return _size(system)
    if isinstance(system, list):
        return sum(
            _size(b.get("text")) + _size(b.get("thinking")) for b in system if isinstance(b, dict)
        )
    return 0 if system is None else len(go_json(system))


def _block_bytes(block: BlockIn) -> int:
    total = _size(block.text) + _size(block.thinking)
    if block.type in TOOL_BLOCKS:
        total += len(go_json(_as_go_writes_it(block)))
    return total


def _as_go_writes_it(block: BlockIn) -> dict[str, Any]:
    """The block's fields in the order of Go's struct, the empty ones left out."""
    fields: dict[str, Any] = {
        "type": block.type,
        "text": block.text,
        "id": block.id or None,
        "name": block.name or None,
        "input": block.input,
        "tool_use_id": block.tool_use_id or None,
        "content": block.content,
        "is_error": block.is_error or None,
        "thinking": block.thinking,
    }
    return {key: value for key, value in fields.items() if value is not None}


def _size(text: Any) -> int:
    return len(text.encode()) if isinstance(text, str) else 0
