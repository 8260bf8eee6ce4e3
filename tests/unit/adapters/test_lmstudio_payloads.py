"""Domain requests → LM Studio's OpenAI-style request bodies, checked against golden bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shim.adapters.lmstudio.payloads import (
    chat_payload,
    completion_payload,
    message_payload,
    response_format,
    sampling_payload,
    tool_payload,
    ttl_seconds,
)
from shim.domain.completion import (
    ChatMessage,
    CompletionRequest,
    Image,
    JsonOutput,
    Sampling,
    Tool,
    ToolCall,
)

STREAMING = {"stream": True, "stream_options": {"include_usage": True}}
HELLO = (ChatMessage(role="user", content="hello"),)
WEATHER = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def request(**fields: Any) -> CompletionRequest:
    return CompletionRequest(**{"model": "qwen/qwen3-8b", "messages": HELLO, **fields})


def test_minimal_chat_payload_is_golden() -> None:
    body = chat_payload(request())
    assert body == {
        "model": "qwen/qwen3-8b",
        "messages": [{"role": "user", "content": "hello"}],
        **STREAMING,
    }
    assert list(body) == ["model", "messages", "stream", "stream_options"]


def test_chat_payload_is_json_encodable() -> None:
    body = chat_payload(
        request(
            tools=(Tool(name="f"),),
            json_output=JsonOutput(),
            sampling=Sampling(stop=("x",)),
        )
    )
    assert json.loads(json.dumps(body)) == body


def test_full_chat_payload_is_golden() -> None:
    body = chat_payload(
        request(
            messages=(
                ChatMessage(role="system", content="be brief"),
                ChatMessage(role="user", content="weather in Paris?"),
                ChatMessage(
                    role="assistant",
                    tool_calls=(
                        ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"}),
                    ),
                ),
                ChatMessage(
                    role="tool", content="sunny", tool_call_id="call_1", tool_name="get_weather"
                ),
            ),
            tools=(Tool(name="get_weather", description="Weather", parameters=WEATHER),),
            sampling=Sampling(temperature=0.5, max_tokens=100, stop=("END",), seed=3),
            json_output=JsonOutput(),
            think_level="low",
            keep_alive_seconds=300,
        )
    )
    assert body == {
        "model": "qwen/qwen3-8b",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "weather in Paris?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "content": "sunny", "tool_call_id": "call_1", "name": "get_weather"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": WEATHER,
                    "description": "Weather",
                },
            }
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "json", "strict": True, "schema": {"type": "object"}},
        },
        "reasoning_effort": "low",
        **STREAMING,
        "temperature": 0.5,
        "max_tokens": 100,
        "seed": 3,
        "stop": ["END"],
        "ttl": 300,
    }


def test_only_set_sampling_fields_are_sent() -> None:
    assert sampling_payload(Sampling()) == {}
    assert sampling_payload(Sampling(top_k=0, temperature=0.0)) == {
        "temperature": 0.0,
        "top_k": 0,
    }


def test_every_sampling_field_has_its_openai_name() -> None:
    assert sampling_payload(
        Sampling(
            temperature=0.1,
            top_p=0.2,
            top_k=3,
            min_p=0.4,
            max_tokens=5,
            stop=("a", "b"),
            seed=6,
            repeat_penalty=1.7,
            presence_penalty=0.8,
            frequency_penalty=0.9,
        )
    ) == {
        "temperature": 0.1,
        "top_p": 0.2,
        "top_k": 3,
        "min_p": 0.4,
        "max_tokens": 5,
        "seed": 6,
        "repeat_penalty": 1.7,
        "presence_penalty": 0.8,
        "frequency_penalty": 0.9,
        "stop": ["a", "b"],
    }


def test_empty_stop_is_left_out() -> None:
    assert "stop" not in chat_payload(request(sampling=Sampling(stop=())))


def test_stop_is_a_list() -> None:
    assert chat_payload(request(sampling=Sampling(stop=("\n", "User:"))))["stop"] == ["\n", "User:"]


def test_tool_without_parameters_gets_a_generic_object_schema() -> None:
    assert tool_payload(Tool(name="now")) == {
        "type": "function",
        "function": {"name": "now", "parameters": {"type": "object"}},
    }


def test_tool_with_description_and_parameters() -> None:
    assert tool_payload(Tool(name="w", description="d", parameters=WEATHER)) == {
        "type": "function",
        "function": {"name": "w", "parameters": WEATHER, "description": "d"},
    }


def test_no_tools_means_no_tools_key() -> None:
    assert "tools" not in chat_payload(request())


def test_assistant_tool_calls_carry_json_string_arguments() -> None:
    body = message_payload(
        ChatMessage(
            role="assistant",
            content="let me check",
            tool_calls=(
                ToolCall(id="a", name="f", arguments={"q": "é", "n": [1, 2]}, index=0),
                ToolCall(id="b", name="g", arguments={}, index=1),
            ),
        )
    )
    assert body == {
        "role": "assistant",
        "content": "let me check",
        "tool_calls": [
            {
                "id": "a",
                "type": "function",
                "function": {"name": "f", "arguments": '{"q":"é","n":[1,2]}'},
            },
            {"id": "b", "type": "function", "function": {"name": "g", "arguments": "{}"}},
        ],
    }
    assert json.loads(body["tool_calls"][0]["function"]["arguments"]) == {"q": "é", "n": [1, 2]}


def test_tool_message_carries_its_call_id_and_name() -> None:
    assert message_payload(
        ChatMessage(role="tool", content="42", tool_call_id="call_x", tool_name="calc")
    ) == {"role": "tool", "content": "42", "tool_call_id": "call_x", "name": "calc"}


def test_tool_message_without_name_has_no_name_key() -> None:
    assert message_payload(ChatMessage(role="tool", content="42", tool_call_id="call_x")) == {
        "role": "tool",
        "content": "42",
        "tool_call_id": "call_x",
    }


def test_tool_name_on_other_roles_is_not_sent() -> None:
    assert message_payload(ChatMessage(role="user", content="hi", tool_name="calc")) == {
        "role": "user",
        "content": "hi",
    }


def test_images_become_content_parts_with_data_uris() -> None:
    body = message_payload(
        ChatMessage(
            role="user",
            content="compare",
            images=(Image("image/png", "iVBORw0KGgo="), Image("image/jpeg", "/9j/4AAQ")),
        )
    )
    assert body == {
        "role": "user",
        "content": [
            {"type": "text", "text": "compare"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ"}},
        ],
    }


def test_images_without_text_have_no_text_part() -> None:
    body = message_payload(ChatMessage(role="user", images=(Image("image/gif", "R0lGOD"),)))
    assert body["content"] == [
        {"type": "image_url", "image_url": {"url": "data:image/gif;base64,R0lGOD"}}
    ]


def test_json_format_is_a_strict_generic_json_schema() -> None:
    assert response_format(JsonOutput()) == {
        "type": "json_schema",
        "json_schema": {"name": "json", "strict": True, "schema": {"type": "object"}},
    }


def test_schema_format_sends_the_schema_under_its_title() -> None:
    schema = {"title": "Weather Report", **WEATHER}
    assert response_format(JsonOutput(schema=schema)) == {
        "type": "json_schema",
        "json_schema": {"name": "Weather_Report", "strict": True, "schema": schema},
    }


@pytest.mark.parametrize(
    ("schema", "name"),
    [
        (WEATHER, "schema"),
        ({"title": "", "type": "object"}, "schema"),
        ({"title": "a.b/c d!", "type": "object"}, "a_b_c_d_"),
        ({"title": "ok-name_1", "type": "object"}, "ok-name_1"),
        ({"title": "x" * 100, "type": "object"}, "x" * 64),
        ({"title": "Überblick", "type": "object"}, "_berblick"),
    ],
)
def test_schema_names_are_sanitised(schema: dict[str, Any], name: str) -> None:
    assert response_format(JsonOutput(schema=schema))["json_schema"]["name"] == name


def test_no_format_means_no_response_format() -> None:
    assert "response_format" not in chat_payload(request())


@pytest.mark.parametrize("level", ["low", "medium", "high"])
def test_think_level_becomes_reasoning_effort(level: Any) -> None:
    assert chat_payload(request(think=True, think_level=level))["reasoning_effort"] == level


@pytest.mark.parametrize("think", [True, False, None])
def test_think_without_level_sends_no_reasoning_effort(think: bool | None) -> None:
    assert "reasoning_effort" not in chat_payload(request(think=think))


@pytest.mark.parametrize(
    ("seconds", "ttl"),
    [(300, 300), (0.3, 1), (1.5, 2), (59.0001, 60), (3600.0, 3600), (1, 1)],
)
def test_keep_alive_becomes_a_whole_second_ttl(seconds: float, ttl: int) -> None:
    assert ttl_seconds(seconds) == ttl
    assert chat_payload(request(keep_alive_seconds=seconds))["ttl"] == ttl


@pytest.mark.parametrize("seconds", [None, 0, 0.0, -1, -60])
def test_no_ttl_for_unset_zero_or_forever(seconds: float | None) -> None:
    assert ttl_seconds(seconds) is None
    assert "ttl" not in chat_payload(request(keep_alive_seconds=seconds))


def test_completion_payload_uses_prompt_and_is_golden() -> None:
    body = completion_payload(
        request(
            raw_prompt="<|im_start|>user\nhi",
            sampling=Sampling(max_tokens=8, stop=("<|im_end|>",)),
            keep_alive_seconds=60,
        )
    )
    assert body == {
        "model": "qwen/qwen3-8b",
        "prompt": "<|im_start|>user\nhi",
        **STREAMING,
        "max_tokens": 8,
        "stop": ["<|im_end|>"],
        "ttl": 60,
    }


def test_completion_payload_has_no_chat_fields() -> None:
    body = completion_payload(
        request(
            raw_prompt="x",
            tools=(Tool(name="f"),),
            json_output=JsonOutput(),
            think_level="high",
        )
    )
    assert set(body) == {"model", "prompt", "stream", "stream_options"}


def test_completion_payload_without_raw_prompt_sends_empty_prompt() -> None:
    assert completion_payload(request())["prompt"] == ""
