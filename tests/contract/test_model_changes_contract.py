"""One behavioural suite for every shared ModelChanges: the change file of one shim's workers,
and the Redis counter of several shims. Two instances over one place stand for two processes."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.redis_changes import RedisModelChanges
from shim.domain.ports import ModelChanges
from tests.support.log_capture import LogCapture

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


def test_an_unreachable_redis_neither_fails_nor_claims_a_change(log_capture: LogCapture) -> None:
    earlier = len(log_capture.records)
    with redis.Redis.from_url("redis://127.0.0.1:9/0") as client:
        changes = RedisModelChanges(client, "shim:models-revision")
        changes.announce()
        assert [changes.revision() for _ in range(5)] == [None] * 5
    events = [record["event"] for record in log_capture.records[earlier:]]
    assert events.count("state.redis_changes_unread") == 1, "one warning, not one per request"
    assert "state.redis_change_not_shared" in events


def test_a_redis_back_again_is_read_and_said_so(redis_url: str, log_capture: LogCapture) -> None:
    earlier = len(log_capture.records)
    with redis.Redis.from_url(redis_url) as client:
        changes = RedisModelChanges(client, "shim:models-revision")
        where = client.connection_pool.connection_kwargs
        port, where["port"] = where["port"], 9  # out of reach for a while, then back
        assert changes.revision() is None
        client.connection_pool.reset()
        where["port"] = port
        changes.announce()
        assert changes.revision() is not None
    events = [record["event"] for record in log_capture.records[earlier:]]
    assert "state.redis_changes_read_again" in events
