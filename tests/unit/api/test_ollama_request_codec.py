"""/api/chat and /api/generate bodies → domain completion requests plus the fields shim ignores."""

from __future__ import annotations

import base64
from typing import Any

import msgspec
import pytest

from shim.api.ollama.inference_wire import ChatIn, GenerateIn
from shim.api.ollama.request_codec import chat_to_domain, generate_to_domain
from shim.domain.completion import (
    ChatMessage,
    CompletionRequest,
    Image,
    JsonOutput,
    Sampling,
    Tool,
    ToolCall,
)
from shim.domain.errors import InvalidRequest

PNG_B64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8).decode()
WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def chat(**body: Any) -> ChatIn:
    return msgspec.convert({"model": "qwen3", **body}, ChatIn)


def generate(**body: Any) -> GenerateIn:
    return msgspec.convert({"model": "qwen3", **body}, GenerateIn)


def chat_error(request: ChatIn) -> str:
    with pytest.raises(InvalidRequest) as caught:
        chat_to_domain(request)
    return caught.value.message


def generate_error(request: GenerateIn) -> str:
    with pytest.raises(InvalidRequest) as caught:
        generate_to_domain(request)
    return caught.value.message


# --- chat -------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"model": ""}])
def test_chat_needs_a_model(body: dict[str, Any]) -> None:
    assert chat_error(msgspec.convert(body, ChatIn)) == "model is required"


def test_minimal_chat_maps_to_a_plain_request() -> None:
    request, ignored = chat_to_domain(chat(messages=[{"role": "user", "content": "hi"}]))
    assert request == CompletionRequest(
        model="qwen3", messages=(ChatMessage(role="user", content="hi"),)
    )
    assert ignored == []


def test_chat_without_messages_has_none() -> None:
    request, _ = chat_to_domain(chat())
    assert request.messages == ()


def test_chat_tools_are_mapped() -> None:
    request, _ = chat_to_domain(
        chat(
            messages=[{"role": "user", "content": "weather?"}],
            tools=[
                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "description": "Weather for a city",
                        "parameters": WEATHER_PARAMETERS,
                    },
                },
                {"type": "function", "function": {"name": "now"}},
            ],
        )
    )
    assert request.tools == (
        Tool(name="get_weather", description="Weather for a city", parameters=WEATHER_PARAMETERS),
        Tool(name="now", description="", parameters={}),
    )


def test_chat_messages_go_through_the_message_codec() -> None:
    request, _ = chat_to_domain(
        chat(
            messages=[
                {"role": "USER", "content": "look", "images": [PNG_B64]},
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}],
                },
                {"role": "tool", "content": "done", "tool_name": "f"},
            ]
        )
    )
    user, call, result = request.messages
    assert user.role == "user"
    assert user.images == (Image(mime_type="image/png", base64=PNG_B64),)
    assert call.tool_calls == (ToolCall(id="call_1_0", name="f", arguments={"x": 1}),)
    assert result.tool_call_id == "call_1_0"


def test_chat_options_format_think_and_keep_alive_are_mapped() -> None:
    request, ignored = chat_to_domain(
        chat(
            messages=[{"role": "user", "content": "hi"}],
            options={"temperature": 0.3, "num_predict": 50, "stop": ["END"], "seed": -1},
            format="json",
            think="max",
            keep_alive="10m",
        )
    )
    assert request.sampling == Sampling(temperature=0.3, max_tokens=50, stop=("END",))
    assert request.json_output == JsonOutput()
    assert (request.think, request.think_level) == (True, "high")
    assert request.keep_alive_seconds == 600
    assert ignored == []


@pytest.mark.parametrize(
    ("think", "expected"),
    [(True, (True, None)), (False, (False, None)), (None, (None, None)), ("low", (True, "low"))],
)
def test_chat_think_values(think: Any, expected: tuple[Any, Any]) -> None:
    request, _ = chat_to_domain(chat(think=think))
    assert (request.think, request.think_level) == expected


def test_chat_schema_format_and_numeric_keep_alive() -> None:
    request, _ = chat_to_domain(chat(format=WEATHER_PARAMETERS, keep_alive=-1))
    assert request.json_output == JsonOutput(schema=WEATHER_PARAMETERS)
    assert request.keep_alive_seconds == -1


def test_chat_ignored_options_are_prefixed() -> None:
    _, ignored = chat_to_domain(
        chat(options={"mirostat": 2, "temperature": 0.5, "num_ctx": 4096, "tfs_z": 1.0})
    )
    assert ignored == ["options.mirostat", "options.tfs_z"], "num_ctx is applied at load time"


def test_chat_logprobs_are_carried_not_ignored() -> None:
    request, ignored = chat_to_domain(chat(logprobs=True, top_logprobs=5, options={"numa": True}))
    assert ignored == ["options.numa"]
    assert (request.logprobs, request.top_logprobs) == (True, 5)


@pytest.mark.parametrize("body", [{"logprobs": False}, {"top_logprobs": 0}, {}])
def test_chat_unset_logprobs_ask_for_none(body: dict[str, Any]) -> None:
    request, ignored = chat_to_domain(chat(**body))
    assert (ignored, request.logprobs) == ([], False)


