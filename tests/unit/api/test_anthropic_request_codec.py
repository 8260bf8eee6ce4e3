"""/v1/messages bodies → domain requests, as anthropic/anthropic.go `FromMessagesRequest`,
`convertMessage`, `convertToolResultContent`, `resolveImageSource` and `convertTool` read them,
checked in the order of middleware/anthropic.go `AnthropicMessagesMiddleware`; the opening
estimate of input tokens as `EstimateInputTokens` makes it."""

from __future__ import annotations

import base64
from typing import Any

import msgspec
import pytest

from shim.api.anthropic.request_codec import messages_request_to_domain
from shim.api.anthropic.request_wire import MessagesIn
from shim.api.anthropic.token_estimate import estimated_input_tokens
from shim.api.decoding import decode_body
from shim.domain.completion import ChatMessage, CompletionRequest, Image, Sampling, Tool, ToolCall
from shim.domain.errors import InvalidRequest, Unsupported

HELLO = [{"role": "user", "content": "hello"}]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PNG_B64 = base64.b64encode(PNG).decode()
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


def body(**fields: Any) -> MessagesIn:
    encoded = msgspec.json.encode({"model": "m", "max_tokens": 64, "messages": HELLO, **fields})
    return decode_body(encoded, MessagesIn)


def converted(**fields: Any) -> tuple[CompletionRequest, list[str]]:
    return messages_request_to_domain(body(**fields))


def refusal(**fields: Any) -> str:
    with pytest.raises(InvalidRequest) as raised:
        converted(**fields)
    return raised.value.message


def test_a_plain_request_reads_max_tokens_as_the_token_limit_and_nothing_else() -> None:
    request, ignored = converted()
    assert request == CompletionRequest(
        model="m",
        messages=(ChatMessage(role="user", content="hello"),),
        sampling=Sampling(max_tokens=64),
        relax_thinking=True,
    )
    assert ignored == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"model": ""}, "model is required"),
        ({"max_tokens": None}, "max_tokens is required and must be positive"),
        ({"max_tokens": 0}, "max_tokens is required and must be positive"),
        ({"messages": []}, "messages is required"),
        ({"model": "", "max_tokens": 0}, "model is required"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "invalid message role: 'robot'"),
    ],
)
def test_refusals_come_in_ollamas_order_and_words(fields: dict[str, Any], message: str) -> None:
    assert refusal(**fields) == message


def test_max_tokens_missing_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="max_tokens is required"):
        messages_request_to_domain(decode_body(b'{"model":"m","messages":[]}', MessagesIn))


def test_sampling_fields_are_passed_as_ollama_maps_them() -> None:
    request, _ = converted(temperature=0.2, top_p=0.9, top_k=40, stop_sequences=["END", "\n\n"])
    assert request.sampling == Sampling(
        temperature=0.2, top_p=0.9, top_k=40, max_tokens=64, stop=("END", "\n\n")
    )


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("Be brief.", "Be brief."),
        (
            [{"type": "text", "text": "A."}, {"type": "text", "text": "B.", "cache_control": {}}],
            "A.B.",
        ),
        ([{"type": "image"}, "x", {"type": "text", "text": 3}], None),
        ("", None),
        (42, None),
    ],
)
def test_the_system_prompt_is_a_string_or_its_text_blocks_joined(
    system: Any, expected: str | None
) -> None:
    request, _ = converted(system=system)
    first = request.messages[0]
    if expected is None:
        assert first.role == "user"
    else:
        assert (first.role, first.content) == ("system", expected)


def test_text_blocks_join_with_nothing_between_and_images_come_along() -> None:
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64},
    }
    content = [{"type": "text", "text": "Look "}, image, {"type": "text", "text": "here."}]
    request, _ = converted(messages=[{"role": "user", "content": content}])
    assert request.messages == (
        ChatMessage(role="user", content="Look here.", images=(Image("image/png", PNG_B64),)),
    )


