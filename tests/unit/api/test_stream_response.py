"""The streamed response's client watch: a departure ends the stream, nothing else does."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.response.streaming import ASGIStreamingResponse

from shim.api.stream_response import WatchedStream, WatchedStreamingResponse


class Client:
    def __init__(self) -> None:
        self.left = asyncio.Event()
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        await self.left.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])


def response(pieces: AsyncIterator[bytes]) -> ASGIStreamingResponse:
    return WatchedStreamingResponse(iterator=pieces, media_type="application/x-ndjson")


async def test_a_finished_stream_is_sent_whole_and_leaves_no_watcher_behind() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for n in range(3):
            yield b"%d\n" % n
            await asyncio.sleep(0)

    client, before = Client(), len(asyncio.all_tasks())
    await response(pieces())({"type": "http"}, client.receive, client.send)  # type: ignore[arg-type]
    assert client.body() == b"0\n1\n2\n"
    assert client.sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    await asyncio.sleep(0)
    assert len(asyncio.all_tasks()) == before


async def test_a_client_that_leaves_ends_the_stream_quietly() -> None:
    client, closed = Client(), asyncio.Event()

    async def pieces() -> AsyncIterator[bytes]:
        try:
            yield b"first\n"
            client.left.set()
            await asyncio.sleep(60)  # a backend that has nothing more to say for a while
            yield b"never\n"
        finally:
            closed.set()

    async with asyncio.timeout(5):
        await response(pieces())({"type": "http"}, client.receive, client.send)  # type: ignore[arg-type]
    assert closed.is_set(), "the upstream side was told to stop"
    assert client.body() == b"first\n"
    current = asyncio.current_task()
    assert current is not None
    assert current.cancelling() == 0, "no cancellation left pending on the request's task"


async def test_a_cancellation_from_elsewhere_still_propagates() -> None:
    client, started = Client(), asyncio.Event()

    async def pieces() -> AsyncIterator[bytes]:
        yield b"first\n"
        started.set()
        await asyncio.sleep(60)
        yield b"never\n"

    sending = asyncio.create_task(
        response(pieces())({"type": "http"}, client.receive, client.send)  # type: ignore[arg-type]
    )
    await started.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending


async def test_a_stream_keeps_its_status_and_media_type_and_defaults_as_litestar_does() -> None:
    async def pieces() -> AsyncIterator[bytes]:
        yield b"{}"

    typed = WatchedStream(pieces(), media_type="application/x-ndjson", status_code=201)
    untyped = WatchedStream(pieces())
    cases = ((typed, 201, b"application/x-ndjson"), (untyped, 200, b"application/json"))
    for stream, status, media_type in cases:
        asgi = stream.to_asgi_response(None, None)  # type: ignore[arg-type]
        client = Client()
        await asgi({"type": "http"}, client.receive, client.send)  # type: ignore[arg-type]
        assert client.sent[0]["status"] == status
        assert dict(client.sent[0]["headers"])[b"content-type"].startswith(media_type)
    assert client.body() == b"{}"
