"""One behavioural suite for every AliasStore: the file shared by workers, Redis shared by several
shims, and the in-memory store of the fake backend and of a shim without a state directory."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis.asyncio

from shim.adapters.state.alias_file import AliasFile, MemoryAliasStore
from shim.adapters.state.redis_aliases import RedisAliasStore
from shim.domain.completion import Sampling
from shim.domain.errors import ShimError, StateUnavailable
from shim.domain.models import ModelDefaults
from shim.domain.ports import Alias, AliasStore

pytestmark = pytest.mark.anyio

CREATED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def alias(name: str, target: str = "qwen3.6-35b-a3b-mtp") -> Alias:
    return Alias(name=name, target=target, created_at=CREATED)


TUNED = Alias(
    name="tuned",
    target="google/gemma-4-12b-qat",
    defaults=ModelDefaults(
        system="Answer briefly.",
        sampling=Sampling(temperature=0.2, top_k=40, stop=("###",)),
        context_length=16384,
        template="{{ .Prompt }}",
    ),
    created_at=CREATED,
)


@pytest.fixture(params=["file", "redis", "memory"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AliasStore]:
    if request.param == "file":
        yield AliasFile(tmp_path / "state" / "aliases.json")
    elif request.param == "redis":
        url = request.getfixturevalue("redis_url")
        async with redis.asyncio.Redis.from_url(url) as client:
            yield RedisAliasStore(client, "shim:aliases")
    else:
        yield MemoryAliasStore()


async def test_a_new_store_holds_no_aliases(store: AliasStore) -> None:
    assert await store.load() == []


async def test_load_returns_what_was_saved_defaults_included(store: AliasStore) -> None:
    await store.update(lambda saved: [*saved, alias("first"), TUNED])
    assert await store.load() == [alias("first"), TUNED]


async def test_update_hands_the_change_what_is_saved_and_returns_it(store: AliasStore) -> None:
    await store.update(lambda saved: [*saved, alias("first")])
    seen: list[list[Alias]] = []

    def change(saved: list[Alias]) -> list[Alias]:
        seen.append(list(saved))
        return [alias("second")]

    before = await store.update(change)
    assert seen == [[alias("first")]]
    assert before == [alias("first")], "the aliases as they were, not as they are now"
    assert await store.load() == [alias("second")]


async def test_an_update_can_remove_every_alias(store: AliasStore) -> None:
    await store.update(lambda saved: [alias("first"), alias("second")])
    assert await store.update(lambda saved: []) == [alias("first"), alias("second")]
    assert await store.load() == []


async def test_a_change_that_fails_saves_nothing(store: AliasStore) -> None:
    await store.update(lambda saved: [alias("first")])

    def failing(saved: list[Alias]) -> list[Alias]:
        raise RuntimeError("the change gave up")

    with pytest.raises(RuntimeError, match="gave up"):
        await store.update(failing)
    assert await store.load() == [alias("first")]


async def test_concurrent_updates_never_lose_one_another(store: AliasStore) -> None:
    """Each change sees the result of every change made before it: none is computed from a list
    another writer has since replaced."""
    names = [f"alias-{n}" for n in range(12)]
    befores = await asyncio.gather(
        *(store.update(lambda saved, name=name: [*saved, alias(name)]) for name in names)
    )
    saved = await store.load()
    assert sorted(a.name for a in saved) == sorted(names)
    assert sorted(len(before) for before in befores) == list(range(len(names)))


async def test_changing_a_loaded_list_changes_nothing_saved(store: AliasStore) -> None:
    await store.update(lambda saved: [alias("first")])
    (await store.load()).append(alias("intruder"))
    before = await store.update(lambda saved: saved)
    before.append(alias("another intruder"))
    assert await store.load() == [alias("first")]


async def test_a_change_made_in_place_is_saved(store: AliasStore) -> None:
    def append(saved: list[Alias]) -> list[Alias]:
        saved.append(alias("in-place"))
        return saved

    before = await store.update(append)
    assert before == []
    assert await store.load() == [alias("in-place")]


async def test_two_redis_stores_on_one_server_share_their_aliases(redis_url: str) -> None:
    """Two shims, one Redis: what one saves the other loads, and concurrent changes from both
    are all kept."""
    async with (
        redis.asyncio.Redis.from_url(redis_url) as first_client,
        redis.asyncio.Redis.from_url(redis_url) as second_client,
    ):
        first = RedisAliasStore(first_client, "shim:aliases")
        second = RedisAliasStore(second_client, "shim:aliases")
        await asyncio.gather(
            *(
                (first if n % 2 else second).update(
                    lambda saved, n=n: [*saved, alias(f"alias-{n}")]
                )
                for n in range(10)
            )
        )
        assert sorted(a.name for a in await second.load()) == sorted(
            f"alias-{n}" for n in range(10)
        )


async def test_unreadable_aliases_in_redis_are_a_clear_error(redis_url: str) -> None:
    async with redis.asyncio.Redis.from_url(redis_url) as client:
        await client.set("shim:aliases", b"not json")
        with pytest.raises(ShimError, match="unreadable"):
            await RedisAliasStore(client, "shim:aliases").load()


async def test_a_redis_that_does_not_answer_is_said_to_be_unavailable() -> None:
    async with redis.asyncio.Redis.from_url("redis://127.0.0.1:9/0") as client:
        with pytest.raises(StateUnavailable, match="cannot read aliases from Redis"):
            await RedisAliasStore(client, "shim:aliases").load()
        with pytest.raises(StateUnavailable, match="cannot save aliases in Redis"):
            await RedisAliasStore(client, "shim:aliases").update(lambda saved: saved)
