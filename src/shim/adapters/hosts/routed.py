"""Completions and embeddings sent to the host routing picks, and to the next one only when
the request cannot have reached the first: a connection that never opened. A stream that has
started is never run again elsewhere."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import structlog

from shim.adapters.hosts.host import BackendHost
from shim.adapters.hosts.pool import HostPool
from shim.domain.completion import CompletionEvent, CompletionRequest
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.errors import UpstreamUnavailable
from shim.domain.ports import CompletionStreamer, Embedder

log = structlog.get_logger(__name__)


class RoutedStreamer(CompletionStreamer):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        unreachable: UpstreamUnavailable | None = None
        for host in self._pool.candidates(request.model):
            with host.busy():
                async with aclosing(host.adapters.streamer.stream(request)) as events:
                    try:
                        first = await anext(events)
                    except UpstreamUnavailable as error:
                        unreachable = _passed_over(host, error)
                        continue
                    yield first
                    async for event in events:
                        yield event
                    return
        raise unreachable or UpstreamUnavailable(f"no LM Studio host that has {request.model}")


class RoutedEmbedder(Embedder):
    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        unreachable: UpstreamUnavailable | None = None
        for host in self._pool.candidates(model_key):
            with host.busy():
                try:
                    return await host.adapters.embedder.embed(model_key, inputs)
                except UpstreamUnavailable as error:
                    unreachable = _passed_over(host, error)
        raise unreachable or UpstreamUnavailable(f"no LM Studio host that has {model_key}")


def _passed_over(host: BackendHost, error: UpstreamUnavailable) -> UpstreamUnavailable:
    """The host could not be reached, so the request never got there: try the next one."""
    host.mark_down(error)
    log.warning("host.failover", host=host.url, error=error.message)
    return error
