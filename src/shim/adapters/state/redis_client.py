"""The Redis connections of shared state: one for the event loop, one for the revision check
that runs on the request's path without awaiting (kept short, so a Redis that hangs costs a
request little)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import redis
import redis.asyncio
import structlog
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)
REVISION_TIMEOUT_SECONDS = 0.5


async def open_redis(url: str, connect_timeout: float) -> AsyncIterator[redis.asyncio.Redis]:
    """Open until the app stops; a Redis that is down at start is named in the log, and each
    operation tries again."""
    client = redis.asyncio.Redis.from_url(url, socket_connect_timeout=connect_timeout)
    try:
        await client.ping()
    except RedisError as error:
        log.warning("state.redis_unreachable", error=str(error))
    try:
        yield client
    finally:
        await client.aclose()


def open_revision_redis(url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=REVISION_TIMEOUT_SECONDS,
        socket_timeout=REVISION_TIMEOUT_SECONDS,
    )
    try:
        yield client
    finally:
        client.close()
