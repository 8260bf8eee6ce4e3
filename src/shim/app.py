"""The app factory: controllers, the container bridge, error handlers and middleware."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, cast

from dependency_injector import providers
from litestar import Litestar
from litestar.di import Provide

from shim.api.asgi import ASGIApp
from shim.api.auth import ApiKeyMiddleware
from shim.api.cors import cors_config
from shim.api.dependencies import (
    ADMIN,
    CATALOG,
    CHAT_SERVICE,
    EMBEDDINGS,
    PASSTHROUGH,
    PULLS,
    READINESS,
    SELECTOR,
    SERVER_INFO,
)
from shim.api.errors import EXCEPTION_HANDLERS
from shim.api.host_guard import HostGuardMiddleware, is_loopback_bind
from shim.api.request_context import RequestContextMiddleware
from shim.api.routes import CONTROLLERS
from shim.api.server_info import ServerInfo
from shim.container import Container


def create_app(container: Container) -> ASGIApp:
    settings = container.settings()
    readiness = container.readiness()
    server_info = ServerInfo(
        ollama_version=settings.ollama_version, started_at=datetime.now().astimezone()
    )
    litestar = Litestar(
        route_handlers=CONTROLLERS,
        dependencies={
            CATALOG: from_container(container.catalog),
            SELECTOR: from_container(container.selector),
            CHAT_SERVICE: from_container(container.chat_service),
            EMBEDDINGS: from_container(container.embeddings),
            PASSTHROUGH: from_container(container.passthrough),
            ADMIN: from_container(container.admin),
            PULLS: from_container(container.pulls),
            READINESS: Provide(lambda: readiness, use_cache=True, sync_to_thread=False),
            SERVER_INFO: Provide(lambda: server_info, use_cache=True, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=[container_lifespan(container)],
        cors_config=cors_config(settings.allowed_origins),
        request_max_body_size=settings.max_request_bytes,
        openapi_config=None,
        logging_config=None,
    )
    app: ASGIApp = cast(ASGIApp, litestar)
    if settings.api_key:
        app = ApiKeyMiddleware(app, settings.api_key)
    if settings.host_check and is_loopback_bind(settings.host):
        app = HostGuardMiddleware(app, settings.allowed_hosts)
    return RequestContextMiddleware(app)


def from_container(provider: providers.Provider[Any]) -> Provide:
    """Resolve a provider per request; async resources make providers hand back awaitables."""

    async def resolve() -> Any:
        value = provider()
        return await value if inspect.isawaitable(value) else value

    return Provide(resolve)


def container_lifespan(
    container: Container,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await _settle(container.init_resources())
        try:
            yield
        finally:
            await _settle(container.shutdown_resources())

    return lifespan


async def _settle(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
