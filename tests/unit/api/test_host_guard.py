import socket

import pytest

from shim.api.host_guard import HostGuardMiddleware, is_loopback_bind


async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    """Never reached in these tests."""


GUARD = HostGuardMiddleware(app, extra_hosts=["shim.corp"])


@pytest.mark.parametrize(
    "host",
    [
        "",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "::1",
        "10.1.2.3",
        "192.168.0.9",
        "0.0.0.0",
        "box.local",
        "api.internal",
        "app.localhost",
        "shim.corp",
        socket.gethostname().lower(),
    ],
)
def test_local_names_and_addresses_pass(host: str) -> None:
    assert GUARD.allows(host)


@pytest.mark.parametrize("host", ["evil.example", "8.8.8.8", "localhost.evil.com", "internal"])
def test_foreign_names_are_refused(host: str) -> None:
    assert not GUARD.allows(host)


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.2", False),
    ],
)
def test_the_guard_applies_only_to_loopback_binds(bind: str, loopback: bool) -> None:
    assert is_loopback_bind(bind) is loopback


async def _status_for(guard: HostGuardMiddleware, host: bytes) -> int:
    sent: list[dict[str, object]] = []

    async def passed(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    guard.app = passed
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", host)]}
    await guard(scope, None, send)  # type: ignore[arg-type]
    return int(sent[0]["status"])  # type: ignore[call-overload]


async def test_verdicts_stay_right_when_remembered_and_the_memory_is_bounded() -> None:
    guard = HostGuardMiddleware(app)
    for n in range(1000):
        assert await _status_for(guard, b"evil%d.example:11434" % n) == 403
    for _ in range(2):
        assert await _status_for(guard, b"127.0.0.1:11434") == 200
        assert await _status_for(guard, b"evil1.example:11434") == 403
        assert await _status_for(guard, b"evil999.example:11434") == 403
    assert len(guard._verdicts) <= 256
