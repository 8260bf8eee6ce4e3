"""One behavioural suite for every ModelLocks: lock files shared by workers, and the locks of a
process serving alone."""

import asyncio
from pathlib import Path

import pytest

from shim.adapters.state.model_locks import FileModelLocks
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelLocks

pytestmark = pytest.mark.anyio

A_WHILE = 0.05  # long enough for a waiter that could get in to have got in
PROMPTLY = 1.0


@pytest.fixture(params=["file", "process"])
def locks(request: pytest.FixtureRequest, tmp_path: Path) -> ModelLocks:
    if request.param == "file":
        return FileModelLocks(tmp_path / "model-locks")
    return ProcessModelLocks()


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
