"""Several worker processes on one port: Granian's supervisor, shim's app built in each worker.

The parent binds the socket and keeps `workers` processes alive: a worker that dies is
replaced, SIGHUP replaces them one at a time, and a worker that dies again at once (one that
cannot start) stops the service with exit code 1. Each worker builds its own container and app
from the parent's final Settings. The workers share the state directory and one stop flag, so
`/readyz` turns to `draining` in all of them at once.
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any

import structlog
from granian.server import MPServer

from shim.api.asgi import ASGIApp
from shim.main.config import Settings
from shim.main.hosts import host_tokens
from shim.main.logging_setup import configure_logging
from shim.main.readiness import Readiness, StopFlag
from shim.main.serving import drain_then_stop, granian_options
from shim.main.shared_metrics import share_metrics
from shim.main.stream_cut import SERVER_GRACE_MARGIN_SECONDS
from shim.main.supervisor_watch import default_stop_signals, stop_when_supervisor_goes

log = structlog.get_logger(__name__)


def serve_workers(settings: Settings) -> None:
    share_metrics(settings)
    stop_flag = multiprocessing.get_context("fork").Event()
    server = DrainingGranian(settings, Readiness(stop_flag))
    server.serve(target_loader=WorkerApp(settings, stop_flag), wrap_loader=False)


class DrainingGranian(MPServer):
    """Granian's supervisor, stopping like one shim (`drain_then_stop`) for all its workers,
    which share its readiness.

    Built on Granian's public server class (`granian.server.MPServer`, its constructor and its
    public `signal_handler_interrupt`, the method its stop signals call); nothing private.
    `test_shutdown.py` fails if the override stops being called: without the drain, workers
    stop accepting at once and `/readyz` is refused instead of answering `draining`."""

    def __init__(self, settings: Settings, readiness: Readiness) -> None:
        grace = settings.shutdown_grace_seconds + SERVER_GRACE_MARGIN_SECONDS
        super().__init__(
            "shim",  # Granian's name for the app; the app itself comes from the loader
            workers=settings.workers,
            workers_kill_timeout=max(1, round(grace)),
            respawn_failed_workers=True,
            **granian_options(settings),
        )
        self._readiness = readiness
        self._delay_seconds = settings.shutdown_delay_seconds

    def signal_handler_interrupt(self, *args: Any, **kwargs: Any) -> None:
        stop = super().signal_handler_interrupt
        drain_then_stop(self._readiness, self._delay_seconds, stop)


class WorkerApp:
    """Handed to each worker; called there, it builds that worker's app."""

    def __init__(self, settings: Settings, stop_flag: StopFlag) -> None:
        self.settings = settings
        self.stop_flag = stop_flag

    def __call__(self) -> ASGIApp:
        default_stop_signals()
        configure_logging(
            self.settings.log_level,
            self.settings.log_format,
            worker=True,
            secrets=(self.settings.api_key, *host_tokens(self.settings.lmstudio_api_token)),
        )
        stop_when_supervisor_goes()
        try:
            return self._build()
        except Exception:  # whatever it is, this worker cannot serve; the log line says why
            log.exception("worker.startup_failed")
            sys.exit(1)

    def _build(self) -> ASGIApp:
        # Imported here, in the worker: the parent only supervises, and without the app's
        # modules it stays smaller.
        from dependency_injector import providers

        from shim.main.app import create_app
        from shim.main.container import build_container
        from shim.main.runtime import settle_heap

        container = build_container(self.settings)
        container.readiness.override(providers.Object(Readiness(self.stop_flag)))
        app = create_app(container)
        settle_heap()
        return app
