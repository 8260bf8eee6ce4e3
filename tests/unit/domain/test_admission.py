import asyncio

import pytest

from shim.domain.admission import AdmissionGate
from shim.domain.errors import ServerBusy

pytestmark = pytest.mark.anyio


async def test_runs_up_to_the_limit_queues_then_refuses() -> None:
    gate = AdmissionGate(limit=2, queue=1)
    release = asyncio.Event()
    running = 0

    async def request() -> None:
        nonlocal running
        async with gate.slot():
            running += 1
            await release.wait()

    holders = [asyncio.create_task(request()) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert (running, gate.waiting) == (2, 1)
    with pytest.raises(ServerBusy, match="server busy"):
        async with gate.slot():
            pass
    release.set()
    await asyncio.gather(*holders)
    assert running == 3
    async with gate.slot():
        pass


async def test_a_waiter_that_gives_up_frees_its_place_in_the_queue() -> None:
    gate = AdmissionGate(limit=1, queue=1)
    async with gate.slot():
        waiter = asyncio.create_task(gate.slot().__aenter__())
        await asyncio.sleep(0.01)
        waiter.cancel()
        await asyncio.sleep(0.01)
        assert gate.waiting == 0
    async with gate.slot():
        pass


async def test_a_failure_inside_frees_the_slot() -> None:
    gate = AdmissionGate(limit=1, queue=0)
    with pytest.raises(RuntimeError):
        async with gate.slot():
            raise RuntimeError("boom")
    async with gate.slot():
        pass


async def test_a_drained_burst_is_reported_once_after_a_lull_and_small_loads_are_not() -> None:
    bursts: list[int] = []
    gate = AdmissionGate(8, 8, after_burst=lambda: bursts.append(1), burst=4, lull=0.05)
    release = asyncio.Event()

    async def request() -> None:
        async with gate.slot():
            await release.wait()

    async def wave(size: int) -> None:
        release.clear()
        tasks = [asyncio.create_task(request()) for _ in range(size)]
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(*tasks)

    await wave(3)
    await asyncio.sleep(0.1)
    assert bursts == [], "three at once is no burst"
    await wave(6)
    assert bursts == [], "not while the last answer is still being sent"
    await asyncio.sleep(0.1)
    assert bursts == [1], "reported once the lull passed"
    async with gate.slot():
        pass
    await asyncio.sleep(0.1)
    assert bursts == [1], "once per burst"


async def test_a_burst_that_drains_into_another_waits_for_the_real_lull() -> None:
    bursts: list[int] = []
    gate = AdmissionGate(8, 8, after_burst=lambda: bursts.append(1), burst=2, lull=0.05)
    hold = asyncio.Event()

    async def request(event: asyncio.Event) -> None:
        async with gate.slot():
            await event.wait()

    first = asyncio.Event()
    await asyncio.sleep(0)
    wave = [asyncio.create_task(request(first)) for _ in range(3)]
    await asyncio.sleep(0)
    first.set()
    await asyncio.gather(*wave)
    busy = asyncio.create_task(request(hold))  # arrives before the lull is over
    await asyncio.sleep(0.1)
    assert bursts == [], "still busy when the lull would have ended"
    hold.set()
    await busy
    await asyncio.sleep(0.1)
    assert bursts == [1]
