"""Streamed answers whose client is watched by one plain task, so a departure ends the stream.

Litestar's own streaming response watches in an anyio task group and cancels through a cancel
scope, which formats task reprs and re-delivers the cancellation on every loop turn: a large
share of a 200-stream fan-out's CPU. Here one asyncio task waits for `http.disconnect` and
cancels the streaming task; a normal end cancels the watcher before it can run.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from litestar import MediaType, Request
from litestar.response import Stream
from litestar.response.base import ASGIResponse
from litestar.response.streaming import ASGIStreamingResponse
from litestar.types import Receive, Send
from litestar.utils.helpers import get_enum_string_value


class WatchedStream(Stream):
    def to_asgi_response(
        self,
        app: Any,
        request: Request[Any, Any, Any],
        *,
        cookies: Any = None,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
        status_code: int | None = None,
        **options: Any,
    ) -> ASGIResponse:
        options.pop("type_encoders", None)  # nothing to encode: the content is bytes already
        return WatchedStreamingResponse(
            iterator=self.iterator,  # type: ignore[arg-type]
            content_length=0,
            cookies=self.cookies if cookies is None else itertools.chain(self.cookies, cookies),
            encoding=self.encoding,
            headers={**(headers or {}), **self.headers},
            media_type=get_enum_string_value(self.media_type or media_type or MediaType.JSON),
            status_code=self.status_code or status_code,
            **options,
        )


class WatchedStreamingResponse(ASGIStreamingResponse):
    __slots__ = ()

    async def send_body(self, send: Send, receive: Receive) -> None:
        streaming = asyncio.current_task()
        assert streaming is not None  # ASGI apps always run in a task
        watcher = asyncio.get_running_loop().create_task(_cancel_on_disconnect(receive, streaming))
        try:
            await self._stream(send)
        except asyncio.CancelledError:
            # Our own cancellation when the client left: the answer just ends. Any other
            # pending cancellation (shutdown, a timeout) still propagates.
            if not _client_left(watcher) or streaming.uncancel() > 0:
                raise
        finally:
            watcher.cancel()


async def _cancel_on_disconnect(receive: Receive, streaming: asyncio.Task[Any]) -> bool:
    while (await receive())["type"] != "http.disconnect":
        pass
    streaming.cancel()
    return True


def _client_left(watcher: asyncio.Task[bool]) -> bool:
    return watcher.done() and not watcher.cancelled() and watcher.result()
