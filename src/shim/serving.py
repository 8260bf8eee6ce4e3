"""The uvicorn settings shim runs with, one process or several."""

from __future__ import annotations

from typing import Any

import uvicorn

from shim.api.fast_protocol import AnsweringProtocol
from shim.config import Settings


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """Ollama sends no Server header, and shim writes its own access line."""
    return uvicorn.Config(
        app,
        http=AnsweringProtocol,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        **options,
    )
