"""The two routes clients poll most, answered before everything else, from bytes encoded once.

This is the outermost layer. It answers only what the full chain would answer the same way: a
plain GET/HEAD (no Origin header: CORS stays with the router) that every admission check lets
through; anything else goes down the full chain, which refuses and logs refusals in the one
place that does so. A failure to list the models is answered here, as the router would answer
it. It keeps the chain's request id header and access line.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

import structlog

from shim.api.asgi import ASGIApp, Receive, Scope, Send
from shim.api.ollama.tags_body import tags_body
from shim.api.ollama.wire import ErrorResponse, VersionResponse
from shim.api.request_context import (
    REQUEST_ID_HEADER,
    AccessLog,
    current_request_id,
    request_id_of,
)
from shim.api.responses import JSON_MEDIA_TYPE, go_json
from shim.api.server_info import ServerInfo
from shim.api.status import status_of
from shim.domain.errors import ShimError
from shim.domain.models import ModelRecord

ModelList = Callable[[], Awaitable[Sequence[ModelRecord]]]
Admits = Callable[[Scope], bool]
CONTENT_TYPE = (b"content-type", JSON_MEDIA_TYPE.encode())
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
PATHS = frozenset({"/api/tags", "/api/version"})

log = structlog.get_logger(__name__)


class DiscoveryFastPath:
    def __init__(
        self,
        app: ASGIApp,
        list_models: ModelList,
        server_info: ServerInfo,
        admits: Sequence[Admits],
        access: AccessLog,
    ) -> None:
        self.app = app
        self._list_models = list_models
        self._server_info = server_info
        self._admits = tuple(admits)
        self._access = access
        self._version = _answer(go_json(VersionResponse(version=server_info.ollama_version)))
        self._tags: tuple[bytes, Answer] = (b"", self._version)  # the headers of the last body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._takes(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        request_text = request_id.decode()
        token = current_request_id.set(request_text)  # a catalog refresh logs under it
        try:
            status, headers, body = await self._answer(scope)
        finally:
            current_request_id.reset(token)
        headers = [*headers, (REQUEST_ID_HEADER, request_id)]
        sent = b"" if scope["method"] == "HEAD" else body
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": sent})
        if self._access.enabled:
            self._access.line(scope, status, len(sent), started, request_id=request_text)

    def _takes(self, scope: Scope) -> bool:
        if not _plain_get(scope):
            return False
        for admits in self._admits:  # noqa: SIM110 (a loop: a generator costs more per request)
            if not admits(scope):
                return False
        return True

    async def _answer(self, scope: Scope) -> Answer:
        if scope["path"] == "/api/version":
            return self._version
        try:
            models = await self._list_models()
        except ShimError as error:
            status = status_of(error)
            log.info(
                "request.failed", status=status, error=error.message, kind=type(error).__name__
            )
            return _answer(go_json(ErrorResponse(error=error.message)), status)
        body = tags_body(models, self._server_info)  # the same bytes while the snapshot lasts
        if self._tags[0] is not body:
            self._tags = (body, _answer(body))
        return self._tags[1]


def _answer(body: bytes, status: int = 200) -> Answer:
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
