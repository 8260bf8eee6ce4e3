"""Every JSON body is checked whole before its handler runs, whichever way the handler reads it:
a decoder skips unknown fields unread, and what no decoder reads must be checked too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from shim.api.json_scan import first_invalid_utf8, holds_more_values, invalid_utf8_message
from shim.domain.errors import InvalidRequest, TooLarge

# A route handler's `opt` marking a body that is not JSON (a blob is any bytes).
JSON_BODY = "json_body"
NOT_JSON = {JSON_BODY: False}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

LIMIT_SETTING = " (SHIM_MAX_JSON_VALUES)"  # named so that whoever runs shim knows what to raise

BodyCheck = Callable[[Request[Any, Any, Any]], Awaitable[None]]


def json_body_check(max_values: int) -> BodyCheck:
    """A before-request hook: a body that is not UTF-8 is refused, as malformed JSON is, and one
    with more than `max_values` values is refused before decoding could make them objects."""

    async def check(request: Request[Any, Any, Any]) -> None:
        if not _takes_json(request):
            return
        body = await request.body()
        offset = first_invalid_utf8(body)
        if offset is not None:
            raise InvalidRequest(invalid_utf8_message(body, offset))
        if holds_more_values(body, max_values):
            raise TooLarge(
                f"request body too large: more than {max_values} JSON values{LIMIT_SETTING}"
            )

    return check


def takes_json(handler: HTTPRouteHandler) -> bool:
    """Whether the route's body is JSON: every route's is, unless its `opt` says otherwise."""
    return bool(handler.opt.get(JSON_BODY, True))


def _takes_json(request: Request[Any, Any, Any]) -> bool:
    return request.method in BODY_METHODS and takes_json(request.route_handler)
