"""Model locks shared by every shim on one Redis: a lock key per model, held on a lease.

A holder renews its lease while it holds the lock, so a load may take as long as it takes; a
shim that dies holding one frees it once the lease runs out, instead of keeping the model
locked for good.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelLocks

log = structlog.get_logger(__name__)
LEASE_SECONDS = 15.0
POLL_SECONDS = 0.05  # a wait here is a wait for a model load, which takes seconds


class RedisModelLocks(ModelLocks):
    def __init__(self, client: Redis, prefix: str, lease_seconds: float = LEASE_SECONDS) -> None:
        self._client = client
        self._prefix = prefix
        self._lease = lease_seconds
        self._in_process = ProcessModelLocks()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        # This process's waiters queue on its own lock; only the one at its head asks Redis.
        async with self._in_process.hold(key):
            lock = self._client.lock(self._prefix + key, timeout=self._lease, sleep=POLL_SECONDS)
            try:
                await lock.acquire()
            except RedisError as error:  # the load goes ahead; only other shims may race it
                log.warning("state.redis_lock_skipped", model=key, error=str(error))
                yield
                return
            renewal = asyncio.create_task(_renew(lock, key, self._lease))
            try:
                yield
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
                await _release(lock, key)


async def _renew(lock: Lock, key: str, lease: float) -> None:
    try:
        while True:
            await asyncio.sleep(lease / 3)
            await lock.reacquire()
    except (LockError, RedisError) as error:  # the load goes on; another shim may now race it
        log.warning("state.redis_lock_lease_lost", model=key, error=str(error))


async def _release(lock: Lock, key: str) -> None:
    try:
        await lock.release()
    except (LockError, RedisError) as error:  # the lease ran out: another may hold it now
        log.warning("state.redis_lock_lost", model=key, error=str(error))
