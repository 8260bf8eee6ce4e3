"""Each host tells its watcher what it is now, every time that may have changed."""

import pytest

from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.pool import HostPool
from shim.adapters.hosts.routed import RoutedStreamer
from shim.domain.completion import ChatMessage, CompletionRequest
from shim.domain.hosts import HostStatus
from shim.domain.models import ModelRecord
from tests.support.fake_hosts import FakeHost

pytestmark = pytest.mark.anyio

ASK = (ChatMessage(role="user", content="hello"),)


def seen(told: list[HostStatus]) -> list[tuple[bool, int, int]]:
    return [(status.up, status.in_flight, status.models) for status in told]


async def test_a_check_tells_up_with_the_models_then_down_then_up_again() -> None:
    told: list[HostStatus] = []
    host = FakeHost("http://a", [ModelRecord(key="a"), ModelRecord(key="b")], told.append)
    pool = HostPool([host.host])
    assert told == [], "nothing is told before the host was asked anything"
    await pool.check_all()
    host.switch(False)
    await pool.check_all()
    host.switch(True)
    await pool.check_all()
    assert seen(told) == [(True, 0, 2), (False, 0, 0), (True, 0, 2)]
    assert {status.url for status in told} == {"http://a"}
    assert told[1].error == "cannot reach the fake backend: switched off"


async def test_a_request_is_told_in_flight_while_it_runs() -> None:
    told: list[HostStatus] = []
    host = FakeHost("http://a", [ModelRecord(key="chat")], told.append)
    pool = HostPool([host.host])
    await UnionCatalog(pool).list_models()
    request = CompletionRequest(model="chat", messages=ASK)
    events = RoutedStreamer(pool).stream(request)
    await anext(events)
    assert seen(told)[-1] == (True, 1, 1)
    async for _ in events:
        pass
    assert seen(told)[-1] == (True, 0, 1)


async def test_a_request_that_finds_its_host_gone_tells_it_down() -> None:
    told: list[HostStatus] = []
    a = FakeHost("http://a", [ModelRecord(key="chat")], told.append)
    b = FakeHost("http://b", [ModelRecord(key="chat")])
    pool = HostPool([a.host, b.host])
    await UnionCatalog(pool).list_models()
    a.switch(False)
    request = CompletionRequest(model="chat", messages=ASK)
    assert [event async for event in RoutedStreamer(pool).stream(request)], "b answered"
    assert seen(told)[-2:] == [(False, 1, 0), (False, 0, 0)]
