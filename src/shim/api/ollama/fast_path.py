"""The two routes clients poll most, answered before routing, from bytes encoded once.

Only plain GET/HEAD requests take this path: anything with an Origin header goes through the
router, where CORS is handled. Failures are answered here, as the router would answer them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import structlog

from shim.api.asgi import ASGIApp, Receive, Scope, Send
from shim.api.ollama.tags_body import tags_body
from shim.api.ollama.wire import ErrorResponse, VersionResponse
from shim.api.responses import JSON_MEDIA_TYPE, go_json
from shim.api.server_info import ServerInfo
from shim.api.status import status_of
from shim.domain.errors import ShimError
from shim.domain.models import ModelRecord

ModelList = Callable[[], Awaitable[Sequence[ModelRecord]]]
CONTENT_TYPE = (b"content-type", JSON_MEDIA_TYPE.encode())

log = structlog.get_logger(__name__)


class DiscoveryFastPath:
    def __init__(self, app: ASGIApp, list_models: ModelList, server_info: ServerInfo) -> None:
        self.app = app
        self._list_models = list_models
        self._server_info = server_info
        self._version = go_json(VersionResponse(version=server_info.ollama_version))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = await self._answer(scope) if _plain_get(scope) else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, body = answer
        headers = [CONTENT_TYPE, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _answer(self, scope: Scope) -> tuple[int, bytes] | None:
        if scope["path"] == "/api/version":
            return 200, self._version
        if scope["path"] != "/api/tags":
            return None
        try:
            return 200, tags_body(await self._list_models(), self._server_info)
        except ShimError as error:
            status = status_of(error)
            log.info(
                "request.failed", status=status, error=error.message, kind=type(error).__name__
            )
            return status, go_json(ErrorResponse(error=error.message))


def _plain_get(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    return not any(name == b"origin" for name, _ in scope["headers"])
