"""What a response says back about the request that asked for it, as Ollama echoes it: once as
Go structs for the whole answer (responses.go `ToResponse`), once as Go maps for streamed events
(`buildResponseObject`), which differ in small ways (a namespace's members, null efforts)."""

from __future__ import annotations

from typing import Any

import msgspec

from shim.api.responses.answer_wire import ReasoningEcho, TextEcho, TextFormatEcho, ToolEcho
from shim.api.responses.request_wire import ResponsesIn, TextFormatIn, ToolIn

sorted_json = msgspec.json.Encoder(order="sorted").encode  # how Go writes a map


def go_number(value: float) -> float | int:
    """Go writes a whole float64 without its fraction: 1.0 is `1`."""
    return int(value) if value.is_integer() and abs(value) < 1e21 else value


class Echo(msgspec.Struct, frozen=True, kw_only=True):
    model: str
    instructions: str | None
    truncation: str
    tools: tuple[ToolIn, ...]
    text_format: TextFormatIn | None
    top_p: float | int
    temperature: float | int
    effort: str
    summary: str
    max_output_tokens: int | None
    background: bool

    @classmethod
    def of(cls, request: ResponsesIn, model: str) -> Echo:
        reasoning = request.reasoning
        return cls(
            model=model,
            instructions=request.instructions or None,
            truncation=request.truncation or "disabled",
            tools=tuple(request.tools or ()),
            text_format=request.text.format if request.text else None,
            top_p=go_number(1.0 if request.top_p is None else request.top_p),
            temperature=go_number(1.0 if request.temperature is None else request.temperature),
            effort=(reasoning.effort or "") if reasoning else "",
            summary=(reasoning.summary or "") if reasoning else "",
            max_output_tokens=request.max_output_tokens,
            background=bool(request.background),
        )

    def tool_structs(self) -> list[ToolEcho]:
        return [_tool_struct(tool) for tool in self.tools]

    def text_struct(self) -> TextEcho:
        given = self.text_format
        if given is None:
            return TextEcho(TextFormatEcho(type="text"))
        echoed = TextFormatEcho(type=given.type)
        if given.name:
            echoed.name = given.name
        if given.schema is not None:
            echoed.schema = as_sent(given.schema)
        if given.strict is not None:
            echoed.strict = given.strict
        return TextEcho(echoed)

    def reasoning_struct(self) -> ReasoningEcho | None:
        if not (self.effort or self.summary):
            return None
        echoed = ReasoningEcho()
        if self.effort:
            echoed.effort = self.effort
        if self.summary:
            echoed.summary = self.summary
        return echoed

    def response_map(self, response_id: str, created: int, status: str) -> dict[str, Any]:
        """The streamed events' response object, all but its output and usage."""
        return {
            "id": response_id,
            "object": "response",
            "created_at": created,
            "completed_at": None,
            "status": status,
            "incomplete_details": None,
            "model": self.model,
            "previous_response_id": None,
            "instructions": self.instructions,
            "error": None,
            "tools": [_tool_map(tool) for tool in self.tools],
            "tool_choice": "auto",
            "truncation": self.truncation,
            "parallel_tool_calls": True,
            "text": {"format": self._text_map()},
            "top_p": self.top_p,
            "presence_penalty": 0,
            "frequency_penalty": 0,
            "top_logprobs": 0,
            "temperature": self.temperature,
            "reasoning": self._reasoning_map(),
            "max_output_tokens": self.max_output_tokens,
            "max_tool_calls": None,
            "store": False,
            "background": self.background,
            "service_tier": "default",
            "metadata": {},
            "safety_identifier": None,
            "prompt_cache_key": None,
        }

    def _text_map(self) -> dict[str, Any]:
        given = self.text_format
        if given is None:
            return {"type": "text"}
        echoed: dict[str, Any] = {"type": given.type}
        if given.name:
            echoed["name"] = given.name
        if given.schema is not None:
            echoed["schema"] = as_sent(given.schema)
        if given.strict is not None:
            echoed["strict"] = given.strict
        return echoed

    def _reasoning_map(self) -> dict[str, Any] | None:
        if not (self.effort or self.summary):
            return None
        return {"effort": self.effort or None, "summary": self.summary or None}


def _tool_struct(tool: ToolIn) -> ToolEcho:
    echoed = ToolEcho(
        type=tool.type,
        name=tool.name,
        description=tool.description,
        strict=tool.strict,
        parameters=None if tool.parameters is None else msgspec.Raw(sorted_json(tool.parameters)),
    )
    if tool.tools:
        echoed.tools = [_tool_struct(member) for member in tool.tools]
    return echoed


def _tool_map(tool: ToolIn) -> dict[str, Any]:
    return {
        "type": tool.type,
        "name": tool.name,
        "description": tool.description,
        "strict": tool.strict,
        "parameters": tool.parameters,
    }


def as_sent(value: Any) -> msgspec.Raw:
    """Go writes a raw JSON value back compacted with its keys in their order, where its maps
    come sorted."""
    return msgspec.Raw(msgspec.json.encode(value))