def test_an_images_own_bytes_decide_its_type_else_its_declared_one() -> None:
    source = {
        "type": "base64",
        "media_type": "image/webp",
        "data": base64.b64encode(b"????").decode(),
    }
    request, _ = converted(
        messages=[{"role": "user", "content": [{"type": "image", "source": source}]}]
    )
    assert request.messages[0].images[0].mime_type == "image/webp"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "invalid image source"),
        (
            {"type": "url", "url": "https://x.test/a.png"},
            "invalid image source type: url. Only base64 images are supported.",
        ),
        (
            {"type": "base64", "data": "ab$c"},
            "invalid base64 image data: illegal base64 data at input byte 2",
        ),
    ],
)
def test_images_other_than_base64_are_refused_in_ollamas_words(source: Any, message: str) -> None:
    assert (
        refusal(messages=[{"role": "user", "content": [{"type": "image", "source": source}]}])
        == message
    )


def test_a_tool_round_trip_becomes_calls_and_tool_messages() -> None:
    call = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "Sunny"}
    request, _ = converted(
        messages=[
            *HELLO,
            {
                "role": "assistant",
                "content": [{"type": "thinking", "thinking": "Ask.", "signature": "s"}, call],
            },
            {"role": "user", "content": [result, {"type": "text", "text": "And?"}]},
        ],
        tools=[{"name": "get_weather", "description": "Weather", "input_schema": SCHEMA}],
    )
    assert request.messages[1:] == (
        ChatMessage(
            role="assistant",
            thinking="Ask.",
            tool_calls=(ToolCall(id="toolu_1", name="get_weather", arguments={"city": "Paris"}),),
        ),
        ChatMessage(role="tool", content="Sunny", tool_call_id="toolu_1"),
        ChatMessage(role="user", content="And?"),
    )
    assert request.tools == (Tool(name="get_weather", description="Weather", parameters=SCHEMA),)


def test_a_tool_results_blocks_give_their_text_and_images() -> None:
    image = {"type": "image", "source": {"type": "base64", "data": PNG_B64}}
    content = [{"type": "text", "text": "a"}, image, {"type": "text", "text": "b"}, "junk"]
    result = {"type": "tool_result", "tool_use_id": "t", "content": content}
    request, _ = converted(messages=[{"role": "user", "content": [result]}])
    assert request.messages == (
        ChatMessage(
            role="tool", content="ab", images=(Image("image/png", PNG_B64),), tool_call_id="t"
        ),
    )


def test_an_assistants_tool_results_come_after_its_own_message() -> None:
    result = {"type": "tool_result", "tool_use_id": "t", "content": None}
    request, _ = converted(
        messages=[{"role": "assistant", "content": [result, {"type": "text", "text": "x"}]}]
    )
    assert [message.role for message in request.messages] == ["assistant", "tool"]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"type": "tool_use", "name": "f"}, "tool_use block missing required 'id' field"),
        ({"type": "tool_use", "id": "t"}, "tool_use block missing required 'name' field"),
        (
            {"type": "tool_result", "content": [{"type": "image", "source": "x"}]},
            "invalid tool_result image source",
        ),
    ],
)
def test_broken_tool_blocks_are_refused(block: dict[str, Any], message: str) -> None:
    assert refusal(messages=[{"role": "assistant", "content": [block]}]) == message


def test_a_tool_schema_that_is_not_an_object_is_refused_in_gos_words() -> None:
    assert refusal(tools=[{"name": "f", "input_schema": "x"}]) == (
        'invalid input_schema for tool "f": json: cannot unmarshal string into Go value of '
        "type api.ToolFunctionParameters"
    )


def test_web_search_tools_are_refused_as_shim_has_no_search() -> None:
    with pytest.raises(Unsupported, match="web_search_20250305 tools are not supported"):
        converted(tools=[{"type": "web_search_20250305", "name": "web_search"}])


@pytest.mark.parametrize(
    ("fields", "think", "level"),
    [
        ({"thinking": {"type": "enabled", "budget_tokens": 2048}}, True, None),
        ({"thinking": {"type": "disabled"}}, False, None),
        ({"thinking": {"type": "disabled"}, "output_config": {"effort": "high"}}, False, None),
        (
            {"thinking": {"type": "adaptive"}, "output_config": {"effort": "Medium "}},
            True,
            "medium",
        ),
        ({"output_config": {"effort": "xhigh"}}, True, "high"),
        ({"output_config": {"effort": "max"}}, True, "high"),
        ({"output_config": {"effort": "extreme"}}, None, None),
        ({}, None, None),
    ],
)
def test_thinking_and_effort_become_the_think_setting(
    fields: dict[str, Any], think: Any, level: Any
) -> None:
    request, _ = converted(**fields)
    assert (request.think, request.think_level) == (think, level)


