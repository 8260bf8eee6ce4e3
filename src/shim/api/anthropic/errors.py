"""Failures in Anthropic's envelope with Ollama's texts and statuses (anthropic.go `NewError`,
`StreamErrorEvent`): a whole answer before a stream begins, an `error` event after."""

from __future__ import annotations

import secrets

from litestar import Response

from shim.api.anthropic.answer_wire import ErrorDetail, ErrorEnvelope, StreamError
from shim.api.errors import dialect_handlers
from shim.api.go_json import encoder_response, go_json

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}
ID_BYTES = 12  # Ollama's ids: a prefix and 24 hex digits


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(ID_BYTES)}"


def error_envelope(message: str, status: int) -> ErrorEnvelope:
    kind = ERROR_TYPES.get(status, "api_error")
    return ErrorEnvelope(type="error", error=ErrorDetail(kind, message), request_id=new_id("req"))


def anthropic_error(message: str, status: int) -> Response[bytes]:
    return encoder_response(error_envelope(message, status), status)


def unauthorized_body() -> bytes:
    """What a request without the right key is told, when shim is set to ask for one."""
    return go_json(error_envelope("unauthorized", 401))


def error_event(message: str) -> bytes:
    """The stream's last event: Anthropic's clients raise on it.

    Ollama itself would pass `{"error": ...}` through its stream converter and lose the message;
    the event tells the client what went wrong.
    """
    failure = StreamError(type="error", error=ErrorDetail("api_error", message))
    return b"event: error\ndata: " + go_json(failure) + b"\n\n"


EXCEPTION_HANDLERS = dialect_handlers(anthropic_error)
