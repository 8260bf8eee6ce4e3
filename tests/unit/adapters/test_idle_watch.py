"""The idle limit on a streamed body: it times the waits for LM Studio, nothing else."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from shim.adapters.lmstudio.upstream import pieces_of
from shim.domain.errors import UpstreamError
from tests.support.upstream import ScriptedStream

pytestmark = pytest.mark.anyio


async def paced(pauses: list[float]) -> AsyncIterator[bytes]:
    """Pieces with a pause before each one after the first."""
    yield b"first"
    for n, pause in enumerate(pauses):
        await asyncio.sleep(pause)
        yield b"%d" % n


def reply(pauses: list[float]) -> ScriptedStream:
    return ScriptedStream(200, paced(pauses), "text/event-stream")


async def test_reads_that_each_come_in_time_pass_however_long_the_whole_takes() -> None:
    got = [piece async for piece in pieces_of(reply([0.06] * 6), 0.1, "/v1/chat/completions")]
    assert got == [b"first", b"0", b"1", b"2", b"3", b"4", b"5"]


async def test_a_slow_consumer_is_not_a_stalled_backend() -> None:
    got = []
    async for piece in pieces_of(reply([0.0, 0.0]), 0.05, "/p"):
        got.append(piece)
        await asyncio.sleep(0.15)  # the client side is slow, LM Studio is not
    assert got == [b"first", b"0", b"1"]


async def test_a_read_waiting_past_the_limit_is_a_stall_error() -> None:
    pieces = pieces_of(reply([0.0, 5.0]), 0.1, "/p")
    assert [await anext(pieces), await anext(pieces)] == [b"first", b"0"]
    with pytest.raises(UpstreamError, match=r"stalled for 0\.1 s in the middle of /p"):
        await anext(pieces)
    current = asyncio.current_task()
    assert current is not None
    assert current.cancelling() == 0, "the watch took its cancellation back"


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    async def drain() -> list[bytes]:
        return [piece async for piece in pieces_of(reply([5.0]), 1.0, "/p")]

    task = asyncio.create_task(drain())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
