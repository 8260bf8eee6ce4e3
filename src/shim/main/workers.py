"""Several worker processes on one port: uvicorn's supervisor, shim's app built in each worker.

The parent binds the socket and keeps `workers` processes alive (a worker that dies is
replaced). Each worker is a fresh interpreter (spawned): it receives the parent's final
Settings, builds its own container and app, and serves connections the kernel hands it. The
workers share only the alias file and one stop flag, so `/readyz` turns to `draining` in all of
them at once.
"""

from __future__ import annotations

import multiprocessing
import socket
import sys

import structlog
import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from shim.api.asgi import ASGIApp
from shim.main.config import Settings
from shim.main.logging_setup import configure_logging
from shim.main.readiness import Readiness, StopFlag
from shim.main.serving import drain_then_stop, uvicorn_config

log = structlog.get_logger(__name__)


def serve_workers(settings: Settings) -> None:
    stop_flag = multiprocessing.get_context("spawn").Event()
    config = uvicorn_config(
        WorkerApp(settings, stop_flag), settings, factory=True, workers=settings.workers
    )
    supervise(config, stop_flag, settings.shutdown_delay_seconds)


def supervise(config: uvicorn.Config, stop_flag: StopFlag, delay_seconds: float) -> None:
    """Serve until stopped. A worker that cannot start stops them all, and the service exits
    with uvicorn's startup-failure code rather than restarting it forever."""
    listener = config.bind_socket()
    try:
        supervisor = WorkerSupervisor(config, listener, stop_flag, delay_seconds)
        supervisor.run()
    finally:
        listener.close()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        sys.exit(STARTUP_FAILURE)


class WorkerApp:
    """Sent to each worker (pickled); called there, it builds that worker's app."""

    def __init__(self, settings: Settings, stop_flag: StopFlag) -> None:
        self.settings = settings
        self.stop_flag = stop_flag

    def __call__(self) -> ASGIApp:
        configure_logging(
            self.settings.log_level,
            self.settings.log_format,
            worker=True,
            secrets=(self.settings.api_key, self.settings.lmstudio_api_token),
        )
        try:
            return self._build()
        except Exception:  # whatever it is, this worker cannot serve; the log line says why
            log.exception("worker.startup_failed")
            sys.exit(STARTUP_FAILURE)

    def _build(self) -> ASGIApp:
        # Imported here, in the worker: the parent only supervises, and without the app's
        # modules it stays some 15 MiB smaller.
        from dependency_injector import providers

        from shim.main.app import create_app
        from shim.main.container import build_container
        from shim.main.runtime import settle_heap

        container = build_container(self.settings)
        container.readiness.override(providers.Object(Readiness(self.stop_flag)))
        app = create_app(container)
        settle_heap()
        return app


class WorkerSupervisor(Multiprocess):
    """uvicorn's supervisor, stopping like one shim (`drain_then_stop`) for all its workers,
    which share its readiness. Workers that end while it drains are not replaced."""

    def __init__(
        self,
        config: uvicorn.Config,
        listener: socket.socket,
        stop_flag: StopFlag,
        delay_seconds: float,
    ) -> None:
        super().__init__(config, [listener])
        self._readiness = Readiness(stop_flag)
        self._delay_seconds = delay_seconds

    def handle_term(self) -> None:
        drain_then_stop(self._readiness, self._delay_seconds, self.should_exit.set)

    def handle_int(self) -> None:
        drain_then_stop(self._readiness, self._delay_seconds, self.should_exit.set)

    def keep_subprocess_alive(self) -> None:
        if not self._readiness.draining:
            super().keep_subprocess_alive()
