"""The answering protocol over real sockets: ready answers written in the parser callback,
everything else handed to the app, HTTP/1.1 framing kept (keep-alive, pipelining, HEAD, 1.0)."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState

from shim.api.fast_protocol import (
    ANSWERING_STATE_KEY,
    Answering,
    AnsweringProtocol,
    AnswersPublisher,
    ReadyAnswer,
)
from shim.api.request_context import AccessLog
from tests.support.log_capture import LogCapture
from tests.support.servers import free_port, serve_config

READY = ReadyAnswer(200, b"content-type: text/plain\r\ncontent-length: 5\r\n", b"ready")


class Answers:
    def ready(self, scope: dict[str, Any]) -> ReadyAnswer | None:
        return READY if scope["path"] == "/ready" else None


class SpyApp:
    """Answers `app` to whatever reaches it and remembers the paths."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.paths.append(scope["path"])
        headers = [(b"content-type", b"text/plain"), (b"content-length", b"3")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"app"})


def answering_config(app: SpyApp, **options: Any) -> uvicorn.Config:
    """The app publishes its answers at lifespan startup; the protocol takes them from there."""
    return uvicorn.Config(
        AnswersPublisher(app, Answering(Answers(), AccessLog())),
        host="127.0.0.1",
        port=free_port(),
        http=AnsweringProtocol,
        log_config=None,
        access_log=False,
        lifespan="on",
        **options,
    )


@pytest.fixture
def served() -> Iterator[tuple[int, SpyApp]]:
    app = SpyApp()
    config = answering_config(app)
    with serve_config(config):
        yield config.port, app


Answer = tuple[bytes, dict[bytes, bytes], bytes]


def exchange(port: int, raw: bytes, answers: int, head: bool = False) -> list[Answer]:
    """Send raw bytes on one connection and read that many answers (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(raw)
        buffer, parsed = b"", []
        while len(parsed) < answers:
            buffer += connection.recv(65536) or pytest.fail(f"closed after {parsed}")
            while b"\r\n\r\n" in buffer:
                top, rest = buffer.split(b"\r\n\r\n", 1)
                status, *lines = top.split(b"\r\n")
                headers = dict(line.split(b": ", 1) for line in lines)
                length = 0 if head else int(headers[b"content-length"])
                if len(rest) < length:
                    break
                parsed.append((status, headers, rest[:length]))
                buffer = rest[length:]
        return parsed


def get(path: str, method: str = "GET", extra: str = "") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n".encode()


def test_ready_answers_never_reach_the_app(served: tuple[int, SpyApp]) -> None:
    port, app = served
    answers = exchange(port, get("/ready"), 1)
    assert [(status, body) for status, _, body in answers] == [(b"HTTP/1.1 200 OK", b"ready")]
    headers = answers[0][1]
    assert headers[b"content-type"] == b"text/plain"
    assert b"date" in headers
    assert re.fullmatch(rb"[0-9a-f]{32}", headers[b"x-request-id"])
    assert app.paths == []


def test_the_rest_goes_to_the_app_in_order_on_one_connection(served: tuple[int, SpyApp]) -> None:
    port, app = served
    pipelined = get("/ready") + get("/other") + get("/ready") + get("/ready")
    bodies = [body for _, _, body in exchange(port, pipelined, 4)]
    assert bodies == [b"ready", b"app", b"ready", b"ready"]
    assert app.paths == ["/other"]


def test_a_kept_alive_connection_serves_request_after_request(served: tuple[int, SpyApp]) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        for _ in range(3):
            connection.sendall(get("/ready"))
            assert connection.recv(65536).endswith(b"\r\n\r\nready")


def test_head_gets_the_headers_and_no_body(served: tuple[int, SpyApp]) -> None:
    port, _ = served
    ((_, headers, body),) = exchange(port, get("/ready", "HEAD"), 1, head=True)
    assert (headers[b"content-length"], body) == (b"5", b"")


def test_an_http_1_0_client_gets_its_answer_and_the_connection_closed(
    served: tuple[int, SpyApp],
) -> None:
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /ready HTTP/1.0\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    assert b"\r\nconnection: close\r\n" in received
    assert received.endswith(b"\r\n\r\nready")


def test_a_safe_request_id_is_echoed_and_the_access_line_written(
    served: tuple[int, SpyApp], log_capture: LogCapture
) -> None:
    port, _ = served
    ((_, headers, _),) = exchange(port, get("/ready", extra="X-Request-ID: ready-7\r\n"), 1)
    assert headers[b"x-request-id"] == b"ready-7"
    (line,) = log_capture.for_request("ready-7")
    assert (line["event"], line["path"], line["status"], line["bytes"]) == (
        "request",
        "/ready",
        200,
        5,
    )


def test_without_published_answers_every_request_goes_to_the_app() -> None:
    app = SpyApp()
    config = answering_config(app)
    config.lifespan = "off"
    with serve_config(config):
        ((_, _, body),) = exchange(config.port, get("/ready"), 1)
    assert (body, app.paths) == (b"app", ["/ready"])


def test_over_uvicorns_concurrency_limit_the_refusal_stands() -> None:
    config = answering_config(SpyApp(), limit_concurrency=1)
    with serve_config(config):
        ((status, _, body),) = exchange(config.port, get("/ready"), 1)
    assert (status, body) == (b"HTTP/1.1 503 Service Unavailable", b"Service Unavailable")


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 1), "peername": ("127.0.0.1", 2)}.get(name, default)

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def is_closing(self) -> bool:
        return False


async def test_while_the_client_is_not_reading_the_app_answers_after_the_pause() -> None:
    app, transport, state = SpyApp(), Transport(), ServerState()
    config = uvicorn.Config(app, http=AnsweringProtocol, log_config=None, lifespan="off")
    answering = {ANSWERING_STATE_KEY: Answering(Answers(), AccessLog())}
    protocol = AnsweringProtocol(config=config, server_state=state, app_state=answering)
    protocol.connection_made(transport)
    protocol.pause_writing()
    protocol.data_received(get("/ready"))
    assert transport.written == b"", "no write into a buffer the client is not draining"
    protocol.resume_writing()
    await asyncio.gather(*state.tasks)
    assert app.paths == ["/ready"]
    assert transport.written.endswith(b"\r\n\r\napp")
