"""The app factory: controllers, the container bridge, error handlers and middleware."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from importlib.metadata import version
from typing import Any, cast

import structlog
from dependency_injector import providers
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from shim.api.asgi import ASGIApp
from shim.api.auth import ApiKeyMiddleware
from shim.api.body_check import json_body_check
from shim.api.cors import cors_config
from shim.api.dependencies import (
    ADMIN,
    CATALOG,
    CHAT_SERVICE,
    EMBEDDINGS,
    HEALTH,
    PULLS,
    READINESS,
    SELECTOR,
    SERVER_INFO,
)
from shim.api.host_guard import HostGuardMiddleware, is_loopback_bind
from shim.api.open_streams import OpenStreams, OpenStreamsMiddleware
from shim.api.request_context import AccessLog, RequestContextMiddleware
from shim.api.routes import CONTROLLERS, EXCEPTION_HANDLERS, KEY_REJECTIONS
from shim.api.server_info import ServerInfo
from shim.api.whole_body import WholeBodyMiddleware
from shim.main.config import Settings
from shim.main.container import Container
from shim.main.metrics_http import MetricsEndpoint, RequestMetrics
from shim.main.runtime import release_after_bursts
from shim.main.stream_cut import cut_streams_after_grace
from shim.main.traces import Tracing, otlp_tracing

log = structlog.get_logger("shim.lifecycle")


def create_app(container: Container) -> ASGIApp:
    """The whole app: Litestar's router inside shim's request context and access checks."""
    settings = container.settings()
    server_info = ServerInfo(
        ollama_version=settings.ollama_version, started_at=datetime.now().astimezone()
    )
    services = Services(
        {
            CATALOG: container.catalog,
            SELECTOR: container.selector,
            CHAT_SERVICE: container.chat_service,
            EMBEDDINGS: container.embeddings,
            ADMIN: container.admin,
            PULLS: container.pulls,
            HEALTH: container.health,
        }
    )
    streams = OpenStreams()
    readiness = container.readiness()
    tracing = tracing_for(settings)

    def housekeeping() -> list[Coroutine[Any, Any, None]]:
        return [
            release_after_bursts(container.gate()),
            cut_streams_after_grace(
                readiness,
                streams,
                settings.shutdown_delay_seconds,
                settings.shutdown_grace_seconds,
            ),
        ]

    litestar = Litestar(
        route_handlers=CONTROLLERS,
        state=State({SERVER_INFO: server_info, READINESS: readiness}),
        dependencies=services.dependencies(),
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=json_body_check(settings.max_json_values),
        lifespan=[container_lifespan(container, services, housekeeping)],
        cors_config=cors_config(settings.allowed_origins),
        request_max_body_size=settings.max_request_bytes,
        openapi_config=None,
        logging_config=None,
        plugins=[tracing.plugin] if tracing else [],
        on_shutdown=[tracing.shutdown] if tracing else [],
    )
    app: ASGIApp = OpenStreamsMiddleware(WholeBodyMiddleware(cast(ASGIApp, litestar)), streams)
    metrics = container.metrics()
    if metrics is not None and settings.metrics == "on":
        app = MetricsEndpoint(app, metrics)  # inside the key check: behind the key, if any
    if settings.api_key:
        app = ApiKeyMiddleware(app, settings.api_key, KEY_REJECTIONS)
    if metrics is not None:
        if settings.metrics == "public":
            app = MetricsEndpoint(app, metrics)
        app = RequestMetrics(app, metrics)
    if settings.host_check and is_loopback_bind(settings.host):
        app = HostGuardMiddleware(app, settings.allowed_hosts)
    return RequestContextMiddleware(app, AccessLog())


def tracing_for(settings: Settings) -> Tracing | None:
    if settings.traces == "off":
        return None
    return otlp_tracing(settings.otlp_endpoint, version("shim"))


class Services:
    """The container's services, resolved once when the app starts and handed to handlers as is.

    Resolving per request would make Litestar await a task group for every request; the
    services are app-lifetime singletons, so once is enough.
    """

    def __init__(self, wanted: dict[str, providers.Provider[Any]]) -> None:
        self._wanted = wanted
        self._resolved: dict[str, Any] = {}

    async def resolve(self) -> None:
        for name, provider in self._wanted.items():
            value = provider()
            self._resolved[name] = await value if inspect.isawaitable(value) else value

    def dependencies(self) -> dict[str, Provide]:
        return {name: self._provide(name) for name in self._wanted}

    def _provide(self, name: str) -> Provide:
        return Provide(lambda: self._resolved[name], use_cache=True, sync_to_thread=False)


def container_lifespan(
    container: Container,
    services: Services,
    housekeeping: Callable[[], list[Coroutine[Any, Any, None]]],
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Resources open and services resolved before the first request; background jobs run
    until the app stops."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await _settle(container.init_resources())
        await services.resolve()
        jobs = [asyncio.create_task(job) for job in housekeeping()]
        log_serving(container.settings())
        try:
            yield
        finally:
            for job in jobs:
                job.cancel()
            await _settle(container.shutdown_resources())

    return lifespan


def log_serving(settings: Settings) -> None:
    """The line that tells whoever started shim where it answers and what it stands in front of."""
    log.info(
        "shim.serving",
        url=f"http://{settings.host}:{settings.port}",
        backend=settings.backend,
        lmstudio_url=settings.lmstudio_url if settings.backend == "lmstudio" else None,
    )


async def _settle(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
