"""An optional inbound API key: `Authorization: Bearer <key>`, or `x-api-key: <key>` as
Anthropic's clients send it, compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping

import msgspec
import structlog

from shim.api.asgi import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset({"/", "/healthz", "/readyz"})
UNAUTHORIZED = msgspec.json.encode({"error": "unauthorized"})

Rejection = Callable[[], bytes]
"""The body of a 401 in a dialect's own envelope."""

log = structlog.get_logger(__name__)


class ApiKeyMiddleware:
    def __init__(
        self, app: ASGIApp, api_key: str, rejections: Mapping[str, Rejection] | None = None
    ) -> None:
        self.app = app
        self._bearer = f"Bearer {api_key}".encode()
        self._key = api_key.encode()
        self._rejections = rejections or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.admits(scope):
            await self.app(scope, receive, send)
            return
        log.warning("auth.rejected", path=scope["path"])
        rejection = self._rejections.get(scope["path"])
        body = UNAUTHORIZED if rejection is None else rejection()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b"Bearer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def admits(self, scope: Scope) -> bool:
        """Whether this request may pass: an open route or the right key."""
        return self._is_open(scope) or self._has_key(scope)

    def _is_open(self, scope: Scope) -> bool:
        # Browsers send CORS preflights without credentials.
        return scope["method"] == "OPTIONS" or scope["path"] in OPEN_PATHS

    def _has_key(self, scope: Scope) -> bool:
        bearer_ok = hmac.compare_digest(_header(scope, b"authorization"), self._bearer)
        key_ok = hmac.compare_digest(_header(scope, b"x-api-key"), self._key)
        return bearer_ok or key_ok


def _header(scope: Scope, name: bytes) -> bytes:
    return bytes(next((v for k, v in scope["headers"] if k == name), b""))
