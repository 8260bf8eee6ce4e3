"""Which discovery requests are ready before routing, and the bytes they are answered with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shim.api.ollama.discovery_answers import DiscoveryAnswers
from shim.api.ollama.tags_body import tags_body
from shim.api.server_info import ServerInfo
from shim.domain.models import ModelRecord

INFO = ServerInfo(ollama_version="0.13.5", started_at=datetime(2025, 1, 1, tzinfo=UTC))
MODELS = (ModelRecord(key="qwen3-8b"),)


def request(path: str, method: str = "GET", *headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {"type": "http", "path": path, "method": method, "headers": [*headers]}


def answers(models: tuple[ModelRecord, ...] | None = MODELS, *admits: Any) -> DiscoveryAnswers:
    return DiscoveryAnswers(lambda: models, INFO, admits)


def test_the_version_is_always_ready() -> None:
    ready = answers(None).ready(request("/api/version"))
    assert ready is not None
    assert ready.body == b'{"version":"0.13.5"}'
    assert ready.head == (
        b"content-type: application/json; charset=utf-8\r\ncontent-length: 20\r\n"
    )


def test_the_tags_are_ready_only_from_a_fresh_snapshot() -> None:
    assert answers(None).ready(request("/api/tags")) is None, "the router refreshes the catalog"
    ready = answers().ready(request("/api/tags", "HEAD"))
    assert ready is not None
    assert ready.body == tags_body(MODELS, INFO)
    assert b"content-length: %d\r\n" % len(ready.body) in ready.head


def test_one_snapshot_is_encoded_once() -> None:
    snapshots = [MODELS]
    discovery = DiscoveryAnswers(lambda: snapshots[0], INFO, [])
    first = discovery.ready(request("/api/tags"))
    assert discovery.ready(request("/api/tags")) is first
    snapshots[0] = (ModelRecord(key="other"),)
    changed = discovery.ready(request("/api/tags"))
    assert changed is not None
    assert b"other" in changed.body


@pytest.mark.parametrize(
    "scope",
    [
        request("/api/tags", "POST"),
        request("/api/tags", "OPTIONS"),
        request("/api/ps"),
        request("/api/tags", "GET", (b"origin", b"http://localhost:3000")),
    ],
    ids=["post", "preflight", "other-route", "cors"],
)
def test_anything_else_goes_to_the_router(scope: dict[str, Any]) -> None:
    assert answers().ready(scope) is None


def test_every_admission_check_must_let_the_request_through() -> None:
    seen: list[str] = []

    def yes(scope: dict[str, Any]) -> bool:
        seen.append(scope["path"])
        return True

    assert answers(MODELS, yes, lambda _: False).ready(request("/api/version")) is None
    assert answers(MODELS, yes, yes).ready(request("/api/tags")) is not None
    assert seen == ["/api/version", "/api/tags", "/api/tags"]
