"""Anthropic's /v1/messages, answered through the chat service as Ollama's Anthropic layer
answers it through its own chat handler (middleware/anthropic.go `AnthropicMessagesMiddleware`)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Controller, Request, post
from litestar.params import RawBody
from litestar.types import ASGIApp

from shim.api.anthropic.errors import EXCEPTION_HANDLERS, error_event, new_id
from shim.api.anthropic.message_answer import message_from_domain
from shim.api.anthropic.message_stream import MessageStream
from shim.api.anthropic.request_codec import messages_request_to_domain
from shim.api.anthropic.request_wire import MessagesIn
from shim.api.anthropic.token_estimate import estimated_input_tokens
from shim.api.decoding import decode_body, log_ignored
from shim.api.dependencies import ChatServiceDep
from shim.api.go_json import encoder_response
from shim.api.streamed import EVENT_STREAM, NO_CACHE_HEADERS, Streamed, served
from shim.api.streaming import told_in_band
from shim.domain.chat_service import collect

log = structlog.get_logger(__name__)

MESSAGES_PATH = "/v1/messages"


class AnthropicMessagesController(Controller):
    exception_handlers = EXCEPTION_HANDLERS

    @post(MESSAGES_PATH, name="anthropic.messages", status_code=200)
    async def messages(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, MessagesIn)
        wanted, ignored = messages_request_to_domain(asked)
        log_ignored(ignored, "Ollama does not apply them")
        batches = await chat_service.open(wanted, "chat")
        message_id = new_id("msg")
        if not asked.stream:
            answer = await collect(batches)
            whole = message_from_domain(wanted.model, message_id, answer)
            return served(encoder_response(whole), request)
        stream = MessageStream(message_id, wanted.model, estimated_input_tokens(asked))
        events = told_in_band(batches, stream.events, error_event)
        return Streamed(events, EVENT_STREAM, headers=NO_CACHE_HEADERS)
