"""The metrics over HTTP: every request counted and timed, and `GET /metrics` answered."""

from __future__ import annotations

import time

from shim.api.asgi import ASGIApp, Message, Receive, Scope, Send
from shim.main.metrics import MEDIA_TYPE, Metrics

METRICS_PATH = "/metrics"
STREAM_TYPES = (b"application/x-ndjson", b"text/event-stream")
OPS_PATHS = frozenset({"/healthz", "/readyz", METRICS_PATH})
# Paths no route serves share one label, so that probing cannot grow the metrics without bound.
UNROUTED = "unrouted"


class MetricsEndpoint:
    """Answers `GET /metrics` before the app sees it; everything else goes on."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != METRICS_PATH or scope["method"] != "GET":
            await self._app(scope, receive, send)
            return
        body = self._metrics.exposition()
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class RequestMetrics:
    """Counts each request by route, dialect and status, times it to its last byte, and counts
    streamed answers while they are written."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        streaming = False

        async def watching_send(message: Message) -> None:
            nonlocal status, streaming
            if message["type"] == "http.response.start":
                status = message["status"]
                streaming = is_stream(message)
                if streaming:
                    self._metrics.streams.inc()
            await send(message)

        try:
            await self._app(scope, receive, watching_send)
        finally:
            if streaming:
                self._metrics.streams.dec()
            path = scope["path"]
            route = METRICS_PATH if path == METRICS_PATH else scope.get("path_template", UNROUTED)
            self._metrics.requested(route, dialect_of(path), status, time.perf_counter() - started)


def is_stream(start: Message) -> bool:
    content_type = next((v for k, v in start.get("headers", ()) if k == b"content-type"), b"")
    return bytes(content_type).startswith(STREAM_TYPES)


def dialect_of(path: str) -> str:
    """Which API a path belongs to, as the routes are laid out."""
    if path in OPS_PATHS:
        return "ops"
    if path.startswith("/v1/messages"):
        return "anthropic"
    if path.startswith("/v1/"):
        return "openai"
    return "ollama"
