"""Aliases kept in Redis, shared by every shim that names the same server.

The whole list is one JSON value. A change is made in a WATCH/MULTI transaction that Redis
refuses when another writer saved first; the change is then computed again from what that
writer saved, so no change is ever lost.
"""

from __future__ import annotations

import msgspec
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, WatchError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shim.domain.errors import ShimError, StateUnavailable
from shim.domain.ports import Alias, AliasChange, AliasStore

_decoder = msgspec.json.Decoder(list[Alias])
_encoder = msgspec.json.Encoder()


class RedisAliasStore(AliasStore):
    def __init__(self, client: Redis, key: str) -> None:
        self._client = client
        self._key = key

    async def load(self) -> list[Alias]:
        try:
            return self._decode(await self._client.get(self._key))
        except RedisError as error:
            raise failure("cannot read aliases from Redis", error) from None

    async def update(self, change: AliasChange) -> list[Alias]:
        try:
            return await self._update(change)
        except RedisError as error:
            raise failure("cannot save aliases in Redis", error) from None

    async def _update(self, change: AliasChange) -> list[Alias]:
        async with self._client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(self._key)
                    before = self._decode(await pipe.get(self._key))
                    after = change(list(before))  # a copy: a change made in place still counts
                    if after == before:
                        return before  # leaving the pipeline ends the watch
                    pipe.multi()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
                    pipe.set(self._key, _encoder.encode(after))
                    await pipe.execute()
                    return before
                except WatchError:  # another writer came between: compute the change again
                    continue

    def _decode(self, raw: bytes | str | None) -> list[Alias]:
        if raw is None:
            return []
        try:
            return _decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            why = f"the aliases in Redis key {self._key} are unreadable: {error}"
            raise ShimError(why) from None


def failure(what: str, error: RedisError) -> ShimError:
    """503 when Redis is out of reach, as for LM Studio; 500 for anything else it answers."""
    unreachable = isinstance(error, RedisConnectionError | RedisTimeoutError)
    return (StateUnavailable if unreachable else ShimError)(f"{what}: {error}")
