"""Several hosts as one backend: the union of their catalogs, routing, failover, checks."""

import pytest

from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.host import HostAdapters
from shim.adapters.hosts.lifecycle import RoutedDownloader, RoutedLifecycle
from shim.adapters.hosts.pool import HostPool
from shim.adapters.hosts.routed import RoutedEmbedder, RoutedStreamer
from shim.domain.completion import ChatMessage, CompletionRequest, Finish
from shim.domain.errors import UpstreamRejected, UpstreamUnavailable
from shim.domain.models import LoadedInstance, ModelRecord
from shim.domain.ports import ModelCatalog
from tests.support.fake_hosts import FakeHost

pytestmark = pytest.mark.anyio

LOADED = (LoadedInstance(instance_id="chat", context_length=4096),)
ASK = (ChatMessage(role="user", content="hello"),)


def chat(loaded: bool = False) -> ModelRecord:
    return ModelRecord(key="chat", loaded_instances=LOADED if loaded else ())


def only(key: str, kind: str = "llm") -> ModelRecord:
    return ModelRecord(key=key, kind=kind)  # type: ignore[arg-type]


async def listed(pool: HostPool) -> list[ModelRecord]:
    return await UnionCatalog(pool).list_models()


async def run(streamer: RoutedStreamer, model: str = "chat") -> list[object]:
    return [event async for event in streamer.stream(CompletionRequest(model=model, messages=ASK))]


async def test_a_model_on_several_hosts_is_one_entry_naming_them_all() -> None:
    a, b = FakeHost("http://a", [chat(), only("a-only")]), FakeHost("http://b", [chat(True)])
    models = {model.key: model for model in await listed(HostPool([a.host, b.host]))}
    assert sorted(models) == ["a-only", "chat"]
    assert models["chat"].hosts == ("http://a", "http://b")
    assert models["chat"].loaded_instances == LOADED, "loaded on b, so /api/ps shows it"
    assert models["a-only"].hosts == ("http://a",)


async def test_a_model_loaded_on_two_hosts_shows_its_instance_once() -> None:
    second = LoadedInstance(instance_id="chat:2", context_length=8192)
    a = FakeHost("http://a", [chat(True)])
    b = FakeHost("http://b", [ModelRecord(key="chat", loaded_instances=(*LOADED, second))])
    [model] = await listed(HostPool([a.host, b.host]))
    assert model.loaded_instances == (*LOADED, second)


async def test_a_host_down_leaves_the_catalog_and_the_others_still_serve() -> None:
    a, b = FakeHost("http://a", [only("a-only")]), FakeHost("http://b", [only("b-only")])
    b.switch(False)
    pool = HostPool([a.host, b.host])
    assert [model.key for model in await listed(pool)] == ["a-only"]
    assert [status.up for status in pool.statuses()] == [True, False]
    b.switch(True)
    assert [model.key for model in await listed(pool)] == ["a-only"], "b waits for its check"
    await pool.check_all()
    assert sorted(model.key for model in await listed(pool)) == ["a-only", "b-only"]


async def test_no_host_answering_is_unavailable_naming_why() -> None:
    a = FakeHost("http://a", [chat()])
    a.switch(False)
    with pytest.raises(UpstreamUnavailable, match="switched off"):
        await listed(HostPool([a.host]))


async def test_routing_prefers_the_host_with_the_model_loaded() -> None:
    a, b = FakeHost("http://a", [chat()]), FakeHost("http://b", [chat(True)])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    assert [host.url for host in pool.candidates("chat")] == ["http://b", "http://a"]


async def test_routing_then_prefers_the_least_busy_and_skips_hosts_without_the_model() -> None:
    a, b, c = (FakeHost(url, [chat()]) for url in ("http://a", "http://b", "http://c"))
    lacking = FakeHost("http://d", [only("other")])
    pool = HostPool([a.host, b.host, c.host, lacking.host])
    await listed(pool)
    with a.host.busy(), a.host.busy(), b.host.busy():
        assert [host.url for host in pool.candidates("chat")] == [
            "http://c",
            "http://b",
            "http://a",
        ]
    assert [host.url for host in pool.candidates("chat")] == ["http://a", "http://b", "http://c"]


async def test_routing_skips_hosts_that_are_down() -> None:
    a, b = FakeHost("http://a", [chat(True)]), FakeHost("http://b", [chat()])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    a.switch(False)
    await pool.check_all()
    assert [host.url for host in pool.candidates("chat")] == ["http://b"]
    b.switch(False)
    await pool.check_all()
    with pytest.raises(UpstreamUnavailable, match="no LM Studio host is up to serve chat"):
        pool.candidates("chat")


async def test_a_model_no_host_listed_goes_to_the_first_up_host_to_answer_for_itself() -> None:
    a, b = FakeHost("http://a", [only("other")]), FakeHost("http://b", [only("other")])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    with b.host.busy():
        assert [host.url for host in pool.candidates("new")] == ["http://a", "http://b"]
    with pytest.raises(UpstreamRejected, match="Invalid model identifier"):
        await run(RoutedStreamer(pool), model="new")
    assert b.streamer.opened == 0, "a refusal is an answer: nothing is sent elsewhere"


