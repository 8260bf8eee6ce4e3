"""/v1/responses requests as domain completion requests, as Ollama's `/v1` layer builds its chat
request from them (responses.go `FromResponsesRequest`, `convertTools`)."""

from __future__ import annotations

import msgspec

from shim.api.openai_shared.reasoning_effort import think_from_effort
from shim.api.openai_shared.schema_format import format_from_schema
from shim.api.responses.input_items import messages_of
from shim.api.responses.request_wire import IGNORED, ResponsesIn, TextIn, ToolIn
from shim.domain.completion import CompletionRequest, JsonOutput, Sampling, Tool
from shim.domain.errors import InvalidRequest, Unsupported

WEB_SEARCH_REFUSED = "web_search is not supported: shim has no web search to run it with"


def responses_to_domain(request: ResponsesIn) -> tuple[CompletionRequest, list[str]]:
    messages = messages_of(request.instructions or "", request.input)
    think, level = think_from_effort((request.reasoning and request.reasoning.effort) or "")
    tools = tuple(tool for given in request.tools or () for tool in _tools(given))
    if not request.model:
        raise InvalidRequest("model is required")
    domain = CompletionRequest(
        model=request.model,
        messages=messages,
        tools=tools,
        sampling=_sampling(request),
        json_output=_json_output(request.text),
        think=think,
        think_level=level,
    )
    return domain, [name for name in IGNORED if getattr(request, name) is not None]


def _sampling(request: ResponsesIn) -> Sampling:
    """An absent temperature is 1.0, as in Ollama; an absent top_p leaves the model's own."""
    limit = request.max_output_tokens
    return Sampling(
        temperature=1.0 if request.temperature is None else request.temperature,
        top_p=request.top_p,
        max_tokens=None if limit is None or limit < 0 else limit,  # negative: open-ended
    )


def _tools(tool: ToolIn) -> list[Tool]:
    """A namespace's members come out with its name before theirs, since a tool's name is all
    a model sees; Ollama's built-in web search needs its cloud, which shim has not."""
    if tool.type == "web_search":
        raise Unsupported(WEB_SEARCH_REFUSED)
    if tool.type != "namespace":
        parameters = tool.parameters or {}
        return [Tool(name=tool.name, description=tool.description or "", parameters=parameters)]
    prefix = tool.name + "." if tool.name else ""
    members = [found for member in tool.tools or () for found in _tools(member)]
    return [
        found
        if found.name.startswith(prefix)
        else msgspec.structs.replace(found, name=prefix + found.name)
        for found in members
    ]


def _json_output(text: TextIn | None) -> JsonOutput | None:
    """`json_schema` is its schema, read as Ollama reads a format; `json_object` is bare JSON,
    which Ollama would ignore; any other type asks for plain text."""
    given = text.format if text is not None else None
    if given is None:
        return None
    if given.type == "json_object":
        return JsonOutput()
    if given.type != "json_schema":
        return None
    return format_from_schema(given.schema)
