"""Binds a request id to every log line of a request (streams included) and logs one access line."""

from __future__ import annotations

import os
import re
import time

import structlog

from shim.api.asgi import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

log = structlog.get_logger("shim.access")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        started = time.perf_counter()
        status = 0
        sent = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, request_id)]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id.decode())
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                bytes=sent,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
            structlog.contextvars.reset_contextvars(**tokens)


def _request_id(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and _SAFE_ID.fullmatch(value):
            return bytes(value)
    return os.urandom(16).hex().encode()
