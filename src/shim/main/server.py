"""One server process: uvicorn with shim's protocol and app, stopped by draining first."""

from __future__ import annotations

import functools
from types import FrameType

import uvicorn

from shim.main.app import create_app
from shim.main.config import Settings
from shim.main.container import Container, build_container
from shim.main.readiness import Readiness
from shim.main.runtime import settle_heap
from shim.main.serving import drain_then_stop, uvicorn_config


def serve_one(settings: Settings) -> None:
    container = build_container(settings)
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
    return uvicorn_config(create_app(container or build_container(settings)), settings)
