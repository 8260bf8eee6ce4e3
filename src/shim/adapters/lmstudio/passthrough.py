"""OpenAI-style requests relayed to LM Studio: streams piece by piece, errors made explicit."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from shim.adapters.lmstudio.upstream import error_message, pieces_of, rejection
from shim.adapters.upstream_http import Upstream
from shim.domain.errors import Unsupported
from shim.domain.ports import OpenAIPassthrough, RelayHead

EVENT_STREAM = "text/event-stream"


class LMStudioPassthrough(OpenAIPassthrough):
    def __init__(self, client: Upstream, idle_seconds: float) -> None:
        self._client = client
        self._idle_seconds = idle_seconds

    async def relay(self, path: str, body: bytes) -> AsyncGenerator[RelayHead | bytes, None]:
        async with self._client.stream(path, body) as reply:
            content_type = reply.content_type
            if reply.status == 200 and content_type.startswith(EVENT_STREAM):
                yield RelayHead(200, content_type)
                async for piece in pieces_of(reply, self._idle_seconds, path):
                    yield piece
                return
            whole = await reply.read()
            _raise_for_error(reply.status, whole, path)
            yield RelayHead(reply.status, content_type)
            yield whole


def _raise_for_error(status: int, body: bytes, path: str) -> None:
    """LM Studio may answer 200 with an error body; unknown routes say 'Unexpected endpoint'."""
    message = error_message(body)
    if message is not None and message.startswith("Unexpected endpoint"):
        raise Unsupported(f"this LM Studio does not offer {path}; a newer version may")
    if status >= 400 or message is not None:
        raise rejection(status if status >= 400 else 502, body, path)
