"""Embeddings from LM Studio's OpenAI-compatible /v1/embeddings."""

from __future__ import annotations

import msgspec

from shim.adapters.lmstudio.upstream import error_message, rejection
from shim.adapters.upstream_http import Upstream
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import NotCapable, UpstreamError
from shim.domain.ports import Embedder

PATH = "/v1/embeddings"


class EmbeddingItem(msgspec.Struct):
    embedding: list[float]
    index: int = 0


class EmbeddingUsage(msgspec.Struct):
    prompt_tokens: int | None = None


class EmbeddingList(msgspec.Struct):
    data: list[EmbeddingItem]
    usage: EmbeddingUsage | None = None


_decoder = msgspec.json.Decoder(EmbeddingList)


class LMStudioEmbedder(Embedder):
    def __init__(self, client: Upstream) -> None:
        self._client = client

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        reply = await self._client.call("POST", PATH, {"model": model_key, "input": inputs})
        message = error_message(reply.body)
        if reply.status != 200 or message is not None:
            if message and "not embedding" in message:
                raise NotCapable("embedding")
            raise rejection(reply.status if reply.status != 200 else 502, reply.body, PATH)
        try:
            listing = _decoder.decode(reply.body)
        except msgspec.DecodeError as error:
            raise UpstreamError(f"LM Studio sent unreadable embeddings: {error}") from None
        ordered = sorted(listing.data, key=lambda item: item.index)
        tokens = listing.usage.prompt_tokens if listing.usage else None
        return BackendEmbeddings(
            vectors=[item.embedding for item in ordered], prompt_tokens=tokens or None
        )
