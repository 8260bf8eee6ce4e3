"""OpenAI's /v1/responses, answered through the chat service as Ollama's `/v1` layer answers it
through its own chat handler (middleware/openai.go `ResponsesMiddleware`, `ResponsesWriter`).

Nothing is stored: a response cannot be fetched or continued later, and `previous_response_id`
is read by neither Ollama nor shim.
"""

from __future__ import annotations

import random
import time
from collections.abc import AsyncGenerator
from typing import Any

import structlog
from litestar import Controller, Request, post
from litestar.params import RawBody
from litestar.types import ASGIApp

from shim.api.decoding import decode_body, log_ignored
from shim.api.dependencies import ChatServiceDep
from shim.api.openai_shared.json_answer import json_answer
from shim.api.responses.echo import Echo
from shim.api.responses.errors import EXCEPTION_HANDLERS
from shim.api.responses.request_codec import responses_to_domain
from shim.api.responses.request_wire import ResponsesIn
from shim.api.responses.stream_answer import ResponsesStream
from shim.api.responses.whole_answer import response_object
from shim.api.streamed import EVENT_STREAM, NO_CACHE_HEADERS, Streamed, served
from shim.api.streaming import told_in_band
from shim.domain.chat_service import collect
from shim.domain.completion import AnswerEvent

log = structlog.get_logger(__name__)

ID_NUMBERS = 999999  # Ollama's ids: resp_N and msg_N, N from 0 to 999998
Batches = AsyncGenerator[list[AnswerEvent], None]


class ResponsesController(Controller):
    exception_handlers = EXCEPTION_HANDLERS

    @post("/v1/responses", name="openai.responses", status_code=200)
    async def respond(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, ResponsesIn)
        wanted, ignored = responses_to_domain(asked)
        log_ignored(ignored, "Ollama does not apply them")
        batches = await chat_service.open_or_load(wanted, "chat")
        echo = Echo.of(asked, wanted.model)
        response_id = f"resp_{random.randrange(ID_NUMBERS)}"
        item_id = f"msg_{random.randrange(ID_NUMBERS)}"
        if not asked.stream:
            answer = await collect(batches)
            whole = response_object(echo, response_id, item_id, answer, int(time.time()))
            return served(json_answer(whole), request)
        stream = ResponsesStream(echo, response_id, item_id)
        events = told_in_band(batches, stream.events, stream.failed)
        return Streamed(events, EVENT_STREAM, headers=NO_CACHE_HEADERS)
