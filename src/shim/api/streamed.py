"""Answers as ASGI apps, which a handler annotated `-> ASGIApp` returns and Litestar serves as
they are: a stream of chunks, or a whole Litestar `Response`.

A stream is watched by one asyncio task that ends it when the client leaves; Litestar's own
`Stream` watches in an anyio task group, which cost more than half of what a short stream costs
to serve (docs/performance.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from litestar import Request, Response
from litestar.types import ASGIApp, Receive, Scope, Send

EVENT_STREAM = "text/event-stream"
# What Ollama's Anthropic and Responses layers add to their streams' headers.
NO_CACHE_HEADERS = ((b"cache-control", b"no-cache"), (b"connection", b"keep-alive"))


def served(response: Response[bytes], request: Request[Any, Any, Any]) -> ASGIApp:
    """A whole answer, from a handler whose streamed answers are `Streamed`."""
    return response.to_asgi_response(None, request)


class Streamed:
    def __init__(
        self,
        chunks: AsyncGenerator[bytes, None],
        media_type: str,
        status: int = 200,
        headers: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        self._chunks = chunks
        self._status = status
        # As given, with no charset added: Ollama's streams say `text/event-stream` bare.
        self._headers = [(b"content-type", media_type.encode()), *headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        streaming = asyncio.current_task()
        assert streaming is not None  # an ASGI app always runs in a task
        watcher = asyncio.get_running_loop().create_task(_cancel_on_departure(receive, streaming))
        try:
            async with aclosing(self._chunks):
                await self._send_all(send)
        except asyncio.CancelledError:
            # The watcher's own cancellation: the client left, and the answer just ends. Any
            # other (the server's hard stop) goes on.
            if not _client_left(watcher) or streaming.uncancel() > 0:
                raise
        finally:
            watcher.cancel()

    async def _send_all(self, send: Send) -> None:
        status, headers = self._status, self._headers
        await send({"type": "http.response.start", "status": status, "headers": headers})
        async for chunk in self._chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _cancel_on_departure(receive: Receive, streaming: asyncio.Task[Any]) -> bool:
    while (await receive())["type"] != "http.disconnect":
        pass
    streaming.cancel()
    return True


def _client_left(watcher: asyncio.Task[bool]) -> bool:
    return watcher.done() and not watcher.cancelled() and watcher.result()
