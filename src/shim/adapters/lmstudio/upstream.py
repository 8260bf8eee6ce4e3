"""What the LM Studio adapters share: discovery reads retried, error replies as domain errors,
and streamed bodies watched for stalls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
import structlog

from shim.adapters.idle_watch import IdleWatch
from shim.adapters.upstream_http import Upstream, UpstreamReply, UpstreamStream
from shim.domain.errors import UpstreamError, UpstreamRejected, UpstreamTimeout

log = structlog.get_logger(__name__)

PASSED_ON_STATUSES = frozenset({400, 404, 413, 422, 429})


async def get(
    client: Upstream, path: str, retries: int = 0, backoff_seconds: float = 0.1
) -> UpstreamReply:
    """A GET, tried again after a doubling pause when LM Studio cannot be reached or fails (5xx).

    Only reads retry: an inference request is never sent twice.
    """
    for attempt in range(retries + 1):
        try:
            reply = await client.call("GET", path)
        except UpstreamError:
            if attempt == retries:
                raise
        else:
            if reply.status < 500 or attempt == retries:
                return reply
        log.info("upstream.retry", path=path, attempt=attempt + 1)
        await asyncio.sleep(backoff_seconds * 2**attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


def rejection(status: int, body: bytes, path: str) -> UpstreamError:
    """An error reply as a domain error: the client's own mistakes keep their status."""
    detail = error_message(body) or body[:200].decode(errors="replace") or "no reason given"
    if status in (401, 403):
        return UpstreamError(f"LM Studio refused shim's API token (HTTP {status}): {detail}")
    if status in PASSED_ON_STATUSES:
        return UpstreamRejected(detail, status)
    return UpstreamError(f"LM Studio failed on {path} (HTTP {status}): {detail}")


def error_message(body: bytes) -> str | None:
    """The message of any of LM Studio's error shapes; None when the body is not an error."""
    try:
        payload: Any = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(payload, dict) or "error" not in payload:
        return None
    return describe_error(payload["error"])


def describe_error(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or error)
    return str(error)


async def pieces_of(
    reply: UpstreamStream, idle_seconds: float, path: str
) -> AsyncGenerator[bytes, None]:
    """The body as it arrives; once it has begun, a gap longer than `idle_seconds` is an error.

    The client's read timeout stays long for the first piece, since a model load takes minutes.
    The watch only times the reads themselves, never the consumer between them.
    """
    pieces = reply.pieces()
    try:
        piece = await anext(pieces)
    except StopAsyncIteration:
        return
    watch = IdleWatch(idle_seconds)
    try:
        while True:
            yield piece
            watch.read_started()
            try:
                piece = await anext(pieces)
            except StopAsyncIteration:
                return
            except asyncio.CancelledError:
                if not watch.caused_cancellation():
                    raise
                message = f"LM Studio stalled for {idle_seconds:g} s in the middle of {path}"
                raise UpstreamTimeout(message) from None
            finally:
                watch.read_ended()
    finally:
        watch.stop()
