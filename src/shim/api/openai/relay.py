"""The Responses and Anthropic Messages routes, relayed to LM Studio as they arrive with only the
model rewritten, until they are answered through the domain as the other routes are."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import RawBody
from litestar.types import ASGIApp

from shim.api.dependencies import PassthroughDep
from shim.api.openai.errors import EXCEPTION_HANDLERS
from shim.api.streamed import Streamed
from shim.api.streaming import relay_pieces

RELAYED_PATHS = ["/v1/responses", "/v1/messages"]


class OpenAIRelayController(Controller):
    exception_handlers = EXCEPTION_HANDLERS

    @post(RELAYED_PATHS, name="openai.relay", status_code=200)
    async def relay(
        self, request: Request[Any, Any, Any], body: RawBody, passthrough: PassthroughDep
    ) -> ASGIApp:
        head, pieces = await passthrough.open(request.url.path, body)
        return Streamed(relay_pieces(pieces), head.content_type, head.status)
