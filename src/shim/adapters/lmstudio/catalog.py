"""LM Studio's model catalog: /api/v1/models, else /api/v0/models, else /v1/models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from shim.adapters.lmstudio import records
from shim.adapters.lmstudio.upstream import error_message, get, rejection
from shim.adapters.lmstudio.wire import OpenAIModelList, ServerProps, V0ModelList, V1ModelList
from shim.adapters.upstream_http import Upstream, UpstreamReply
from shim.domain.errors import UpstreamError
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelCatalog

AUTH_FAILURES = frozenset({401, 403})
OPENAI_MODELS = "/v1/models"
PROPS_PATH = "/props"


class Discovery(msgspec.Struct, frozen=True):
    path: str
    decoder: msgspec.json.Decoder[Any]
    to_records: Callable[[Any, str], list[ModelRecord]]


DISCOVERIES = (
    Discovery("/api/v1/models", msgspec.json.Decoder(V1ModelList), records.from_v1),
    Discovery("/api/v0/models", msgspec.json.Decoder(V0ModelList), records.from_v0),
    Discovery(OPENAI_MODELS, msgspec.json.Decoder(OpenAIModelList), records.from_openai),
)
_props = msgspec.json.Decoder(ServerProps)


class LMStudioModelCatalog(ModelCatalog):
    """Remembers which list the server answered, and rediscovers when that one stops working."""

    def __init__(self, client: Upstream, retries: int = 2) -> None:
        self._client = client
        self._retries = retries
        self._backend = client.base_url
        self._known: Discovery | None = None

    async def list_models(self) -> list[ModelRecord]:
        if self._known is not None:
            found = await self._try(self._known)
            if found is not None:
                return found
            self._known = None
        reasons = []
        for discovery in DISCOVERIES:
            found = await self._try(discovery)
            if found is not None:
                self._known = discovery
                return found
            reasons.append(discovery.path)
        raise UpstreamError(
            f"LM Studio at {self._backend} offers no model list (tried {', '.join(reasons)})"
        )

    async def _try(self, discovery: Discovery) -> list[ModelRecord] | None:
        reply = await get(self._client, discovery.path, retries=self._retries)
        _raise_for_hard_failure(reply, discovery.path)
        if reply.status != 200 or error_message(reply.body) is not None:
            return None
        try:
            listing = discovery.decoder.decode(reply.body)
        except msgspec.DecodeError:
            return None
        result: list[ModelRecord] = discovery.to_records(listing, self._backend)
        if discovery.path == OPENAI_MODELS:
            result = records.with_props(result, await self._props())
        return result

    async def _props(self) -> ServerProps | None:
        """Only llama.cpp's server has /props; anything else answers without one."""
        try:
            reply = await get(self._client, PROPS_PATH)
            return _props.decode(reply.body) if reply.status == 200 else None
        except (UpstreamError, msgspec.DecodeError, msgspec.ValidationError):
            return None


def _raise_for_hard_failure(reply: UpstreamReply, path: str) -> None:
    """Failures that another endpoint would not cure: refused credentials, server errors."""
    if reply.status in AUTH_FAILURES or reply.status >= 500:
        raise rejection(reply.status, reply.body, path)
