"""OpenAI's model list and error envelope, as Ollama's `/v1` layer writes them."""

from __future__ import annotations

import msgspec


class ModelObject(msgspec.Struct):
    id: str
    object: str
    created: int
    owned_by: str


class ModelList(msgspec.Struct):
    object: str
    data: list[ModelObject]


class ErrorDetail(msgspec.Struct):
    message: str
    type: str
    param: None = None
    code: None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorDetail


ERROR_TYPES = {400: "invalid_request_error", 404: "not_found_error"}


def error_envelope(message: str, status: int) -> ErrorEnvelope:
    return ErrorEnvelope(ErrorDetail(message=message, type=ERROR_TYPES.get(status, "api_error")))
