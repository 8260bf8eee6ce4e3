from datetime import UTC, datetime
from pathlib import Path

import pytest

from shim.adapters.state.alias_file import AliasFile
from shim.domain.completion import Sampling
from shim.domain.errors import ShimError
from shim.domain.models import ModelDefaults
from shim.domain.ports import Alias

pytestmark = pytest.mark.anyio

ALIAS = Alias(
    name="pirate",
    target="qwen/qwen3-8b",
    defaults=ModelDefaults(system="arr", sampling=Sampling(temperature=0.9, stop=("X",))),
    created_at=datetime(2026, 5, 1, tzinfo=UTC),
)


async def test_round_trips_through_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "aliases.json"
    await AliasFile(path).save([ALIAS])
    assert await AliasFile(path).load() == [ALIAS]
    assert not [p for p in path.parent.iterdir() if p.name != "aliases.json"], (
        "no temporary files left"
    )


async def test_a_missing_file_means_no_aliases(tmp_path: Path) -> None:
    assert await AliasFile(tmp_path / "none.json").load() == []


async def test_a_corrupt_file_is_reported_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "aliases.json"
    path.write_text("{not json")
    with pytest.raises(ShimError, match="unreadable"):
        await AliasFile(path).load()
