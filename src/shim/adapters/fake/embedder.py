"""Deterministic, text-dependent vectors for tests and demos."""

from __future__ import annotations

import hashlib

from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import NotCapable
from shim.domain.ports import Embedder

DIMENSIONS = 8


class FakeEmbedder(Embedder):
    def __init__(self, embedding_models: frozenset[str] = frozenset({"fake/embedder"})) -> None:
        self._models = embedding_models
        self.requests: list[tuple[str, list[str]]] = []

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        self.requests.append((model_key, inputs))
        if model_key not in self._models:
            raise NotCapable("embedding")
        return BackendEmbeddings(
            vectors=[_vector(text) for text in inputs],
            prompt_tokens=sum(len(text.split()) for text in inputs),
        )


def _vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [(byte - 128) / 32 for byte in digest[:DIMENSIONS]]
