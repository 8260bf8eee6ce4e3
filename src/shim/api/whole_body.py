"""Ends a request body as soon as all of its bytes have arrived.

Granian hands even a small body over as two messages, the bytes (marked `more_body`) and then an
empty last one, and each receive is a wait on its side of the server. When Content-Length says
the bytes are all here, the message that completes them is passed on as the last one, so the
app reads the body in one receive; the empty message after it is consumed by the next receive,
if the app makes one (a stream watching for the client to leave).
"""

from __future__ import annotations

from shim.api.asgi import ASGIApp, Message, Receive, Scope, Send

CONTENT_LENGTH = b"content-length"


class WholeBodyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = declared_length(scope) if scope["type"] == "http" else None
        if not length:
            await self._app(scope, receive, send)
            return
        await self._app(scope, BodyUntilLength(receive, length), send)


def declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == CONTENT_LENGTH:
            return int(value) if value.isdigit() else None
    return None


class BodyUntilLength:
    """A receive that marks the body complete once `length` bytes have come."""

    def __init__(self, receive: Receive, length: int) -> None:
        self._receive = receive
        self._missing = length
        self._empty_last_pending = False

    async def __call__(self) -> Message:
        if self._empty_last_pending:
            self._empty_last_pending = False
            message = await self._receive()
            if message["type"] != "http.request":  # the client left instead
                return message
        message = await self._receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return message
        self._missing -= len(message.get("body", b""))
        if self._missing > 0:
            return message
        self._empty_last_pending = True
        return {**message, "more_body": False}
