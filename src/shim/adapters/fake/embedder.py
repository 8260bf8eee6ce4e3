"""Deterministic, text-dependent vectors from the fake catalog's embedding models."""

from __future__ import annotations

import hashlib

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import NotCapable
from shim.domain.ports import Embedder

DIMENSIONS = 8


class FakeEmbedder(Embedder):
    def __init__(self, catalog: FakeModelCatalog) -> None:
        self._catalog = catalog
        self.requests: list[tuple[str, list[str]]] = []

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        """As LM Studio: an unknown name is refused, an LLM cannot embed, and the model loads on
        first use."""
        self.requests.append((model_key, inputs))
        record = self._catalog.answering(model_key)
        if record.kind != "embedding":
            raise NotCapable("embedding")
        self._catalog.load_on_use(record)
        return BackendEmbeddings(
            vectors=[_vector(text) for text in inputs],
            prompt_tokens=sum(len(text.split()) for text in inputs),
        )


def _vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [(byte - 128) / 32 for byte in digest[:DIMENSIONS]]
