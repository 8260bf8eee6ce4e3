"""Ollama's error answer, `{"error": "..."}`: the default wherever no other dialect answers."""

from __future__ import annotations

from litestar import Response

from shim.api.errors import dialect_handlers
from shim.api.go_json import json_response
from shim.api.ollama.wire import ErrorResponse


def ollama_error(message: str, status: int) -> Response[bytes]:
    return json_response(ErrorResponse(error=message), status)


EXCEPTION_HANDLERS = dialect_handlers(ollama_error)
