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


Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
PATHS = frozenset({"/api/tags", "/api/version"})


class DiscoveryFastPath:
    def __init__(self, app: ASGIApp, list_models: ModelList, server_info: ServerInfo) -> None:
        self.app = app
        self._list_models = list_models
        self._server_info = server_info
        self._version = _answer(200, go_json(VersionResponse(version=server_info.ollama_version)))
        self._tags: tuple[object, Answer] = (None, self._version)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _plain_get(scope):
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/api/version":
            status, headers, body = self._version
        else:
            status, headers, body = await self._tags_answer()
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _tags_answer(self) -> Answer:
        try:
            models = await self._list_models()
        except ShimError as error:
            status = status_of(error)
            log.info(
                "request.failed", status=status, error=error.message, kind=type(error).__name__
            )
            return _answer(status, go_json(ErrorResponse(error=error.message)))
        if self._tags[0] is not models:
            self._tags = (models, _answer(200, tags_body(models, self._server_info)))
        return self._tags[1]


def _answer(status: int, body: bytes) -> Answer:
    return status, [CONTENT_TYPE, (b"content-length", b"%d" % len(body))], body


def _plain_get(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["path"] not in PATHS:
        return False
    if scope["method"] != "GET" and scope["method"] != "HEAD":
        return False
    for name, _ in scope["headers"]:  # noqa: SIM110 (a loop: a generator costs more per request)
        if name == b"origin":
            return False
    return True
