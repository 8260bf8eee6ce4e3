"""Failures as responses. Each dialect hands its controllers handlers that put a failure in its
own envelope; paths no route answers get the plain text of Ollama's router, whatever they say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException
from litestar.types import ExceptionHandlersMap
from structlog import get_logger

from shim.api.go_json import text_response
from shim.api.status import status_of
from shim.domain.errors import ShimError

log = get_logger(__name__)

LOGGED_CHARS = 500  # what a client sent may be huge; a log line should not be

Envelope = Callable[[str, int], Response[bytes]]
"""A dialect's error answer for a message and an HTTP status."""

__all__ = ["ROUTING_HANDLERS", "Envelope", "dialect_handlers", "status_of"]


def dialect_handlers(envelope: Envelope) -> ExceptionHandlersMap:
    """Domain failures, Litestar's own (a body too large) and crashes, in one dialect's envelope."""

    def shim_error(_: Request[Any, Any, Any], error: ShimError) -> Response[bytes]:
        status = status_of(error)
        log.info(
            "request.failed",
            status=status,
            error=error.message[:LOGGED_CHARS],
            kind=type(error).__name__,
        )
        return envelope(error.message, status)

    def http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
        return envelope(str(error.detail), error.status_code)

    def unexpected_error(_: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
        log.exception("request.crashed", error=repr(error))
        return envelope("internal server error", 500)

    return {ShimError: shim_error, HTTPException: http_error, Exception: unexpected_error}


def route_not_found(_: Request[Any, Any, Any], __: NotFoundException) -> Response[bytes]:
    # Ollama's router answers unknown paths in plain text, and so must we.
    return text_response("404 page not found", 404)


def method_not_allowed(_: Request[Any, Any, Any], __: MethodNotAllowedException) -> Response[bytes]:
    return text_response("405 method not allowed", 405)


ROUTING_HANDLERS: ExceptionHandlersMap = {
    NotFoundException: route_not_found,
    MethodNotAllowedException: method_not_allowed,
}