@pytest.mark.parametrize("top", [-1, 21])
def test_top_logprobs_beyond_ollamas_bounds_are_refused(top: int) -> None:
    with pytest.raises(InvalidRequest, match=r"^top_logprobs must be between 0 and 20$"):
        chat_to_domain(chat(top_logprobs=top))
    with pytest.raises(InvalidRequest, match=r"^top_logprobs must be between 0 and 20$"):
        generate_to_domain(generate(prompt="x", top_logprobs=top))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"think": "ultra"}, 'invalid think value: "ultra"'),
        ({"format": "xml"}, "invalid format:"),
        ({"keep_alive": "300"}, 'time: missing unit in duration "300"'),
        ({"options": {"stop": "x"}}, 'option "stop" must be of type array'),
        ({"messages": [{"role": "robot", "content": "x"}]}, "invalid message role"),
    ],
)
def test_chat_field_errors_surface(body: dict[str, Any], message: str) -> None:
    assert chat_error(chat(**body)).startswith(message)


# --- generate ---------------------------------------------------------------------------------


def test_generate_prompt_becomes_a_user_message() -> None:
    request, ignored = generate_to_domain(generate(prompt="Why is the sky blue?"))
    assert request == CompletionRequest(
        model="qwen3", messages=(ChatMessage(role="user", content="Why is the sky blue?"),)
    )
    assert ignored == []


def test_generate_system_comes_first() -> None:
    request, _ = generate_to_domain(generate(prompt="hi", system="be terse"))
    assert request.messages == (
        ChatMessage(role="system", content="be terse"),
        ChatMessage(role="user", content="hi"),
    )


def test_generate_images_ride_on_the_user_message() -> None:
    request, _ = generate_to_domain(generate(prompt="describe", images=[PNG_B64]))
    (user,) = request.messages
    assert user == ChatMessage(
        role="user", content="describe", images=(Image(mime_type="image/png", base64=PNG_B64),)
    )


def test_generate_empty_prompt_is_a_load_request() -> None:
    request, _ = generate_to_domain(generate(prompt=""))
    assert request.messages == ()
    assert request.raw_prompt is None


@pytest.mark.parametrize("extra", [{"system": "be terse"}, {"images": [PNG_B64]}])
def test_generate_empty_prompt_is_a_load_request_whatever_else_is_sent(
    extra: dict[str, Any],
) -> None:
    request, _ = generate_to_domain(generate(prompt="", **extra))
    assert request.messages == ()


def test_generate_raw_sets_the_raw_prompt() -> None:
    request, _ = generate_to_domain(generate(prompt="<|user|>hi<|assistant|>", raw=True))
    assert request.raw_prompt == "<|user|>hi<|assistant|>"


def test_generate_not_raw_has_no_raw_prompt() -> None:
    request, _ = generate_to_domain(generate(prompt="hi"))
    assert request.raw_prompt is None


@pytest.mark.parametrize(
    "extra",
    [
        {"system": "s"},
        {"template": "{{ .Prompt }}"},
        {"context": [1, 2, 3]},
        {"system": "s", "template": "t", "context": [1]},
    ],
)
def test_generate_raw_refuses_template_system_and_context(extra: dict[str, Any]) -> None:
    assert (
        generate_error(generate(prompt="p", raw=True, **extra))
        == "raw mode does not support template, system, or context"
    )


@pytest.mark.parametrize("extra", [{"system": ""}, {"template": ""}, {"context": []}])
def test_generate_raw_accepts_empty_template_system_and_context(extra: dict[str, Any]) -> None:
    request, _ = generate_to_domain(generate(prompt="p", raw=True, **extra))
    assert request.raw_prompt == "p"


def test_generate_raw_refuses_images() -> None:
    assert (
        generate_error(generate(prompt="p", raw=True, images=[PNG_B64]))
        == "raw mode does not support images"
    )


def test_generate_suffix_is_copied() -> None:
    request, _ = generate_to_domain(generate(prompt="def add(a, b):", suffix="    return c"))
    assert request.suffix == "    return c"


def test_generate_without_suffix_has_empty_suffix() -> None:
    request, _ = generate_to_domain(generate(prompt="x"))
    assert request.suffix == ""


def test_generate_template_and_context_are_reported_as_ignored() -> None:
    _, ignored = generate_to_domain(
        generate(prompt="x", template="{{ .Prompt }}", context=[1, 2], options={"mirostat": 1})
    )
    assert ignored == ["options.mirostat", "template", "context"]


def test_generate_shares_options_format_think_and_keep_alive() -> None:
    request, ignored = generate_to_domain(
        generate(
            prompt="x",
            options={"top_k": 10.0, "num_thread": 4},
            format={"type": "object"},
            think="medium",
            keep_alive="1h30m",
            logprobs=True,
        )
    )
    assert request.sampling == Sampling(top_k=10)
    assert request.json_output == JsonOutput(schema={"type": "object"})
    assert (request.think, request.think_level) == (True, "medium")
    assert request.keep_alive_seconds == 5400
    assert ignored == ["options.num_thread"]


def test_context_handling_flags_are_reported_when_changed() -> None:
    _, ignored = chat_to_domain(chat(truncate=False, shift=False))
    assert ignored == ["truncate", "shift"]
    _, defaults = chat_to_domain(chat(truncate=True, shift=True))
    assert defaults == []
