"""What one server and several workers share: Granian's settings and the way to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import structlog
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from shim.main.config import Settings
from shim.main.readiness import Readiness

log = structlog.get_logger(__name__)

# Connections waiting to be accepted, and requests served at once: shim's own admission gate
# decides what waits and what is refused, so the server must not refuse first.
BACKLOG = 2048


def granian_options(settings: Settings) -> dict[str, Any]:
    """Granian's settings for shim: HTTP/1.1 as Ollama speaks it, a bounded request head, idle
    connections closed, and Granian's own logging off (shim writes its own lines)."""
    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.ASGI,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(
            header_read_timeout=round(settings.header_timeout_seconds * 1000),
            max_buffer_size=settings.max_header_bytes,
        ),
        "backlog": BACKLOG,
        "backpressure": BACKLOG,
        "log_enabled": False,
        "log_dictconfig": {"handlers": {}, "loggers": {}},
    }


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
