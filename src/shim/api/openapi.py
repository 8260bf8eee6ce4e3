"""An OpenAPI document of the routes shim serves, built from its controllers and wire types."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar.handlers import HTTPRouteHandler

from shim.api.anthropic.request_wire import MessagesIn
from shim.api.body_check import takes_json
from shim.api.ollama.embedding import EmbeddingsIn as OllamaEmbeddingsIn
from shim.api.ollama.embedding import EmbedIn
from shim.api.ollama.inference_wire import ChatIn, GenerateIn
from shim.api.ollama.management import CopyIn, CreateIn, NamedIn
from shim.api.ollama.pull import PullIn
from shim.api.ollama.wire import ShowRequest
from shim.api.openai.embeddings import EmbeddingsIn as OpenAIEmbeddingsIn
from shim.api.openai.request_wire import ChatCompletionIn, CompletionIn
from shim.api.responses.request_wire import ResponsesIn
from shim.api.routes import CONTROLLERS

REQUEST_BODIES: dict[str, type] = {
    "ollama.show": ShowRequest,
    "ollama.chat": ChatIn,
    "ollama.generate": GenerateIn,
    "ollama.embed": EmbedIn,
    "ollama.embeddings": OllamaEmbeddingsIn,
    "ollama.copy": CopyIn,
    "ollama.delete": NamedIn,
    "ollama.create": CreateIn,
    "ollama.push": NamedIn,
    "ollama.pull": PullIn,
    "openai.embeddings": OpenAIEmbeddingsIn,
    "openai.chat": ChatCompletionIn,
    "openai.completions": CompletionIn,
    "openai.responses": ResponsesIn,
    "anthropic.messages": MessagesIn,
}
BLOB_BODY = {"type": "string", "format": "binary"}
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def openapi_document(version: str) -> dict[str, Any]:
    names = sorted({body.__name__: body for body in REQUEST_BODIES.values()}.items())
    _, components = msgspec.json.schema_components(
        [body for _, body in names], ref_template="#/components/schemas/{name}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for handler in _handlers():
        for path in handler.paths:
            operations = paths.setdefault(_PARAMETER.sub(r"{\1}", path), {})
            for method in sorted(handler.http_methods):
                operations[method.lower()] = _operation(handler, path, method)
    return {
        "openapi": "3.1.0",
        "info": {"title": "shim: Ollama's API in front of LM Studio", "version": version},
        "paths": paths,
        "components": {"schemas": components},
    }


def _handlers() -> list[HTTPRouteHandler]:
    return [
        value
        for controller in CONTROLLERS
        for value in vars(controller).values()
        if isinstance(value, HTTPRouteHandler)
    ]


def _operation(handler: HTTPRouteHandler, path: str, method: str) -> dict[str, Any]:
    name = handler.name or ""
    operation: dict[str, Any] = {
        "operationId": f"{name}.{method.lower()}",
        "responses": {"default": {"description": "Ollama's or OpenAI's answer"}},
    }
    parameters = [
        {"name": param, "in": "path", "required": True, "schema": {"type": "string"}}
        for param in _PARAMETER.findall(path)
    ]
    if parameters:
        operation["parameters"] = parameters
    if method in ("POST", "DELETE"):
        operation["requestBody"] = {"content": _body_content(handler, name)}
    return operation


def _body_content(handler: HTTPRouteHandler, name: str) -> dict[str, Any]:
    if not takes_json(handler):
        return {"application/octet-stream": {"schema": BLOB_BODY}}
    # Every JSON body is a wire Struct of its dialect, listed above under the route's name.
    schema = {"$ref": f"#/components/schemas/{REQUEST_BODIES[name].__name__}"}
    return {"application/json": {"schema": schema}}
