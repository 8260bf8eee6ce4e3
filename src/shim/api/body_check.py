"""Every JSON body is checked whole before its handler runs, whichever way the handler reads it:
a relayed body is never decoded past its top level, and a decoder skips unknown fields unread."""

from __future__ import annotations

from typing import Any

from litestar import Request

from shim.api.json_scan import first_invalid_utf8, invalid_utf8_message
from shim.domain.errors import InvalidRequest

# A route handler's `opt` marking a body that is not JSON (a blob is any bytes).
NOT_JSON = {"json_body": False}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def check_json_body(request: Request[Any, Any, Any]) -> None:
    """A before-request hook: a body that is not UTF-8 is refused, as malformed JSON is."""
    if request.method not in BODY_METHODS or not request.route_handler.opt.get("json_body", True):
        return
    body = await request.body()
    offset = first_invalid_utf8(body)
    if offset is not None:
        raise InvalidRequest(invalid_utf8_message(body, offset))
