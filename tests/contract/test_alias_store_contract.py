"""One behavioural suite for every AliasStore: the file shared by workers, and the in-memory store of
the fake backend and of a shim without a state directory."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shim.adapters.state.alias_file import AliasFile, MemoryAliasStore
from shim.domain.completion import Sampling
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


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AliasStore:
    if request.param == "file":
        return AliasFile(tmp_path / "state" / "aliases.json")
    return MemoryAliasStore()


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
