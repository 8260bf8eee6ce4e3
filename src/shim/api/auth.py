"""An optional inbound API key: `Authorization: Bearer <key>`, compared in constant time."""

from __future__ import annotations

import hmac

import msgspec
import structlog

from shim.api.asgi import ASGIApp, Receive, Scope, Send

OPEN_PATHS = frozenset({"/", "/healthz", "/readyz"})
UNAUTHORIZED = msgspec.json.encode({"error": "unauthorized"})

log = structlog.get_logger(__name__)


class ApiKeyMiddleware:
    def __init__(self, app: ASGIApp, api_key: str) -> None:
        self.app = app
        self._expected = f"Bearer {api_key}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.admits(scope):
            await self.app(scope, receive, send)
            return
        log.warning("auth.rejected", path=scope["path"])
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(UNAUTHORIZED)).encode()),
                    (b"www-authenticate", b"Bearer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": UNAUTHORIZED})

    def admits(self, scope: Scope) -> bool:
        """Whether this request may pass: an open route or the right key."""
        return self._is_open(scope) or self._has_key(scope)

    def _is_open(self, scope: Scope) -> bool:
        # Browsers send CORS preflights without credentials.
        return scope["method"] == "OPTIONS" or scope["path"] in OPEN_PATHS

    def _has_key(self, scope: Scope) -> bool:
        presented = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        return hmac.compare_digest(bytes(presented), self._expected)
