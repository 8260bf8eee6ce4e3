"""Ollama's /api/chat and /api/generate: decode, hand to the chat service, stream or answer once."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import structlog
from litestar import Controller, Request, Response, post
from litestar.params import RawBody
from litestar.types import ASGIApp

from shim.api.decoding import decode_body, log_ignored
from shim.api.dependencies import ChatServiceDep
from shim.api.go_json import json_response
from shim.api.ollama.answer_codec import ChatEncoder, GenerateEncoder
from shim.api.ollama.go_format import utc_now
from shim.api.ollama.inference_wire import ChatChunk, ChatIn, GenerateChunk, GenerateIn, MessageOut
from shim.api.ollama.request_codec import chat_to_domain, generate_to_domain
from shim.api.streamed import Streamed, served
from shim.api.streaming import NDJSON, ndjson_lines
from shim.domain.chat_service import ChatService, Verb, collect
from shim.domain.completion import AnswerEvent, CompletionRequest
from shim.domain.errors import ModelNotFound

log = structlog.get_logger(__name__)

Encoder = ChatEncoder | GenerateEncoder


class InferenceController(Controller):
    @post("/api/chat", name="ollama.chat", status_code=200)
    async def chat(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, ChatIn)
        wanted, ignored = chat_to_domain(asked)
        log_ignored(ignored, "LM Studio cannot apply them")
        if not wanted.messages:
            completed = await chat_service.load(wanted.model, "chat", wanted.keep_alive_seconds)
            done = ChatChunk(
                model=asked.model, created_at=utc_now(), message=MessageOut(), done=True
            )
            done.done_reason = completed.reason or "load"
            return served(json_response(done), request)
        answer = await _answer(chat_service, wanted, "chat", ChatEncoder(asked.model), asked.stream)
        return answer if isinstance(answer, Streamed) else served(answer, request)

    @post("/api/generate", name="ollama.generate", status_code=200)
    async def generate(
        self, request: Request[Any, Any, Any], body: RawBody, chat_service: ChatServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, GenerateIn)
        if not asked.model:
            raise ModelNotFound("")  # Ollama answers a missing model here with 404, not 400
        wanted, ignored = generate_to_domain(asked)
        log_ignored(ignored, "LM Studio cannot apply them")
        if not wanted.messages:
            completed = await chat_service.load(wanted.model, "generate", wanted.keep_alive_seconds)
            done = GenerateChunk(model=asked.model, created_at=utc_now(), response="", done=True)
            done.done_reason = completed.reason or "load"
            return served(json_response(done), request)
        encoder = GenerateEncoder(asked.model, raw=asked.raw)
        answer = await _answer(chat_service, wanted, "generate", encoder, asked.stream)
        return answer if isinstance(answer, Streamed) else served(answer, request)


async def _answer(
    chat_service: ChatService,
    request: CompletionRequest,
    verb: Verb,
    encoder: Encoder,
    stream: bool | None,
) -> Response[bytes] | Streamed:
    batches: AsyncGenerator[list[AnswerEvent], None] = await chat_service.open(request, verb)
    if stream is False:
        answer = await collect(batches)
        return Response(encoder.whole(answer), media_type="application/json; charset=utf-8")
    return Streamed(ndjson_lines(batches, encoder.lines), NDJSON)
