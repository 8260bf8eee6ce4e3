"""Embeddings: Ollama's /api/embed normalises (and shortens) vectors; the legacy route does not."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import msgspec

from shim.domain.admission import AdmissionGate
from shim.domain.embedding_types import Vector
from shim.domain.errors import InvalidRequest, NotCapable, UpstreamError
from shim.domain.ports import Embedder, ModelSelector
from shim.domain.token_estimate import estimated_tokens


class Embeddings(msgspec.Struct, frozen=True, kw_only=True):
    vectors: list[Vector]
    prompt_tokens: int | None = None
    total_ns: int = 0
    load_ns: int = 0


class EmbeddingService:
    def __init__(
        self,
        selector: ModelSelector,
        embedder: Embedder,
        gate: AdmissionGate,
        clock: Callable[[], int] = time.perf_counter_ns,
    ) -> None:
        self._selector = selector
        self._embedder = embedder
        self._gate = gate
        self._clock = clock

    async def embed(
        self, model: str, inputs: Sequence[str], *, normalized: bool, dimensions: int | None = None
    ) -> Embeddings:
        started = self._clock()
        record = await self._selector.resolve(model)
        resolved = self._clock()
        if not inputs:
            return Embeddings(vectors=[], total_ns=resolved - started, load_ns=resolved - started)
        try:
            async with self._gate.slot():
                found = await self._embedder.embed(record.upstream_key, list(inputs))
        except NotCapable:
            raise InvalidRequest(f'"{model}" does not support embedding') from None
        vectors = [shaped(vector, normalized, dimensions) for vector in found.vectors]
        return Embeddings(
            vectors=vectors,
            prompt_tokens=found.prompt_tokens or estimated_tokens(inputs),
            total_ns=self._clock() - started,
            load_ns=resolved - started,
        )


def shaped(vector: Vector, normalized: bool, dimensions: int | None) -> Vector:
    if not normalized:
        return vector
    vector = normalize(vector)
    if dimensions and 0 < dimensions < len(vector):
        vector = normalize(vector[:dimensions])
    return vector


def normalize(vector: Vector) -> Vector:
    """Unit length, as Ollama returns from /api/embed."""
    if not all(math.isfinite(value) for value in vector):
        raise UpstreamError("embedding contains NaN or Inf values")
    scale = 1.0 / max(math.sqrt(sum(value * value for value in vector)), 1e-12)
    return [value * scale for value in vector]
