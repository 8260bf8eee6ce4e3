"""The labels metrics are kept under: few, whatever the paths and ids requests carry."""

from __future__ import annotations

import pytest

from shim.adapters.upstream_http import route_of
from shim.main.metrics_http import dialect_of, is_stream


@pytest.mark.parametrize(
    ("path", "dialect"),
    [
        ("/api/chat", "ollama"),
        ("/", "ollama"),
        ("/v1/chat/completions", "openai"),
        ("/v1/messages", "anthropic"),
        ("/healthz", "ops"),
        ("/readyz", "ops"),
        ("/metrics", "ops"),
    ],
)
def test_a_path_belongs_to_its_dialect(path: str, dialect: str) -> None:
    assert dialect_of(path) == dialect


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/api/v1/models", "/api/v1/models"),
        ("/api/v1/models/download/status/job-42", "/api/v1/models/download/status/{job}"),
        ("/v1/models?x=1", "/v1/models"),
    ],
)
def test_an_upstream_route_drops_ids_and_queries(path: str, route: str) -> None:
    assert route_of(path) == route


@pytest.mark.parametrize(
    ("content_type", "stream"),
    [
        (b"application/x-ndjson", True),
        (b"text/event-stream", True),
        (b"application/json; charset=utf-8", False),
    ],
)
def test_a_stream_is_known_by_its_media_type(content_type: bytes, stream: bool) -> None:
    start = {"type": "http.response.start", "headers": [(b"content-type", content_type)]}
    assert is_stream(start) is stream
