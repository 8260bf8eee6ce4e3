"""One behavioural suite for every shared ModelChanges: the change file of one shim's workers,
and the Redis counter of several shims. Two instances over one place stand for two processes."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.redis_changes import RedisModelChanges
from shim.domain.ports import ModelChanges

MakeChanges = Callable[[], ModelChanges]


@pytest.fixture(params=["file", "redis"])
def make_changes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeChanges]:
    """Makes another process's view of the same shared place."""
    if request.param == "file":
        yield lambda: ChangeFile(tmp_path / "models-changed")
        return
    clients: list[redis.Redis] = []

    def over_redis() -> ModelChanges:
        clients.append(redis.Redis.from_url(request.getfixturevalue("redis_url")))
        return RedisModelChanges(clients[-1], "shim:models-revision")

    yield over_redis
    for client in clients:
        client.close()


def test_the_revision_holds_while_nobody_announces(make_changes: MakeChanges) -> None:
    changes = make_changes()
    changes.announce()
    assert changes.revision() == changes.revision()


def test_an_announcement_is_seen_by_the_other_process_at_once(make_changes: MakeChanges) -> None:
    one, other = make_changes(), make_changes()
    before = other.revision()
    one.announce()
    after = other.revision()
    assert after != before
    other.announce()
    assert one.revision() not in (before, after)


def test_an_unreachable_redis_neither_fails_nor_claims_a_change() -> None:
    with redis.Redis.from_url("redis://127.0.0.1:9/0") as client:
        changes = RedisModelChanges(client, "shim:models-revision")
        changes.announce()
        assert changes.revision() is None
        assert changes.revision() is None
