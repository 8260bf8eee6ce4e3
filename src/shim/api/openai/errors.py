"""Failures in OpenAI's envelope with Ollama's texts and statuses (openai.go `NewError`): a whole
answer before a stream begins, the stream's last event after."""

from __future__ import annotations

from shim.api.errors import dialect_handlers
from shim.api.go_json import go_json
from shim.api.openai_shared.envelope import error_envelope, openai_error

STREAM_FAILURE = 500  # what a failure after the first byte counts as: the status is already sent


def error_event(message: str) -> bytes:
    """The SSE event OpenAI's clients raise on (their stream readers look for `error`).

    Ollama itself would pass `{"error": ...}` through its chunk converter and send an empty
    chunk instead, losing the message; the envelope tells the client what went wrong.
    """
    return b"data: " + go_json(error_envelope(message, STREAM_FAILURE)) + b"\n\n"


EXCEPTION_HANDLERS = dialect_handlers(openai_error)
