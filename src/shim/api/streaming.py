"""Streams of lines or events: failures after the first byte, and a shutdown past its grace
period, told in-band as the stream's last line or event, in each dialect's words."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import TypeVar

import structlog

from shim.api.go_json import go_json
from shim.api.open_streams import SHUTTING_DOWN, open_streams
from shim.domain.errors import ShimError

log = structlog.get_logger(__name__)

NDJSON = "application/x-ndjson"
Event = TypeVar("Event")


def error_line(message: str) -> bytes:
    return go_json({"error": message}) + b"\n"


def ndjson_lines(
    events: AsyncGenerator[Event, None], encode: Callable[[Event], bytes]
) -> AsyncGenerator[bytes, None]:
    """NDJSON, whose failures are told as one last `{"error": ...}` line."""
    return told_in_band(events, encode, error_line)


async def told_in_band(
    events: AsyncGenerator[Event, None],
    encode: Callable[[Event], bytes],
    tell: Callable[[str], bytes],
) -> AsyncGenerator[bytes, None]:
    """Encode each event; once headers are out, an error can only be told in-band, as the
    stream's last piece, which `tell` writes in the dialect's words."""
    sent = 0
    streams = open_streams()
    async with aclosing(events):
        with streams.writing():
            try:
                async for event in events:
                    yield encode(event)
                    sent += 1
            except asyncio.CancelledError:
                if not _cut_at_shutdown(streams.cutting, sent):
                    raise
                yield tell(SHUTTING_DOWN)
                return
            except GeneratorExit:
                log.info("stream.client_disconnected", writes=sent)
                raise
            except ShimError as error:
                log.warning(
                    "stream.failed", writes=sent, error=error.message, kind=type(error).__name__
                )
                yield tell(error.message)
                return
            except Exception as error:
                log.exception("stream.crashed", writes=sent, kind=type(error).__name__)
                yield tell("internal server error")
                return
    log.info("stream.completed", writes=sent)


def _cut_at_shutdown(cutting: bool, sent: int) -> bool:
    """A cancellation of shim's own at shutdown, to be told; any other is a client that left."""
    task = asyncio.current_task()
    if not cutting or task is None:
        log.info("stream.client_disconnected", writes=sent)
        return False
    task.uncancel()
    log.warning("stream.cut_at_shutdown", writes=sent)
    return True
