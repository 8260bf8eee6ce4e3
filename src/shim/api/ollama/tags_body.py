"""The encoded /api/tags body, reused while the catalog hands back the same snapshot."""

from __future__ import annotations

from collections.abc import Sequence

from shim.api.go_json import go_json
from shim.api.ollama.models_codec import tags_from_models
from shim.api.server_info import ServerInfo
from shim.domain.models import ModelRecord

_last: list[tuple[object, bytes]] = []


def tags_body(models: Sequence[ModelRecord], server_info: ServerInfo) -> bytes:
    if _last and _last[0][0] is models:
        return _last[0][1]
    body = go_json(tags_from_models(models, server_info.started_at))
    _last[:] = [(models, body)]
    return body
