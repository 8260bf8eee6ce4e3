"""For adapter tests: shim's own HTTP client towards a real server (the double, a scripted
socket), or a scripted stand-in for it that answers without any socket."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from shim.adapters.upstream_http import (
    AiohttpUpstream,
    LMStudioAddress,
    Upstream,
    UpstreamReply,
    UpstreamStream,
    open_upstream,
)


@asynccontextmanager
async def upstream_for(url: str, read_timeout: float = 30) -> AsyncIterator[AiohttpUpstream]:
    address = LMStudioAddress(url, None, connect_timeout=5, read_timeout=read_timeout)
    async with asynccontextmanager(open_upstream)(address) as upstream:
        yield upstream


class ScriptedStream(UpstreamStream):
    """An answer made of the pieces a test hands it, read as they come."""

    def __init__(self, status: int, pieces: AsyncIterable[bytes], content_type: str) -> None:
        self._status = status
        self._pieces = pieces
        self._content_type = content_type

    @property
    def status(self) -> int:
        return self._status

    @property
    def content_type(self) -> str:
        return self._content_type

    async def pieces(self) -> AsyncIterator[bytes]:
        async for piece in self._pieces:
            yield piece

    async def read(self) -> bytes:
        return b"".join([piece async for piece in self._pieces])


async def chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def answer(
    status: int, body: bytes = b"", size: int = 100_000, content_type: str = "text/event-stream"
) -> ScriptedStream:
    return ScriptedStream(status, chunks(body, size), content_type)


class ScriptedUpstream(Upstream):
    """Answers each streamed POST with what `answer_for(path, body)` makes; remembers them."""

    def __init__(self, answer_for: Callable[[str, bytes], UpstreamStream]) -> None:
        self._answer_for = answer_for
        self.requests: list[tuple[str, bytes]] = []

    @property
    def base_url(self) -> str:
        return "http://lms"

    async def call(self, method: str, path: str, payload: Any = None) -> UpstreamReply:
        raise AssertionError(f"not scripted: {method} {path}")

    @asynccontextmanager
    async def stream(self, path: str, body: bytes) -> AsyncIterator[UpstreamStream]:
        self.requests.append((path, body))
        yield self._answer_for(path, body)
