import asyncio
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from shim.adapters.state.alias_file import AliasFile
from shim.domain.completion import Sampling
from shim.domain.errors import ShimError
from shim.domain.models import ModelDefaults
from shim.domain.ports import Alias, AliasChange

ALIAS = Alias(
    name="pirate",
    target="qwen/qwen3-8b",
    defaults=ModelDefaults(system="arr", sampling=Sampling(temperature=0.9, stop=("X",))),
    created_at=datetime(2026, 5, 1, tzinfo=UTC),
)


def add(alias: Alias) -> AliasChange:
    return lambda aliases: [*aliases, alias]


@pytest.mark.anyio
async def test_round_trips_through_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "aliases.json"
    assert await AliasFile(path).update(add(ALIAS)) == [], "the aliases as they were"
    assert await AliasFile(path).load() == [ALIAS]
    assert sorted(p.name for p in path.parent.iterdir()) == [".aliases.json.lock", "aliases.json"]


@pytest.mark.anyio
async def test_an_update_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    store = AliasFile(tmp_path / "aliases.json")
    await store.update(add(ALIAS))
    before = (tmp_path / "aliases.json").stat()
    await store.update(lambda aliases: aliases)
    after = (tmp_path / "aliases.json").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def add_many_in_a_process(path: Path, prefix: str, count: int) -> None:
    async def add_each() -> None:
        store = AliasFile(path)
        for number in range(count):
            await store.update(add(msgspec.structs.replace(ALIAS, name=f"{prefix}{number}")))

    asyncio.run(add_each())


def test_processes_changing_aliases_at_once_lose_nothing(tmp_path: Path) -> None:
    path, spawn = tmp_path / "aliases.json", multiprocessing.get_context("spawn")
    writers = [
        spawn.Process(target=add_many_in_a_process, args=(path, prefix, 100)) for prefix in "ab"
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [writer.exitcode for writer in writers] == [0, 0]
    names = {alias.name for alias in asyncio.run(AliasFile(path).load())}
    assert names == {f"{prefix}{n}" for prefix in "ab" for n in range(100)}


@pytest.mark.anyio
async def test_a_missing_file_means_no_aliases(tmp_path: Path) -> None:
    assert await AliasFile(tmp_path / "none.json").load() == []


@pytest.mark.anyio
async def test_a_corrupt_file_is_reported_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "aliases.json"
    path.write_text("{not json")
    with pytest.raises(ShimError, match="unreadable"):
        await AliasFile(path).load()


@pytest.mark.anyio
async def test_where_no_file_can_be_there_are_no_aliases_and_none_can_be_saved(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain-file").write_text("")
    store = AliasFile(tmp_path / "plain-file" / "aliases.json")
    assert await store.load() == []
    with pytest.raises(ShimError, match=r"^cannot save aliases in .*plain-file: "):
        await store.update(add(ALIAS))
