"""Streams still open when the shutdown grace period ends are ended by shim, each with an
error line, a moment before the server would cut them mid-answer."""

from __future__ import annotations

import asyncio

import structlog

from shim.api.open_streams import OpenStreams
from shim.main.readiness import Readiness

log = structlog.get_logger(__name__)

# The server's own grace period runs this much longer, so shim's error lines go out first.
SERVER_GRACE_MARGIN_SECONDS = 1


async def cut_streams_after_grace(
    readiness: Readiness,
    streams: OpenStreams,
    delay_seconds: float,
    grace_seconds: float,
    poll_seconds: float = 0.1,
) -> None:
    """Once draining begins (in any worker), wait out the drain delay and the grace period."""
    # The flag is a threading or multiprocessing event, set by a signal handler or another
    # process: asked for, not awaited.
    while not readiness.draining:  # noqa: ASYNC110
        await asyncio.sleep(poll_seconds)
    await asyncio.sleep(delay_seconds + grace_seconds)
    if len(streams):
        log.warning("shutdown.grace_ended", streams=len(streams))
    streams.cut()