async def test_a_stream_goes_to_the_routed_host_and_counts_while_it_runs() -> None:
    a, b = FakeHost("http://a", [chat()]), FakeHost("http://b", [chat(True)])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    stream = RoutedStreamer(pool).stream(CompletionRequest(model="chat", messages=ASK))
    await anext(stream)
    assert (a.host.in_flight, b.host.in_flight) == (0, 1)
    rest = [event async for event in stream]
    assert isinstance(rest[-1], Finish)
    assert (len(a.streamer.inner.requests), len(b.streamer.inner.requests)) == (0, 1)
    assert b.host.in_flight == 0


async def test_a_host_that_cannot_be_reached_passes_the_stream_to_the_next() -> None:
    a, b = FakeHost("http://a", [chat(True)]), FakeHost("http://b", [chat()])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    a.switch(False)  # down since the last check, which has not run yet
    events = await run(RoutedStreamer(pool))
    assert isinstance(events[-1], Finish)
    assert len(b.streamer.inner.requests) == 1
    assert not a.host.up, "the failed connection marks it down at once"


async def test_a_stream_that_has_begun_is_never_run_again_elsewhere() -> None:
    a, b = FakeHost("http://a", [chat(True)]), FakeHost("http://b", [chat()])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    a.streamer.fail_after = 1
    with pytest.raises(UpstreamUnavailable, match="mid-answer"):
        await run(RoutedStreamer(pool))
    assert b.streamer.opened == 0


async def test_when_every_host_is_unreachable_the_stream_is_unavailable() -> None:
    a, b = FakeHost("http://a", [chat()]), FakeHost("http://b", [chat()])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    a.switch(False)
    b.switch(False)
    with pytest.raises(UpstreamUnavailable, match="switched off"):
        await run(RoutedStreamer(pool))


async def test_embeddings_fail_over_to_a_host_that_answers() -> None:
    embed = only("embed", kind="embedding")
    a, b = FakeHost("http://a", [embed]), FakeHost("http://b", [embed])
    pool = HostPool([a.host, b.host])
    await listed(pool)
    a.switch(False)
    reply = await RoutedEmbedder(pool).embed("embed", ["hi"])
    assert len(reply.vectors) == 1
    assert (len(a.embedder.inner.requests), len(b.embedder.inner.requests)) == (0, 1)
    assert not a.host.up


async def test_a_load_goes_to_the_least_busy_host_and_the_next_stream_follows_it() -> None:
    a, b = FakeHost("http://a", [chat()]), FakeHost("http://b", [chat()])
    pool = HostPool([a.host, b.host])
    [record] = await listed(pool)
    with a.host.busy():
        await RoutedLifecycle(pool).load(record, keep_alive_seconds=None, context_length=None)
    assert (a.lifecycle.loads, [key for key, _ in b.lifecycle.loads]) == ([], ["chat"])
    await listed(pool)
    await run(RoutedStreamer(pool))
    assert len(b.streamer.inner.requests) == 1


async def test_an_unload_frees_the_model_on_every_host_holding_it() -> None:
    a, b, c = (
        FakeHost("http://a", [chat(True)]),
        FakeHost("http://b", [chat(True)]),
        FakeHost("http://c", [chat()]),
    )
    pool = HostPool([a.host, b.host, c.host])
    [record] = await listed(pool)
    await RoutedLifecycle(pool).unload(record)
    assert (a.lifecycle.unloads, b.lifecycle.unloads, c.lifecycle.unloads) == (
        ["chat"],
        ["chat"],
        [],
    )
    [after] = await listed(pool)
    assert not after.is_loaded


async def test_a_pull_goes_to_the_first_host_that_is_up() -> None:
    a, b = FakeHost("http://a", []), FakeHost("http://b", [])
    pool = HostPool([a.host, b.host])
    a.switch(False)
    await pool.check_all()
    steps = [p.state async for p in RoutedDownloader(pool).download("fake/granite-micro", None)]
    assert steps[-1] == "completed"
    assert [m.key for m in b.catalog.models] == ["fake/granite-micro"]
    assert a.catalog.models == ()


class BrokenCatalog(ModelCatalog):
    async def list_models(self) -> list[ModelRecord]:
        raise RuntimeError("a bug in a catalog")


async def test_a_check_that_breaks_marks_its_host_down_and_spares_the_others() -> None:
    a, b = FakeHost("http://a", [chat()]), FakeHost("http://b", [chat()])
    a.host.adapters = HostAdapters(BrokenCatalog(), *a.host.adapters[1:])
    pool = HostPool([a.host, b.host])
    await pool.check_all()
    assert [(s.up, s.error) for s in pool.statuses()] == [
        (False, "checking http://a failed: a bug in a catalog"),
        (True, None),
    ]
