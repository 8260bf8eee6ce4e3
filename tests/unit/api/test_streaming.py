"""In-band endings of streams: errors, and shim's own cut at shutdown, in each dialect's words."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest

from shim.api.open_streams import OpenStreams, OpenStreamsMiddleware
from shim.api.streaming import ndjson_lines, told_in_band
from shim.domain.errors import UpstreamError

pytestmark = pytest.mark.anyio


async def waits_after(*pieces: bytes) -> AsyncGenerator[bytes, None]:
    for piece in pieces:
        yield piece
    await asyncio.sleep(60)  # a backend with nothing more to say for a while
    yield b"never"


async def fails_after(*pieces: bytes) -> AsyncGenerator[bytes, None]:
    for piece in pieces:
        yield piece
    raise UpstreamError("LM Studio stalled")


async def written(lines: AsyncGenerator[bytes, None], streams: OpenStreams) -> list[bytes]:
    """Drive the stream the way an app's request task does, inside the app's middleware."""
    out: list[bytes] = []

    async def app(scope: object, receive: object, send: object) -> None:
        out.extend([piece async for piece in lines])

    await OpenStreamsMiddleware(app, streams)({}, None, None)  # type: ignore[arg-type]
    return out


async def test_a_stream_cut_at_shutdown_ends_with_one_error_line() -> None:
    streams = OpenStreams()
    task = asyncio.create_task(
        written(ndjson_lines(waits_after(b"a", b"b"), lambda p: p + b"\n"), streams)
    )
    await asyncio.sleep(0.05)
    assert len(streams) == 1, "the stream registered while it was written"
    streams.cut()
    lines = await asyncio.wait_for(task, 5)
    assert lines == [b"a\n", b"b\n", b'{"error":"shim is shutting down"}\n']
    assert len(streams) == 0


async def test_a_failure_is_told_in_the_dialects_words_and_ends_the_stream() -> None:
    def tell(message: str) -> bytes:
        return b"data: " + message.encode() + b"\n\n"

    stream = told_in_band(fails_after(b"a", b"b"), lambda p: b"<" + p + b">", tell)
    assert await written(stream, OpenStreams()) == [b"<a>", b"<b>", b"data: LM Studio stalled\n\n"]


async def test_a_stream_cut_at_shutdown_is_told_in_the_dialects_words() -> None:
    streams = OpenStreams()
    stream = told_in_band(waits_after(b"a"), bytes, lambda message: message.upper().encode())
    task = asyncio.create_task(written(stream, streams))
    await asyncio.sleep(0.05)
    streams.cut()
    assert await asyncio.wait_for(task, 5) == [b"a", b"SHIM IS SHUTTING DOWN"]


async def test_a_cancellation_that_is_not_shims_own_still_propagates() -> None:
    streams = OpenStreams()
    task = asyncio.create_task(
        written(ndjson_lines(waits_after(b"a"), lambda p: p + b"\n"), streams)
    )
    await asyncio.sleep(0.05)
    task.cancel()  # a client that left, or the server's own hard stop
    with pytest.raises(asyncio.CancelledError):
        await task
