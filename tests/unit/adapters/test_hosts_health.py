"""What the domain makes of the backend's hosts: readiness, and a cache that hears of them."""

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.pool import HostPool
from shim.domain.catalog import CachedModelCatalog, UnsharedChanges
from shim.domain.hosts import BackendHealth, HostAwareChanges, OneBackend
from shim.domain.models import ModelRecord
from tests.support.fake_hosts import FakeHost

pytestmark = pytest.mark.anyio


async def test_a_host_going_down_or_back_makes_the_cached_list_stale() -> None:
    a, b = (
        FakeHost("http://a", [ModelRecord(key="a")]),
        FakeHost("http://b", [ModelRecord(key="b")]),
    )
    pool = HostPool([a.host, b.host])

    cached = CachedModelCatalog(
        UnionCatalog(pool), ttl_seconds=3600, changes=HostAwareChanges(UnsharedChanges(), pool)
    )
    assert [m.key for m in await cached.list_models()] == ["a", "b"]
    b.switch(False)
    await pool.check_all()
    assert [m.key for m in await cached.list_models()] == ["a"]
    b.switch(True)
    await pool.check_all()
    assert [m.key for m in await cached.list_models()] == ["a", "b"]


async def test_health_reports_the_models_and_every_host() -> None:
    a, b = FakeHost("http://a", [ModelRecord(key="a")]), FakeHost("http://b", [])
    b.switch(False)
    pool = HostPool([a.host, b.host])

    report = await BackendHealth(UnionCatalog(pool), pool).check()
    assert (report.models, report.error) == (1, None)
    assert [(h.url, h.up, h.models, h.error) for h in report.hosts] == [
        ("http://a", True, 1, None),
        ("http://b", False, 0, "cannot reach the fake backend: switched off"),
    ]


async def test_one_backend_reports_no_hosts_and_the_catalog_failure() -> None:
    catalog = FakeModelCatalog()
    catalog.reachable = False
    report = await BackendHealth(catalog, OneBackend()).check()
    assert report.models is None
    assert report.error == "cannot reach the fake backend: switched off"
    assert report.hosts == ()
