"""Ollama /api/chat and /api/generate requests as domain completion requests."""

from __future__ import annotations

import msgspec

from shim.api.ollama.images import image_from_base64
from shim.api.ollama.inference_wire import ChatIn, CommonIn, GenerateIn
from shim.api.ollama.messages import messages_to_domain
from shim.api.ollama.options import context_length_from_options, sampling_from_options
from shim.api.ollama.request_fields import json_output, keep_alive_seconds, think_setting
from shim.domain.completion import ChatMessage, CompletionRequest, Tool
from shim.domain.errors import InvalidRequest

Ignored = list[str]
MAX_TOP_LOGPROBS = 20


def chat_to_domain(request: ChatIn) -> tuple[CompletionRequest, Ignored]:
    check_logprobs(request)
    if not request.model:
        raise InvalidRequest("model is required")
    tools = tuple(
        Tool(
            name=tool.function.name,
            description=tool.function.description or "",
            parameters=tool.function.parameters or {},
        )
        for tool in request.tools or ()
    )
    return _common(request, messages_to_domain(request.messages or []), tools=tools)


def generate_to_domain(request: GenerateIn) -> tuple[CompletionRequest, Ignored]:
    check_logprobs(request)
    if request.raw and (request.system or request.template or request.context):
        raise InvalidRequest("raw mode does not support template, system, or context")
    prompt = request.prompt or ""
    images = tuple(image_from_base64(image) for image in request.images or ())
    if request.raw and images:
        raise InvalidRequest("raw mode does not support images")
    messages: list[ChatMessage] = []
    if prompt:  # an empty prompt asks only for a load, whatever else came with it
        if request.system:
            messages.append(ChatMessage(role="system", content=request.system))
        messages.append(ChatMessage(role="user", content=prompt, images=images))
    domain, ignored = _common(request, tuple(messages), raw_prompt=prompt if request.raw else None)
    domain = msgspec.structs.replace(domain, suffix=request.suffix or "")
    ignored.extend(name for name in ("template", "context") if getattr(request, name) is not None)
    return domain, ignored


def check_logprobs(request: CommonIn) -> None:
    """Ollama's bounds, checked before anything else in the request."""
    if request.top_logprobs is not None and not 0 <= request.top_logprobs <= MAX_TOP_LOGPROBS:
        raise InvalidRequest(f"top_logprobs must be between 0 and {MAX_TOP_LOGPROBS}")


def _common(
    request: CommonIn,
    messages: tuple[ChatMessage, ...],
    *,
    tools: tuple[Tool, ...] = (),
    raw_prompt: str | None = None,
) -> tuple[CompletionRequest, Ignored]:
    sampling, ignored = sampling_from_options(request.options)
    ignored = [f"options.{name}" for name in ignored]
    # LM Studio neither truncates nor shifts the context on request: only a change is worth a line.
    ignored.extend(name for name in ("truncate", "shift") if getattr(request, name) is False)
    think, level = think_setting(request.think)
    domain = CompletionRequest(
        model=request.model,
        messages=messages,
        raw_prompt=raw_prompt,
        tools=tools,
        sampling=sampling,
        json_output=json_output(request.format),
        think=think,
        think_level=level,
        keep_alive_seconds=keep_alive_seconds(request.keep_alive),
        context_length=context_length_from_options(request.options),
        logprobs=bool(request.logprobs),
        top_logprobs=request.top_logprobs or 0,
    )
    return domain, ignored
