"""Ollama's /api/embed (normalised, batched) and legacy /api/embeddings (one raw vector)."""

from __future__ import annotations

from typing import Any

import msgspec
import structlog
from litestar import Controller, Response, post
from litestar.params import RawBody

from shim.api.decoding import decode_body, log_ignored
from shim.api.dependencies import EmbeddingServiceDep
from shim.api.go_json import json_response
from shim.domain.errors import InvalidRequest, ModelNotFound

log = structlog.get_logger(__name__)
UNSET = msgspec.UNSET


class EmbedIn(msgspec.Struct, kw_only=True):
    model: str = ""
    input: Any = None
    truncate: bool | None = None
    dimensions: int | None = None
    keep_alive: float | str | None = None
    options: dict[str, Any] | None = None


class EmbedOut(msgspec.Struct, kw_only=True):
    model: str
    embeddings: list[list[float]]
    total_duration: int | msgspec.UnsetType = UNSET
    load_duration: int | msgspec.UnsetType = UNSET
    prompt_eval_count: int | msgspec.UnsetType = UNSET


class EmbeddingsIn(msgspec.Struct, kw_only=True):
    model: str = ""
    prompt: str = ""
    keep_alive: float | str | None = None
    options: dict[str, Any] | None = None


class EmbeddingsOut(msgspec.Struct):
    embedding: list[float]


class EmbeddingController(Controller):
    @post("/api/embed", name="ollama.embed", status_code=200)
    async def embed(self, body: RawBody, embeddings: EmbeddingServiceDep) -> Response[bytes]:
        asked = decode_body(body, EmbedIn)
        if not asked.model:
            raise ModelNotFound("")
        _log_unapplied(asked.options, truncate=asked.truncate is False, keep_alive=asked.keep_alive)
        try:
            found = await embeddings.embed(
                asked.model, inputs_of(asked.input), normalized=True, dimensions=asked.dimensions
            )
        except ModelNotFound:
            raise ModelNotFound.not_pulled(asked.model) from None
        return json_response(
            EmbedOut(
                model=asked.model,
                embeddings=found.vectors,
                total_duration=found.total_ns or UNSET,
                load_duration=found.load_ns or UNSET,
                prompt_eval_count=found.prompt_tokens or UNSET,
            )
        )

    @post("/api/embeddings", name="ollama.embeddings", status_code=200)
    async def embeddings(self, body: RawBody, embeddings: EmbeddingServiceDep) -> Response[bytes]:
        asked = decode_body(body, EmbeddingsIn)
        if not asked.model:
            raise InvalidRequest("model is required")
        _log_unapplied(asked.options, truncate=False, keep_alive=asked.keep_alive)
        inputs = [asked.prompt] if asked.prompt else []
        try:
            found = await embeddings.embed(asked.model, inputs, normalized=False)
        except ModelNotFound:
            raise ModelNotFound.not_pulled(asked.model) from None
        return json_response(EmbeddingsOut(embedding=found.vectors[0] if found.vectors else []))


def inputs_of(value: Any) -> list[str]:
    """A string or a list of strings; an empty string means no input, as in Ollama."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise InvalidRequest("invalid input type")


def _log_unapplied(
    options: dict[str, Any] | None, *, truncate: bool, keep_alive: float | str | None
) -> None:
    ignored = [f"options.{name}" for name in options or {}]
    if truncate:
        ignored.append("truncate")
    if keep_alive is not None:
        ignored.append("keep_alive")
    log_ignored(ignored, "LM Studio cannot apply them")
