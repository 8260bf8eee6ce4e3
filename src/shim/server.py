"""One server process: uvicorn with shim's protocol and app, stopped by draining first."""

from __future__ import annotations

import threading
from types import FrameType

import structlog
import uvicorn

from shim.api.ops.readiness import Readiness
from shim.app import create_app
from shim.config import Settings
from shim.container import Container
from shim.runtime import settle_heap
from shim.serving import uvicorn_config

log = structlog.get_logger(__name__)


def serve_one(settings: Settings) -> None:
    container = Container(settings=settings)
    server = DrainingServer(server_config(settings, container), container.readiness())
    settle_heap()
    server.delay_seconds = settings.shutdown_delay_seconds
    server.run()


class DrainingServer(uvicorn.Server):
    """On the first stop signal, report unready first, then stop accepting after a delay.

    In-flight streams then have uvicorn's graceful-shutdown timeout to finish; a second signal
    stops at once.
    """

    delay_seconds = 0.0

    def __init__(self, config: uvicorn.Config, readiness: Readiness) -> None:
        super().__init__(config)
        self._readiness = readiness

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._readiness.draining or not self.delay_seconds:
            super().handle_exit(sig, frame)
            return
        self._readiness.drain()
        log.info("shutdown.draining", delay_seconds=self.delay_seconds)
        timer = threading.Timer(self.delay_seconds, super().handle_exit, (sig, frame))
        timer.daemon = True
        timer.start()


def server_config(settings: Settings, container: Container | None = None) -> uvicorn.Config:
    return uvicorn_config(create_app(container or Container(settings=settings)), settings)
