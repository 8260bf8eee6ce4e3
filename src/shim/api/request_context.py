"""Binds a request id to every log line of a request (streams included) and logs one access line."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

from shim.api.asgi import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

# One plain context variable: tasks started for a request (its stream) inherit it, and setting
# it costs a tenth of binding through structlog's contextvars on every request.
current_request_id: ContextVar[str | None] = ContextVar("shim_request_id", default=None)


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Log processor: the request id of the request this line belongs to, if any."""
    request_id = current_request_id.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def request_id_of(scope: Scope) -> bytes:
    """The client's own id when it is safe to echo, else a new random one."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER and _SAFE_ID.fullmatch(value):
            return bytes(value)
    return b"%032x" % random.getrandbits(128)


class AccessLog:
    """One line per request. The level is fixed at start, so a filtered line costs nothing."""

    def __init__(self) -> None:
        self._log = structlog.get_logger("shim.access").bind()
        self.enabled = self._log.is_enabled_for(logging.INFO)

    def line(self, scope: Scope, exchange: Exchange, started: float) -> None:
        self._log.info(
            "request",
            method=scope["method"],
            path=scope["path"],
            status=exchange.status,
            bytes=exchange.sent,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            **exchange.departure(),
        )


class Exchange:
    """What the client was sent, and whether it left before its answer was complete.

    Servers drop whatever is sent once the client has gone, without a word, so only
    what went out before is counted: a 500 for a body that never arrived was never sent.
    """

    def __init__(self) -> None:
        self.status: int | None = None  # None: the response never started
        self.sent = 0
        self.complete = False
        self.left = False

    def sending(self, message: Message) -> None:
        if self.left:
            return
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.sent += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)

    def received(self, message: Message) -> None:
        # Once the answer is complete, servers report every later receive as a disconnect.
        if message["type"] == "http.disconnect" and not self.complete:
            self.left = True

    def departure(self) -> dict[str, bool]:
        return {"disconnected": True} if self.left else {}


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, access: AccessLog) -> None:
        self.app = app
        self._access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = current_request_id.set(request_id.decode())
        try:
            if self._access.enabled:
                await self._logged(scope, receive, send, request_id)
            else:
                await self.app(scope, receive, _with_id(send, request_id))
        finally:
            current_request_id.reset(token)

    async def _logged(self, scope: Scope, receive: Receive, send: Send, request_id: bytes) -> None:
        started, exchange = time.perf_counter(), Exchange()

        async def watching_receive() -> Message:
            message = await receive()
            exchange.received(message)
            return message

        async def counting_send(message: Message) -> None:
            exchange.sending(message)
            await send(message)

        try:
            await self.app(scope, watching_receive, _with_id(counting_send, request_id))
        finally:
            self._access.line(scope, exchange, started)


def _with_id(send: Send, request_id: bytes) -> Send:
    async def send_with_id(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, request_id)]
        await send(message)

    return send_with_id
