"""Several LM Studio doubles on loopback, each on a port of its own that it keeps when a test
stops it and starts it again."""

from __future__ import annotations

import copy
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from typing import Any

import uvicorn

from shim.adapters.hosts.pool import HostPool
from shim.main.config import Settings
from shim.main.host_pool import open_host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port, serve_config


class DoubleHost:
    def __init__(self) -> None:
        self.port = free_port()
        self.double = LMStudioDouble()
        self.double.url = f"http://127.0.0.1:{self.port}"
        self._running: ExitStack | None = None

    @property
    def url(self) -> str:
        return self.double.url

    def start(self) -> None:
        config = uvicorn.Config(
            self.double, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self._running = ExitStack()
        self._running.enter_context(serve_config(config))

    def stop(self) -> None:
        """Stopped: its port refuses connections until it starts again."""
        if self._running is not None:
            self._running.close()
            self._running = None


@contextmanager
def double_hosts(count: int) -> Iterator[list[DoubleHost]]:
    hosts = [DoubleHost() for _ in range(count)]
    try:
        for host in hosts:
            host.start()
        yield hosts
    finally:
        for host in hosts:
            host.stop()


def model(entry: dict[str, Any], *, loaded: bool) -> dict[str, Any]:
    copied = copy.deepcopy(entry)
    if not loaded:
        copied["loaded_instances"] = []
    return copied


def eventually(condition: Callable[[], bool], within: float = 15.0) -> None:
    """Wait for the background checks to see what the test changed."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the checks never saw the change"
        time.sleep(0.05)


def urls_of(hosts: list[DoubleHost]) -> str:
    return ",".join(host.url for host in hosts)


@asynccontextmanager
async def host_pool(*urls: str) -> AsyncIterator[HostPool]:
    """The several-hosts backend's pool over these URLs, as shim composes it, with its
    background checks out of the way."""
    settings = Settings(
        lmstudio_url=",".join(urls),
        lmstudio_check_seconds=3600,
        idle_timeout_seconds=5,
        download_poll_seconds=0.001,
    )
    async with asynccontextmanager(open_host_pool)(settings) as pool:
        yield pool