def test_what_nobody_reads_is_named_for_the_log() -> None:
    system = [{"type": "text", "text": "S", "cache_control": {"type": "ephemeral"}}]
    content = [
        {"type": "text", "text": "x", "cache_control": {"type": "ephemeral"}},
        {"type": "document"},
    ]
    _, ignored = converted(
        system=system,
        messages=[{"role": "user", "content": content}],
        metadata={"user_id": "u"},
        tool_choice={"type": "auto"},
        thinking={"type": "enabled", "budget_tokens": 1024},
    )
    assert ignored == [
        "tool_choice",
        "metadata",
        "thinking.budget_tokens",
        "cache_control",
        "content block 'document'",
    ]


def test_a_message_of_unknown_blocks_only_adds_no_message() -> None:
    request, _ = converted(messages=[*HELLO, {"role": "user", "content": [{"type": "document"}]}])
    assert len(request.messages) == 1


@pytest.mark.parametrize(
    ("fields", "tokens"),
    [
        ({}, (len("user") + len("hello")) // 4),
        ({"messages": [{"role": "user", "content": "a"}]}, 1),  # never 0 with a message
        ({"system": "You are a helpful assistant."}, (4 + 5 + 28) // 4),
        (
            {"tools": [{"name": "get_weather", "description": "Weather", "input_schema": SCHEMA}]},
            (4 + 5 + 11 + 7 + len(msgspec.json.encode(SCHEMA))) // 4,
        ),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}],
                    }
                ]
            },
            (9 + len(b'{"type":"tool_use","id":"t","name":"f","input":{}}')) // 4,
        ),
    ],
)
def test_the_opening_estimate_is_a_quarter_of_the_bytes(
    fields: dict[str, Any], tokens: int
) -> None:
    assert estimated_input_tokens(body(**fields)) == tokens


def test_web_searches_run_elsewhere_are_a_call_and_a_tool_message_as_ollama_reads_them() -> None:
    """anthropic_test.go `TestConvertMessage_ServerToolUse`, `..._WebSearchToolResult`."""
    call = {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {"query": "q"},
    }
    pages = [
        {"type": "web_search_result", "title": "A", "url": "https://a.test"},
        {"type": "web_search_result", "title": "B", "url": "https://b.test"},
        "junk",
    ]
    found = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": pages}
    request, ignored = converted(
        messages=[
            *HELLO,
            {"role": "assistant", "content": [call, found, {"type": "text", "text": "So."}]},
        ]
    )
    assert request.messages[1:] == (
        ChatMessage(
            role="assistant",
            content="So.",
            tool_calls=(ToolCall(id="srvtoolu_1", name="web_search", arguments={"query": "q"}),),
        ),
        ChatMessage(
            role="tool",
            content="- A: https://a.test\n- B: https://b.test\n",
            tool_call_id="srvtoolu_1",
        ),
    )
    assert ignored == []


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (
            {"type": "web_search_tool_result_error", "error_code": "max_uses_exceeded"},
            "web_search_tool_result_error: max_uses_exceeded",
        ),
        ([{"type": "web_search_tool_result_error"}], "web_search_tool_result_error"),
        ([], ""),
        ("as text", "as text"),
        ({"z": 1, "a": "<"}, '{"a":"\\u003c","z":1}'),
        (None, "null"),
    ],
)
def test_a_search_results_other_shapes_are_written_as_ollama_writes_them(
    content: Any, text: str
) -> None:
    found = {"type": "web_search_tool_result", "tool_use_id": "s", "content": content}
    request, _ = converted(messages=[{"role": "user", "content": [found]}])
    assert request.messages == (ChatMessage(role="tool", content=text, tool_call_id="s"),)
