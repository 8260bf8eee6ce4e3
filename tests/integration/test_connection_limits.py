"""What the server bounds before any request reaches the app: the size of a request head, and
how long a connection may sit without sending one."""

from __future__ import annotations

import socket
import time

from tests.conftest import StartShim


def connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_all(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_a_request_head_past_the_limit_gets_431_and_the_connection_closes(
    start_shim: StartShim,
) -> None:
    shim = start_shim(max_header_bytes=64 * 1024)
    with connect(shim) as sock:
        sock.sendall(b"GET /api/tags HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
        try:
            for _ in range(64):  # 4 MiB, never ending the header
                sock.sendall(b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed on us, as it should be
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]


def test_a_head_within_the_limit_is_served(start_shim: StartShim) -> None:
    shim = start_shim(max_header_bytes=64 * 1024)
    with connect(shim) as sock:
        padding = b"a" * 32 * 1024
        sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: localhost\r\nX-Pad: %s\r\n\r\n" % padding)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(
    start_shim: StartShim,
) -> None:
    shim = start_shim(header_timeout_seconds=0.5)
    with connect(shim) as sock:
        started = time.monotonic()
        assert read_all(sock) == b"", "closed without a word"
        assert 0.4 < time.monotonic() - started < 5


def test_a_kept_alive_connection_left_idle_is_closed_after_the_header_timeout(
    start_shim: StartShim,
) -> None:
    shim = start_shim(header_timeout_seconds=0.5)
    with connect(shim) as sock:
        sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: localhost\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert read_all(sock) == b""
        assert time.monotonic() - started < 5
