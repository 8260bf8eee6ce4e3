"""Serve an ASGI app (or a whole shim) on a loopback port from a background thread, for
real-HTTP tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import uvicorn
from litestar.types import ASGIApp

from shim.main.config import Settings
from shim.main.server import EmbeddedShim


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(app: ASGIApp) -> AbstractContextManager[str]:
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_config=None, access_log=False
    )
    return serve_config(config)


@contextmanager
def serve_config(config: uvicorn.Config) -> Iterator[str]:
    """Yield the base URL while the app is being served; stop it afterwards."""
    port = config.port
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_shim(settings: Settings) -> Iterator[str]:
    """Yield shim's base URL while it serves as `shim serve` would; stop it afterwards."""
    shim = EmbeddedShim(settings)
    thread = threading.Thread(target=asyncio.run, args=(shim.run(),), daemon=True)
    thread.start()
    wait_until_accepting(settings.port, thread)
    try:
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        shim.stop()
        thread.join(timeout=10)


def wait_until_accepting(port: int, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"shim on port {port} did not start") from None
            time.sleep(0.01)
