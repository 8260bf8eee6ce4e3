"""`/v1/embeddings` as Ollama's `/v1` layer answers it: normalised vectors, float or base64."""

from __future__ import annotations

import base64
import sys
from array import array
from typing import Any

import msgspec
from litestar import Controller, Response, post
from litestar.params import RawBody

from shim.api.decoding import decode_body
from shim.api.dependencies import EmbeddingServiceDep
from shim.api.openai.errors import EXCEPTION_HANDLERS
from shim.api.openai_shared.json_answer import json_answer
from shim.domain.errors import InvalidRequest, ModelNotFound

ENCODINGS = ("float", "base64")


class EmbeddingsIn(msgspec.Struct, kw_only=True):
    model: str = ""
    input: Any = None
    dimensions: int | None = None
    encoding_format: str | None = None


class EmbeddingOut(msgspec.Struct):
    object: str
    embedding: list[float] | str
    index: int


class UsageOut(msgspec.Struct):
    prompt_tokens: int
    total_tokens: int


class EmbeddingListOut(msgspec.Struct):
    object: str
    data: list[EmbeddingOut]
    model: str
    usage: UsageOut


class OpenAIEmbeddingsController(Controller):
    exception_handlers = EXCEPTION_HANDLERS

    @post("/v1/embeddings", name="openai.embeddings", status_code=200)
    async def embed(self, body: RawBody, embeddings: EmbeddingServiceDep) -> Response[bytes]:
        asked = decode_body(body, EmbeddingsIn)
        encoding = asked.encoding_format or "float"
        if encoding not in ENCODINGS:
            supported = "Supported values: ['float', 'base64']."
            raise InvalidRequest(f"Invalid value for 'encoding_format' = {encoding}. {supported}")
        try:
            found = await embeddings.embed(
                asked.model, texts_of(asked.input), normalized=True, dimensions=asked.dimensions
            )
        except ModelNotFound:
            # Ollama's /v1/embeddings is its /api/embed handler: the same words.
            raise ModelNotFound.not_pulled(asked.model) from None
        tokens = found.prompt_tokens or 0
        data = [
            EmbeddingOut(object="embedding", embedding=encoded(vector, encoding), index=index)
            for index, vector in enumerate(found.vectors)
        ]
        usage = UsageOut(prompt_tokens=tokens, total_tokens=tokens)
        return json_answer(
            EmbeddingListOut(object="list", data=data, model=asked.model, usage=usage)
        )


def texts_of(value: Any) -> list[str]:
    """A string or a non-empty list of strings; token arrays are not supported, as in Ollama."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value
    raise InvalidRequest("invalid input")


def encoded(vector: list[float], encoding: str) -> list[float] | str:
    """base64 means the vector's little-endian float32 bytes."""
    if encoding == "float":
        return vector
    packed = array("f", vector)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode()
