"""Loading and unloading through LM Studio's /api/v1/models, or a one-token JIT request."""

from __future__ import annotations

from typing import Any

import structlog

from shim.adapters.lmstudio.payloads import ttl_seconds
from shim.adapters.lmstudio.upstream import error_message, rejection
from shim.adapters.upstream_http import Upstream, UpstreamReply
from shim.domain.errors import Unsupported
from shim.domain.models import ModelRecord
from shim.domain.ports import ModelLifecycle

LOAD_PATH = "/api/v1/models/load"
UNLOAD_PATH = "/api/v1/models/unload"
PING_PATH = "/v1/chat/completions"

log = structlog.get_logger(__name__)


class LMStudioModelLifecycle(ModelLifecycle):
    def __init__(self, client: Upstream) -> None:
        self._client = client

    async def load(
        self, model: ModelRecord, *, keep_alive_seconds: float | None, context_length: int | None
    ) -> None:
        """An explicit load (no idle timeout) for a context window or forever; else a JIT load."""
        if model.is_loaded:
            return
        forever = keep_alive_seconds is not None and keep_alive_seconds < 0
        if context_length or forever:
            body: dict[str, Any] = {"model": model.upstream_key}
            if context_length:
                body["context_length"] = context_length
            reply = await self._client.call("POST", LOAD_PATH, body)
            if not unsupported(reply):
                _raise_for_error(reply, LOAD_PATH)
                return
            log.warning("lifecycle.explicit_load_unsupported", context_length=context_length)
        await self._ping(model, keep_alive_seconds)

    async def unload(self, model: ModelRecord) -> None:
        for instance in model.loaded_instances:
            reply = await self._client.call(
                "POST", UNLOAD_PATH, {"instance_id": instance.instance_id}
            )
            if unsupported(reply):
                raise Unsupported("unloading a model needs LM Studio 0.4 or newer (/api/v1)")
            _raise_for_error(reply, UNLOAD_PATH)

    async def _ping(self, model: ModelRecord, keep_alive_seconds: float | None) -> None:
        """LM Studio loads a model on its first request; one token is the cheapest such request."""
        body: dict[str, Any] = {
            "model": model.upstream_key,
            "messages": [{"role": "user", "content": "hi"}],
            "max_tokens": 1,
            "stream": False,
        }
        ttl = ttl_seconds(keep_alive_seconds)
        if ttl is not None:
            body["ttl"] = ttl
        _raise_for_error(await self._client.call("POST", PING_PATH, body), PING_PATH)


def unsupported(reply: UpstreamReply) -> bool:
    """Older LM Studio answers unknown routes 200 with an error; other servers answer 404/405."""
    if reply.status == 405:
        return True
    if reply.status == 404:
        return b"model_not_found" not in reply.body
    message = error_message(reply.body) if reply.status == 200 else None
    return message is not None and message.startswith("Unexpected endpoint")


def _raise_for_error(reply: UpstreamReply, path: str) -> None:
    if reply.status != 200 or error_message(reply.body) is not None:
        raise rejection(reply.status if reply.status != 200 else 502, reply.body, path)
