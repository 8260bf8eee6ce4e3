"""OpenAI's scalar request fields as Ollama's `/v1` layer turns them into options, think levels
and formats (openai.go `FromChatRequest`, `FromCompleteRequest`, `thinkFromReasoningEffort`)."""

from __future__ import annotations

from typing import Any

from shim.api.openai.request_wire import ChatCompletionIn, CompletionIn, ResponseFormatIn
from shim.api.openai_shared.reasoning_effort import think_from_effort
from shim.api.openai_shared.schema_format import format_from_schema
from shim.domain.completion import JsonOutput, Sampling, ThinkLevel
from shim.domain.errors import InvalidRequest

MAX_TOP_LOGPROBS = 20


def go_type(value: Any) -> str:
    """How Go's `%T` names a JSON value decoded into `any`, as Ollama's messages quote it."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return "map[string]interface {}"


def chat_sampling(request: ChatCompletionIn) -> Sampling:
    """Absent temperature and top_p are 1.0, overriding the model's own defaults, as in Ollama;
    stop words that are not strings are dropped."""
    stop = request.stop
    words = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    return Sampling(
        temperature=1.0 if request.temperature is None else request.temperature,
        top_p=1.0 if request.top_p is None else request.top_p,
        max_tokens=_token_limit(request.max_tokens),
        stop=tuple(word for word in words if isinstance(word, str)),
        seed=_seed(request.seed),
        presence_penalty=request.presence_penalty,
        frequency_penalty=request.frequency_penalty,
    )


def completion_sampling(request: CompletionIn) -> Sampling:
    """As chat, but a top_p of 0 is 1.0, both penalties are always sent (0 when absent), and a
    stop word that is not a string is refused."""
    return Sampling(
        temperature=1.0 if request.temperature is None else request.temperature,
        top_p=request.top_p or 1.0,
        max_tokens=_token_limit(request.max_tokens),
        stop=_strict_stop_words(request.stop),
        seed=_seed(request.seed),
        presence_penalty=request.presence_penalty or 0.0,
        frequency_penalty=request.frequency_penalty or 0.0,
    )


def _strict_stop_words(stop: Any) -> tuple[str, ...]:
    if isinstance(stop, str):
        return (stop,)
    if not isinstance(stop, list):
        return ()
    for word in stop:
        if not isinstance(word, str):
            raise InvalidRequest(f"invalid type for 'stop' field: {go_type(word)}")
    return tuple(stop)


def _token_limit(max_tokens: int | None) -> int | None:
    # Ollama's num_predict: a negative one is open-ended.
    return None if max_tokens is None or max_tokens < 0 else max_tokens


def _seed(seed: int | None) -> int | None:
    return None if seed == -1 else seed  # Ollama's "random"


def think_setting(request: ChatCompletionIn) -> tuple[bool | None, ThinkLevel | None]:
    """`reasoning.effort` wins over `reasoning_effort`."""
    if request.reasoning is not None:
        return think_from_effort(request.reasoning.effort or "")
    return think_from_effort(request.reasoning_effort or "")


def check_top_logprobs(top_logprobs: int | None) -> None:
    if top_logprobs is not None and not 0 <= top_logprobs <= MAX_TOP_LOGPROBS:
        raise InvalidRequest(f"top_logprobs must be between 0 and {MAX_TOP_LOGPROBS}")


def json_output(response_format: ResponseFormatIn | None) -> JsonOutput | None:
    """`json_object` is bare JSON; `json_schema` is its schema, which Ollama reads as a format
    of its own (a schema object, or "json"); any other type asks for plain text."""
    if response_format is None:
        return None
    kind = (response_format.type or "").strip().lower()
    if kind == "json_object":
        return JsonOutput()
    if kind != "json_schema" or response_format.json_schema is None:
        return None
    return format_from_schema(response_format.json_schema.schema)
