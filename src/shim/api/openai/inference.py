"""OpenAI's /v1/chat/completions and /v1/completions, answered through the chat service as
Ollama's `/v1` layer answers them through its own chat and generate handlers."""

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
from shim.api.openai.chat_answer import ChatStream, chat_completion
from shim.api.openai.completion_answer import TextStream, text_completion
from shim.api.openai.errors import EXCEPTION_HANDLERS, error_event
from shim.api.openai.request_codec import chat_to_domain, completion_to_domain
from shim.api.openai.request_wire import ChatCompletionIn, CommonIn, CompletionIn
from shim.api.openai_shared.json_answer import json_answer
from shim.api.streamed import EVENT_STREAM, Streamed, served
from shim.api.streaming import told_in_band
from shim.domain.chat_service import collect
from shim.domain.completion import AnswerEvent

log = structlog.get_logger(__name__)

ID_NUMBERS = 999  # Ollama's ids: chatcmpl-N and cmpl-N, N from 0 to 998
Batches = AsyncGenerator[list[AnswerEvent], None]


class OpenAIInferenceController(Controller):
    exception_handlers = EXCEPTION_HANDLERS

    @post("/v1/chat/completions", name="openai.chat", status_code=200)
    async def chat(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, ChatCompletionIn)
        wanted, ignored = chat_to_domain(asked)
        log_ignored(ignored, "Ollama does not apply them")
        batches = await chat_service.open(wanted, "chat")
        answer_id = f"chatcmpl-{random.randrange(ID_NUMBERS)}"
        if not asked.stream:
            answer = await collect(batches)
            whole = chat_completion(wanted.model, answer_id, int(time.time()), answer)
            return served(json_answer(whole), request)
        stream = ChatStream(wanted.model, answer_id, int(time.time()), _usage_asked(asked))
        return Streamed(told_in_band(batches, stream.events, error_event), EVENT_STREAM)

    @post("/v1/completions", name="openai.completions", status_code=200)
    async def complete(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, CompletionIn)
        wanted, ignored = completion_to_domain(asked)
        log_ignored(ignored, "Ollama does not apply them")
        batches = await chat_service.open_or_load(wanted, "generate")
        answer_id = f"cmpl-{random.randrange(ID_NUMBERS)}"
        if not asked.stream:
            answer = await collect(batches)
            whole = text_completion(wanted.model, answer_id, int(time.time()), answer)
            return served(json_answer(whole), request)
        stream = TextStream(wanted.model, answer_id, _usage_asked(asked))
        return Streamed(told_in_band(batches, stream.events, error_event), EVENT_STREAM)


def _usage_asked(asked: CommonIn) -> bool:
    return bool(asked.stream_options and asked.stream_options.include_usage)
