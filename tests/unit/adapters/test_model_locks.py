"""Model locks through lock files: two holders (as two workers) of one model take turns."""

import asyncio
from pathlib import Path

import pytest

from shim.adapters.state.model_locks import FileModelLocks
from tests.support.log_capture import LogCapture

pytestmark = pytest.mark.anyio


async def test_two_workers_take_turns_on_one_model(tmp_path: Path) -> None:
    first, second = FileModelLocks(tmp_path), FileModelLocks(tmp_path)  # each opens its own file
    order: list[str] = []

    async def hold(locks: FileModelLocks, name: str) -> None:
        async with locks.hold("qwen/qwen3-8b"):
            order.append(f"{name} in")
            await asyncio.sleep(0.15)
            order.append(f"{name} out")

    await asyncio.gather(hold(first, "a"), hold(second, "b"))
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


async def test_different_models_do_not_wait_for_each_other(tmp_path: Path) -> None:
    first, second = FileModelLocks(tmp_path), FileModelLocks(tmp_path)
    async with first.hold("one/model"), asyncio.timeout(1), second.hold("another/model"):
        pass


async def hold_within(locks: FileModelLocks, seconds: float) -> None:
    async with asyncio.timeout(seconds), locks.hold("m"):
        pass


async def test_a_waiter_that_gives_up_leaves_the_lock_free(tmp_path: Path) -> None:
    first, second = FileModelLocks(tmp_path), FileModelLocks(tmp_path)
    async with first.hold("m"):
        with pytest.raises(TimeoutError):
            await hold_within(second, 0.2)
    await hold_within(second, 1)
    await hold_within(first, 1)


async def test_without_a_place_for_lock_files_the_process_still_takes_turns(
    tmp_path: Path, log_capture: LogCapture
) -> None:
    (tmp_path / "plain-file").write_text("")
    locks, order = FileModelLocks(tmp_path / "plain-file" / "locks"), list[str]()

    async def hold(name: str) -> None:
        async with locks.hold("m"):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert order == ["a in", "a out", "b in", "b out"]
    assert [r["event"] for r in log_capture.records].count("model_lock.unshared") == 2
