"""OpenAI's model list, as Ollama's `/v1` layer writes it (openai.go)."""

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
