"""Completions and embeddings sent to the host routing picks, and to the next one only when
the request cannot have reached the first: a connection that never opened. A stream that has
started is never run again elsewhere."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from shim.adapters.hosts.failover import none_reached, passed_over
from shim.adapters.hosts.pool import HostPool
from shim.domain.completion import CompletionEvent, CompletionRequest
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import UpstreamUnavailable
from shim.domain.ports import CompletionStreamer, Embedder


class RoutedStreamer(CompletionStreamer):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        unreachable: list[str] = []
        for host in self._pool.candidates(request.model):
            with host.busy():
                async with aclosing(host.adapters.streamer.stream(request)) as events:
                    try:
                        first = await anext(events)
                    except UpstreamUnavailable as error:
                        unreachable.append(passed_over(host, error))
                        continue
                    yield first
                    async for event in events:
                        yield event
                    return
        raise none_reached(unreachable)


class RoutedEmbedder(Embedder):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        unreachable: list[str] = []
        for host in self._pool.candidates(model_key):
            with host.busy():
                try:
                    return await host.adapters.embedder.embed(model_key, inputs)
                except UpstreamUnavailable as error:
                    unreachable.append(passed_over(host, error))
        raise none_reached(unreachable)
