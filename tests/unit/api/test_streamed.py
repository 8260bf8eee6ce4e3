"""A streamed answer's client watch: a departure ends the stream, nothing else does."""

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from shim.api.streamed import Streamed

pytestmark = pytest.mark.anyio


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


async def serve(answer: Streamed, client: Client) -> None:
    await answer({"type": "http"}, client.receive, client.send)  # type: ignore[arg-type]


async def test_a_finished_stream_is_sent_whole_and_leaves_no_watcher_behind() -> None:
    async def pieces() -> AsyncGenerator[bytes, None]:
        for n in range(3):
            yield b"%d\n" % n
            await asyncio.sleep(0)

    client, before = Client(), len(asyncio.all_tasks())
    await serve(Streamed(pieces(), "application/x-ndjson"), client)
    assert client.sent[0]["status"] == 200
    assert dict(client.sent[0]["headers"]) == {b"content-type": b"application/x-ndjson"}
    assert client.body() == b"0\n1\n2\n"
    assert client.sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    await asyncio.sleep(0)
    assert len(asyncio.all_tasks()) == before


async def test_a_client_that_leaves_ends_the_stream_quietly() -> None:
    client, closed = Client(), asyncio.Event()

    async def pieces() -> AsyncGenerator[bytes, None]:
        try:
            yield b"first\n"
            client.left.set()
            await asyncio.sleep(60)  # a backend that has nothing more to say for a while
            yield b"never\n"
        finally:
            closed.set()

    async with asyncio.timeout(5):
        await serve(Streamed(pieces(), "application/x-ndjson"), client)
    assert closed.is_set(), "the upstream side was told to stop"
    assert client.body() == b"first\n"
    current = asyncio.current_task()
    assert current is not None
    assert current.cancelling() == 0, "no cancellation left pending on the request's task"


async def test_a_cancellation_from_elsewhere_still_propagates() -> None:
    client, started = Client(), asyncio.Event()

    async def pieces() -> AsyncGenerator[bytes, None]:
        yield b"first\n"
        started.set()
        await asyncio.sleep(60)
        yield b"never\n"

    sending = asyncio.create_task(serve(Streamed(pieces(), "application/x-ndjson"), client))
    await started.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending


async def test_the_media_type_is_sent_as_given_and_the_status_is_kept() -> None:
    async def pieces() -> AsyncGenerator[bytes, None]:
        yield b"data: {}\n\n"

    client = Client()
    await serve(Streamed(pieces(), "text/event-stream", 201), client)
    assert client.sent[0]["status"] == 201
    assert dict(client.sent[0]["headers"])[b"content-type"] == b"text/event-stream"
