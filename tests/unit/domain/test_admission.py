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


async def test_counts_what_runs_and_what_was_let_through() -> None:
    gate = AdmissionGate(limit=2, queue=0)
    async with gate.slot():
        assert (gate.running, gate.admitted) == (1, 1)
    async with gate.slot():
        pass
    assert (gate.running, gate.admitted) == (0, 2)
