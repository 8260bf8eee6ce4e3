"""One place where failures become responses: Ollama's `{"error": ...}` with the right status."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException
from structlog import get_logger

from shim.api.go_json import json_response, text_response
from shim.api.ollama.wire import ErrorResponse
from shim.api.openai.wire import error_envelope
from shim.api.status import status_of
from shim.domain.errors import ShimError

log = get_logger(__name__)

OPENAI_PREFIX = "/v1/"
LOGGED_CHARS = 500  # what a client sent may be huge; a log line should not be


def shim_error(request: Request[Any, Any, Any], error: ShimError) -> Response[bytes]:
    status = status_of(error)
    log.info(
        "request.failed",
        status=status,
        error=error.message[:LOGGED_CHARS],
        kind=type(error).__name__,
    )
    return error_response(request, error.message, status)


def error_response(request: Request[Any, Any, Any], message: str, status: int) -> Response[bytes]:
    """Each dialect's envelope: OpenAI's under /v1/, Ollama's everywhere else."""
    if request.url.path.startswith(OPENAI_PREFIX):
        return json_response(error_envelope(message, status), status)
    return json_response(ErrorResponse(error=message), status)


def route_not_found(_: Request[Any, Any, Any], __: NotFoundException) -> Response[bytes]:
    # Ollama's router answers unknown paths in plain text, and so must we.
    return text_response("404 page not found", 404)


def method_not_allowed(_: Request[Any, Any, Any], __: MethodNotAllowedException) -> Response[bytes]:
    return text_response("405 method not allowed", 405)


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    return error_response(request, str(error.detail), error.status_code)


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    log.exception("request.crashed", error=repr(error))
    return error_response(request, "internal server error", 500)


EXCEPTION_HANDLERS = {
    ShimError: shim_error,
    NotFoundException: route_not_found,
    MethodNotAllowedException: method_not_allowed,
    HTTPException: http_error,
    Exception: unexpected_error,
}
