"""One server process: uvicorn with shim's protocol and app, stopped by draining first."""

from __future__ import annotations

import functools
from types import FrameType

import uvicorn

from shim.api.ops.readiness import Readiness
from shim.app import create_app
from shim.config import Settings
from shim.container import Container
from shim.runtime import settle_heap
from shim.serving import drain_then_stop, uvicorn_config


def serve_one(settings: Settings) -> None:
    container = Container(settings=settings)
    config = server_config(settings, container)
    server = DrainingServer(config, container.readiness(), settings.shutdown_delay_seconds)
    settle_heap()
    server.run()


class DrainingServer(uvicorn.Server):
    """uvicorn's server, stopping as `drain_then_stop` says."""

    def __init__(self, config: uvicorn.Config, readiness: Readiness, delay_seconds: float) -> None:
        super().__init__(config)
        self._readiness = readiness
        self._delay_seconds = delay_seconds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        stop = functools.partial(super().handle_exit, sig, frame)
        drain_then_stop(self._readiness, self._delay_seconds, stop)


def server_config(settings: Settings, container: Container | None = None) -> uvicorn.Config:
    return uvicorn_config(create_app(container or Container(settings=settings)), settings)
