"""OpenAI's model list and error envelope, as Ollama's `/v1` layer writes them (openai.go)."""

from __future__ import annotations

import msgspec


class ModelObject(msgspec.Struct):
    id: str
    object: str
    created: int
    owned_by: str


class ModelList(msgspec.Struct):
    object: str
    data: list[ModelObject] | None  # Go's nil slice: `null` when there are no models


class ErrorDetail(msgspec.Struct):
    message: str
    type: str
    param: None = None
    code: None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorDetail
