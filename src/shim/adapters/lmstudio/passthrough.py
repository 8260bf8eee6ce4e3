"""OpenAI-style requests relayed to LM Studio: streams piece by piece, errors made explicit."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx

from shim.adapters.lmstudio.upstream import (
    JSON_HEADERS,
    error_message,
    pieces_of,
    rejection,
    transport_errors,
)
from shim.domain.errors import Unsupported
from shim.domain.ports import OpenAIPassthrough, RelayHead

EVENT_STREAM = "text/event-stream"


class LMStudioPassthrough(OpenAIPassthrough):
    def __init__(self, client: httpx.AsyncClient, idle_seconds: float) -> None:
        self._client = client
        self._idle_seconds = idle_seconds

    async def relay(self, path: str, body: bytes) -> AsyncGenerator[RelayHead | bytes, None]:
        with transport_errors(self._client, path):
            async with self._client.stream(
                "POST", path, content=body, headers=JSON_HEADERS
            ) as reply:
                content_type = reply.headers.get("content-type", "application/json")
                if reply.status_code == 200 and content_type.startswith(EVENT_STREAM):
                    yield RelayHead(200, content_type)
                    async for piece in pieces_of(reply, self._idle_seconds, path):
                        yield piece
                    return
                whole = await reply.aread()
                _raise_for_error(reply.status_code, whole, path)
                yield RelayHead(reply.status_code, content_type)
                yield whole


def _raise_for_error(status: int, body: bytes, path: str) -> None:
    """LM Studio may answer 200 with an error body; unknown routes say 'Unexpected endpoint'."""
    message = error_message(body)
    if message is not None and message.startswith("Unexpected endpoint"):
        raise Unsupported(f"this LM Studio does not offer {path}; a newer version may")
    if status >= 400 or message is not None:
        raise rejection(status if status >= 400 else 502, body, path)
