"""What one server and several workers share: the uvicorn settings and the way to stop."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import structlog
import uvicorn

from shim.main.config import Settings
from shim.main.readiness import Readiness
from shim.main.stream_cut import SERVER_GRACE_MARGIN_SECONDS

log = structlog.get_logger(__name__)


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """Ollama sends no Server header, and shim writes its own access line."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_seconds)
        + SERVER_GRACE_MARGIN_SECONDS,
        **options,
    )


def drain_then_stop(readiness: Readiness, delay_seconds: float, stop: Callable[[], None]) -> None:
    """On a first stop signal, report unready at once and `stop` accepting after the delay (a
    load balancer has then stopped sending; in-flight streams get the graceful-shutdown time).
    A second signal, or no delay, stops at once."""
    if readiness.draining or not delay_seconds:
        readiness.drain()
        stop()
        return
    readiness.drain()
    log.info("shutdown.draining", delay_seconds=delay_seconds)
    timer = threading.Timer(delay_seconds, stop)
    timer.daemon = True
    timer.start()
