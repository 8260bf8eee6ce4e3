"""The two routes clients poll most, ready before any routing: /api/version and /api/tags.

They are ready only when the router would answer them the same way: a plain GET or HEAD (no
Origin header, so CORS stays with the router) that every admission check lets through, and,
for /api/tags, while the catalog's snapshot is fresh. Anything else goes to the router, which
refreshes the catalog, refuses and logs refusals in the one place that does so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shim.api.asgi import Scope
from shim.api.fast_protocol import ReadyAnswer
from shim.api.ollama.tags_body import tags_body
from shim.api.ollama.wire import VersionResponse
from shim.api.responses import JSON_MEDIA_TYPE, go_json
from shim.api.server_info import ServerInfo
from shim.domain.models import ModelRecord

Snapshot = Callable[[], Sequence[ModelRecord] | None]
Admits = Callable[[Scope], bool]
PATHS = frozenset({"/api/tags", "/api/version"})
CONTENT_TYPE = b"content-type: " + JSON_MEDIA_TYPE.encode() + b"\r\n"


class DiscoveryAnswers:
    def __init__(self, snapshot: Snapshot, server_info: ServerInfo, admits: Sequence[Admits]):
        self._snapshot = snapshot
        self._server_info = server_info
        self._admits = tuple(admits)
        self._version = _ready(go_json(VersionResponse(version=server_info.ollama_version)))
        self._tags: tuple[bytes, ReadyAnswer] = (b"", self._version)  # the answer to the last body

    def ready(self, scope: Scope) -> ReadyAnswer | None:
        if not self._takes(scope):
            return None
        if scope["path"] == "/api/version":
            return self._version
        models = self._snapshot()
        if models is None:
            return None
        body = tags_body(models, self._server_info)  # the same bytes while the snapshot lasts
        if self._tags[0] is not body:
            self._tags = (body, _ready(body))
        return self._tags[1]

    def _takes(self, scope: Scope) -> bool:
        if not _plain_get(scope):
            return False
        for admits in self._admits:  # noqa: SIM110 (a loop: a generator costs more per request)
            if not admits(scope):
                return False
        return True


def _ready(body: bytes) -> ReadyAnswer:
    return ReadyAnswer(200, CONTENT_TYPE + b"content-length: %d\r\n" % len(body), body)


def _plain_get(scope: Scope) -> bool:
    if scope["path"] not in PATHS:
        return False
    if scope["method"] != "GET" and scope["method"] != "HEAD":
        return False
    for name, _ in scope["headers"]:  # noqa: SIM110 (a loop: a generator costs more per request)
        if name == b"origin":
            return False
    return True
