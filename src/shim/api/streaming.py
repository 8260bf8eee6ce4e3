"""NDJSON streams: one line per event, failures after the first byte as a final error line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import TypeVar

import msgspec
import structlog

from shim.api.responses import go_json
from shim.domain.errors import ShimError

log = structlog.get_logger(__name__)

NDJSON = "application/x-ndjson"
Event = TypeVar("Event")


def error_line(message: str) -> bytes:
    return go_json({"error": message}) + b"\n"


async def ndjson_lines(
    events: AsyncGenerator[Event, None], encode: Callable[[Event], bytes]
) -> AsyncGenerator[bytes, None]:
    """Encode each event; once headers are out, an error can only be told in-band."""
    sent = 0
    async with aclosing(events):
        try:
            async for event in events:
                yield encode(event)
                sent += 1
        except (asyncio.CancelledError, GeneratorExit):
            log.info("stream.client_disconnected", writes=sent)
            raise
        except ShimError as error:
            log.warning(
                "stream.failed", writes=sent, error=error.message, kind=type(error).__name__
            )
            yield error_line(error.message)
            return
        except Exception as error:
            log.exception("stream.crashed", writes=sent, error=repr(error))
            yield error_line("internal server error")
            return
    log.info("stream.completed", writes=sent)


async def relay_pieces(pieces: AsyncGenerator[bytes, None]) -> AsyncGenerator[bytes, None]:
    """Relay bytes untouched; a failure after the first byte ends the stream with an SSE error."""
    sent = 0
    async with aclosing(pieces):
        try:
            async for piece in pieces:
                yield piece
                sent += 1
        except (asyncio.CancelledError, GeneratorExit):
            log.info("relay.client_disconnected", pieces=sent)
            raise
        except ShimError as error:
            log.warning("relay.failed", pieces=sent, error=error.message)
            yield sse_error(error.message)
            return
    log.info("relay.completed", pieces=sent)


def sse_error(message: str) -> bytes:
    payload = {"error": {"message": message, "type": "api_error", "param": None, "code": None}}
    return b"data: " + msgspec.json.encode(payload) + b"\n\n"
