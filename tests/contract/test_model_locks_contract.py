"""One behavioural suite for every ModelLocks: lock files shared by workers, Redis locks shared by
several shims, and the locks of a process serving alone."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio

from shim.adapters.state.model_locks import FileModelLocks
from shim.adapters.state.redis_locks import RedisModelLocks
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelLocks

pytestmark = pytest.mark.anyio

A_WHILE = 0.05  # long enough for a waiter that could get in to have got in
PROMPTLY = 1.0


@pytest.fixture(params=["file", "redis", "process"])
async def locks(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ModelLocks]:
    if request.param == "file":
        yield FileModelLocks(tmp_path / "model-locks")
    elif request.param == "redis":
        url = request.getfixturevalue("redis_url")
        async with redis.asyncio.Redis.from_url(url) as client:
            yield RedisModelLocks(client, "shim:model-lock:")
    else:
        yield ProcessModelLocks()


class Holder:
    """A task that takes `key`, says so, and lets go when told."""

    def __init__(self, locks: ModelLocks, key: str) -> None:
        self.inside = asyncio.Event()
        self.leave = asyncio.Event()
        self.task = asyncio.create_task(self._hold(locks, key))

    async def _hold(self, locks: ModelLocks, key: str) -> None:
        async with locks.hold(key):
            self.inside.set()
            await self.leave.wait()

    async def entered(self, within: float = PROMPTLY) -> bool:
        try:
            await asyncio.wait_for(self.inside.wait(), within)
        except TimeoutError:
            return False
        return True

    async def release(self) -> None:
        self.leave.set()
        await asyncio.wait_for(self.task, PROMPTLY)


async def test_a_second_holder_of_a_key_waits_until_the_first_lets_go(locks: ModelLocks) -> None:
    first = Holder(locks, "qwen3")
    assert await first.entered()
    second = Holder(locks, "qwen3")
    assert not await second.entered(A_WHILE), "two holders of one key at once"
    await first.release()
    assert await second.entered()
    await second.release()


async def test_different_keys_do_not_wait_for_each_other(locks: ModelLocks) -> None:
    first = Holder(locks, "qwen3")
    assert await first.entered()
    other = Holder(locks, "gemma")
    assert await other.entered(), "a held key kept another key waiting"
    await other.release()
    await first.release()


async def test_a_key_is_free_again_after_its_holder_fails(locks: ModelLocks) -> None:
    with pytest.raises(RuntimeError):
        async with locks.hold("qwen3"):
            raise RuntimeError("the load failed")
    after = Holder(locks, "qwen3")
    assert await after.entered()
    await after.release()


async def test_waiters_take_the_key_one_at_a_time(locks: ModelLocks) -> None:
    inside, most = 0, 0

    async def visit() -> None:
        nonlocal inside, most
        async with locks.hold("qwen3"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.005)
            inside -= 1

    await asyncio.wait_for(asyncio.gather(*(visit() for _ in range(5))), PROMPTLY * 5)
    assert most == 1


async def test_a_waiter_that_gives_up_does_not_keep_the_key(locks: ModelLocks) -> None:
    """A client that leaves while its request waits must not leave the model locked."""
    first = Holder(locks, "qwen3")
    assert await first.entered()
    quitter = Holder(locks, "qwen3")
    assert not await quitter.entered(A_WHILE)
    quitter.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await quitter.task
    await first.release()
    last = Holder(locks, "qwen3")
    assert await last.entered()
    await last.release()
    assert not quitter.inside.is_set()


async def test_two_shims_on_one_redis_hold_a_key_one_at_a_time(redis_url: str) -> None:
    async with (
        redis.asyncio.Redis.from_url(redis_url) as first_client,
        redis.asyncio.Redis.from_url(redis_url) as second_client,
    ):
        first = Holder(RedisModelLocks(first_client, "shim:model-lock:"), "qwen3")
        assert await first.entered()
        second = Holder(RedisModelLocks(second_client, "shim:model-lock:"), "qwen3")
        assert not await second.entered(A_WHILE), "two shims held one key at once"
        await first.release()
        assert await second.entered()
        await second.release()


async def test_a_lock_left_by_a_shim_that_died_frees_itself(redis_url: str) -> None:
    """Its lease runs out: the key is not locked for good."""
    async with redis.asyncio.Redis.from_url(redis_url) as client:
        await client.set("shim:model-lock:qwen3", "a dead shim's token", px=200)
        after = Holder(RedisModelLocks(client, "shim:model-lock:"), "qwen3")
        assert await after.entered(PROMPTLY * 2)
        await after.release()


async def test_without_redis_a_load_still_goes_ahead() -> None:
    async with redis.asyncio.Redis.from_url("redis://127.0.0.1:9/0") as client:
        alone = Holder(RedisModelLocks(client, "shim:model-lock:"), "qwen3")
        assert await alone.entered()
        await alone.release()


async def test_a_holder_keeps_its_redis_lock_past_one_lease(redis_url: str) -> None:
    """A load may take longer than a lease: the holder renews it while it holds the key."""
    async with redis.asyncio.Redis.from_url(redis_url) as client:
        locks = RedisModelLocks(client, "shim:model-lock:", lease_seconds=0.3)
        first = Holder(locks, "qwen3")
        assert await first.entered()
        other_shim = Holder(RedisModelLocks(client, "shim:model-lock:", lease_seconds=0.3), "qwen3")
        assert not await other_shim.entered(1.0), "the lease ran out while the key was held"
        await first.release()
        assert await other_shim.entered()
        await other_shim.release()
