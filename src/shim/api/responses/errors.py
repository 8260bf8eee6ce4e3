"""Failures before a stream begins, in OpenAI's envelope with Ollama's texts and statuses
(middleware/openai.go `ResponsesMiddleware`, openai.go `NewError`); after, the stream tells
them itself (`ResponsesStream.failed`)."""

from __future__ import annotations

from shim.api.errors import dialect_handlers
from shim.api.openai_shared.envelope import openai_error

EXCEPTION_HANDLERS = dialect_handlers(openai_error)
