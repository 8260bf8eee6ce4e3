import asyncio

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.catalog import CachedModelCatalog
from shim.domain.errors import UpstreamUnavailable
from shim.domain.models import ModelRecord

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class SlowCatalog(FakeModelCatalog):
    def __init__(self) -> None:
        super().__init__((ModelRecord(key="m"),))
        self.release = asyncio.Event()
        self.asked = asyncio.Event()

    async def list_models(self) -> tuple[ModelRecord, ...]:
        self.asked.set()
        await self.release.wait()
        return await super().list_models()


async def test_serves_from_memory_until_the_ttl_passes() -> None:
    source, clock = FakeModelCatalog(), Clock()
    cache = CachedModelCatalog(source, ttl_seconds=5, clock=clock)
    await cache.list_models()
    clock.now = 4.9
    await cache.list_models()
    assert source.calls == 1
    clock.now = 5.1
    await cache.list_models()
    assert source.calls == 2


async def test_the_snapshot_is_the_list_only_while_it_is_fresh() -> None:
    source, clock = FakeModelCatalog(), Clock()
    cache = CachedModelCatalog(source, ttl_seconds=5, clock=clock)
    assert cache.snapshot() is None, "nothing known before the first listing"
    listed = await cache.list_models()
    assert cache.snapshot() is listed
    cache.invalidate()
    assert cache.snapshot() is None
    listed = await cache.list_models()
    clock.now = 5.1
    assert cache.snapshot() is None
    assert source.calls == 2, "asking for the snapshot never asks the backend"


async def test_a_backend_catalog_has_no_snapshot() -> None:
    assert FakeModelCatalog().snapshot() is None


async def test_concurrent_misses_share_one_fetch() -> None:
    source = SlowCatalog()
    cache = CachedModelCatalog(source, ttl_seconds=5)
    waiters = [asyncio.create_task(cache.list_models()) for _ in range(100)]
    await asyncio.sleep(0)
    source.release.set()
    results = await asyncio.gather(*waiters)
    assert source.calls == 1
    assert all(result is results[0] for result in results)


async def test_a_cancelled_waiter_does_not_cancel_the_shared_fetch() -> None:
    source = SlowCatalog()
    cache = CachedModelCatalog(source, ttl_seconds=5)
    quitter = asyncio.create_task(cache.list_models())
    stayer = asyncio.create_task(cache.list_models())
    await asyncio.sleep(0)
    quitter.cancel()
    source.release.set()
    assert [m.key for m in await stayer] == ["m"]


async def test_failures_are_not_cached() -> None:
    source = FakeModelCatalog()
    cache = CachedModelCatalog(source, ttl_seconds=60)
    source.reachable = False
    with pytest.raises(UpstreamUnavailable):
        await cache.list_models()
    source.reachable = True
    assert len(await cache.list_models()) == 3


async def test_invalidate_forces_a_fresh_fetch() -> None:
    source = FakeModelCatalog()
    cache = CachedModelCatalog(source, ttl_seconds=60)
    await cache.list_models()
    cache.invalidate()
    await cache.list_models()
    assert source.calls == 2


async def test_invalidate_during_a_fetch_keeps_its_result_from_being_cached() -> None:
    source = SlowCatalog()
    cache = CachedModelCatalog(source, ttl_seconds=60)
    pending = asyncio.create_task(cache.list_models())
    await asyncio.sleep(0)
    cache.invalidate()
    source.release.set()
    await pending
    await cache.list_models()
    assert source.calls == 2


class Changes:
    """Word of changes as worker processes share it: a counter anyone may raise."""

    def __init__(self) -> None:
        self.value = 0

    def announce(self) -> None:
        self.value += 1

    def revision(self) -> int:
        return self.value


async def test_a_change_announced_elsewhere_ends_the_cached_list() -> None:
    source, changes = FakeModelCatalog(), Changes()
    cache = CachedModelCatalog(source, ttl_seconds=60, changes=changes)
    listed = await cache.list_models()
    assert cache.snapshot() is listed
    changes.announce()  # say, another worker loaded a model
    assert cache.snapshot() is None
    await cache.list_models()
    await cache.list_models()
    assert source.calls == 2, "fetched again once, then cached under the new revision"


async def test_invalidating_announces_the_change_to_the_others() -> None:
    changes = Changes()
    CachedModelCatalog(FakeModelCatalog(), ttl_seconds=60, changes=changes).invalidate()
    assert changes.value == 1


async def test_a_change_during_a_fetch_is_not_hidden_by_it() -> None:
    source, changes = SlowCatalog(), Changes()
    cache = CachedModelCatalog(source, ttl_seconds=60, changes=changes)
    fetch = asyncio.ensure_future(cache.list_models())
    await source.asked.wait()
    changes.announce()  # the source may have read the state from before
    source.release.set()
    await fetch
    assert cache.snapshot() is None
