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


async def test_a_fresh_list_is_the_same_object_until_it_changes() -> None:
    """The /api/tags body is encoded once per list: it is reused while the list is the same."""
    source, clock = FakeModelCatalog(), Clock()
    cache = CachedModelCatalog(source, ttl_seconds=5, clock=clock)
    listed = await cache.list_models()
    assert await cache.list_models() is listed
    assert source.calls == 1
    cache.invalidate()
    await cache.list_models()
    assert source.calls == 2


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
    await cache.list_models()
    await cache.list_models()
    assert source.calls == 1
    changes.announce()  # say, another worker loaded a model
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
    await cache.list_models()
    assert source.calls == 2, "the list fetched across the change was not kept"
