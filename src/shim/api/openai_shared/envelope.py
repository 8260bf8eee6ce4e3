"""OpenAI's error envelope with Ollama's types per status (openai.go `NewError`)."""

from __future__ import annotations

import msgspec
from litestar import Response

from shim.api.openai_shared.json_answer import json_answer

ERROR_TYPES = {400: "invalid_request_error", 404: "not_found_error"}


class ErrorDetail(msgspec.Struct):
    message: str
    type: str
    param: None = None
    code: None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorDetail


def error_envelope(message: str, status: int) -> ErrorEnvelope:
    return ErrorEnvelope(ErrorDetail(message=message, type=ERROR_TYPES.get(status, "api_error")))


def openai_error(message: str, status: int) -> Response[bytes]:
    return json_answer(error_envelope(message, status), status)
