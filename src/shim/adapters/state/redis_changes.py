"""Word of model changes between shims: a counter in Redis that every change increments.

The catalog asks for the revision before it trusts its cached model list, on the request's
path and synchronously (as the file check does for workers of one shim), so one round trip to
Redis per request: an alias made through one shim is then seen by the next request to any
other. A Redis that does not answer never fails a request: the cached lists' TTL still holds,
and the log says so once when it stops answering and once when it is back, not on every request.
"""

from __future__ import annotations

from collections.abc import Hashable

import structlog
from redis import Redis
from redis.exceptions import RedisError

from shim.domain.ports import ModelChanges

log = structlog.get_logger(__name__)


class RedisModelChanges(ModelChanges):
    def __init__(self, client: Redis, key: str) -> None:
        self._client = client
        self._key = key
        self._unreachable = False

    def announce(self) -> None:
        try:
            self._client.incr(self._key)
        except RedisError as error:
            log.warning("state.redis_change_not_shared", key=self._key, error=str(error))

    def revision(self) -> Hashable:
        try:
            value: Hashable = self._client.get(self._key)
        except RedisError as error:
            if not self._unreachable:
                log.warning("state.redis_changes_unread", key=self._key, error=str(error))
            self._unreachable = True
            return None
        if self._unreachable:
            log.info("state.redis_changes_read_again", key=self._key)
            self._unreachable = False
        return value
