"""Several LM Studio doubles on loopback, each on a port of its own that it keeps when a test
stops it and starts it again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import uvicorn

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


def urls_of(hosts: list[DoubleHost]) -> str:
    return ",".join(host.url for host in hosts)
