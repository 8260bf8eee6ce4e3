"""/v1/responses requests as domain requests, as Ollama reads them (openai/responses.go
`ResponsesInput.UnmarshalJSON`, `unmarshalResponsesInputItem`, `unmarshalResponsesContent`,
`FromResponsesRequest`, `convertTools`); the cases follow responses_test.go's."""

from typing import Any

import msgspec
import pytest

from shim.api.responses.request_codec import responses_to_domain
from shim.api.responses.request_wire import ResponsesIn
from shim.domain.completion import ChatMessage, CompletionRequest, Image, JsonOutput, ToolCall
from shim.domain.errors import InvalidRequest, Unsupported

PNG = "iVBORw0KGgoAAAAAAAAAAA=="


def domain(**asked: Any) -> CompletionRequest:
    body = msgspec.json.encode({"model": "m", **asked})
    return responses_to_domain(msgspec.json.decode(body, type=ResponsesIn))[0]


def refused(**asked: Any) -> str:
    with pytest.raises(InvalidRequest) as raised:
        domain(**asked)
    return raised.value.message


def user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def test_instructions_then_a_string_input_are_system_then_user() -> None:
    assert domain(instructions="Be brief.", input="hi").messages == (
        ChatMessage(role="system", content="Be brief."),
        ChatMessage(role="user", content="hi"),
    )


def test_shorthand_messages_and_developer_role() -> None:
    messages = domain(
        input=[{"role": "developer", "content": "rules"}, {"role": "user", "content": "q"}]
    )
    assert [(m.role, m.content) for m in messages.messages] == [("system", "rules"), ("user", "q")]


def test_content_parts_join_with_nothing_between_and_images_come_along() -> None:
    parts = [
        {"type": "input_text", "text": "a"},
        {"type": "input_image", "detail": "auto", "image_url": f"data:image/png;base64,{PNG}"},
        {"type": "input_image", "detail": "auto", "file_id": "file-1"},  # skipped, as in Ollama
        {"type": "input_text", "text": "b"},
    ]
    (message,) = domain(input=[{"type": "message", "role": "user", "content": parts}]).messages
    assert message.content == "ab"
    assert message.images == (Image(mime_type="image/png", base64=PNG),)


def test_a_function_call_round_trip_pairs_the_output_with_its_call() -> None:
    messages = domain(
        input=[
            user("weather?"),
            {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
            {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": '{"city":"Paris"}'},
            {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
        ]
    ).messages  # fmt: skip
    assert messages[1:] == (
        ChatMessage(
            role="assistant",
            content="Checking.",
            tool_calls=(ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"}),),
        ),
        ChatMessage(role="tool", content="sunny", tool_call_id="call_1", tool_name="get_weather"),
    )


def test_an_assistant_message_between_a_call_and_its_output_joins_the_call() -> None:
    messages = domain(
        input=[
            user("q"),
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"role": "assistant", "content": "note"},
            {"type": "function_call_output", "call_id": "c1", "output": [{"type": "input_text", "text": "ok"}]},
        ]
    ).messages  # fmt: skip
    assert [(m.role, m.content, len(m.tool_calls)) for m in messages] == [
        ("user", "q", 0),
        ("assistant", "note", 1),
        ("tool", "ok", 0),
    ]


def test_reasoning_items_become_the_next_assistant_messages_thinking() -> None:
    messages = domain(
        input=[
            user("q"),
            {"type": "reasoning", "summary": [], "encrypted_content": "thought"},
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": ""},
            {"type": "reasoning", "encrypted_content": "trailing"},
        ]
    ).messages
    assert (messages[1].thinking, messages[1].tool_calls[0].arguments) == ("thought", {})
    assert messages[2] == ChatMessage(role="assistant", thinking="trailing")


def test_web_search_calls_in_history_are_skipped() -> None:
    messages = domain(
        input=[user("q"), {"type": "web_search_call", "id": "ws_1", "status": "completed"}]
    )
    assert len(messages.messages) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (7, "input must be a string or array: json: cannot unmarshal number into Go value of type []json.RawMessage"),
        ([{"content": "x"}], "input[0]: input item missing required 'type' field"),
        ([{"type": "bogus"}], 'input[0]: unknown input item type: "bogus"'),
        ([{"role": "user", "content": [{"type": "audio"}]}], "input[0]: content[0]: unknown content type: audio"),
        ([{"role": "user", "content": 3}], "input[0]: content must be a string or array: json: cannot unmarshal number into Go value of type []json.RawMessage"),
        ([{"type": "function_call_output", "call_id": "c", "output": [{"type": "x"}]}], "input[0]: output[0]: unknown content type: x"),
        ([{"role": "user", "content": [{"type": "input_file", "file_id": "f"}]}], "file inputs are not currently supported"),
        ([{"role": "user", "content": [{"type": "input_image", "image_url": "https://x/y.png"}]}], "image URLs are not currently supported, please use base64 encoded data instead"),
    ],
)  # fmt: skip
def test_unreadable_input_is_refused_in_ollamas_words(given: Any, message: str) -> None:
    assert refused(input=given) == message


def test_function_call_arguments_that_are_not_an_object_are_refused() -> None:
    message = refused(
        input=[{"type": "function_call", "call_id": "c", "name": "f", "arguments": "[1]"}]
    )
    assert message.startswith("failed to parse function call arguments: ")


def test_tools_namespaces_expand_with_their_prefix_and_web_search_is_refused() -> None:
    tools = [
        {"type": "function", "name": "a", "description": "A", "parameters": {"type": "object"}},
        {"type": "namespace", "name": "ns", "tools": [{"type": "function", "name": "b"}, {"type": "function", "name": "ns.c"}]},
    ]  # fmt: skip
    found = domain(input="q", tools=tools).tools
    assert [(t.name, t.description, t.parameters) for t in found] == [
        ("a", "A", {"type": "object"}),
        ("ns.b", "", {}),
        ("ns.c", "", {}),
    ]
    with pytest.raises(Unsupported):
        domain(input="q", tools=[{"type": "web_search"}])


@pytest.mark.parametrize(
    ("effort", "think", "level"),
    [
        ("none", False, None),
        ("minimal", True, "low"),
        ("medium", True, "medium"),
        ("xhigh", True, "high"),
    ],
)
def test_reasoning_effort_is_a_think_level(effort: str, think: bool, level: str | None) -> None:
    wanted = domain(input="q", reasoning={"effort": effort})
    assert (wanted.think, wanted.think_level) == (think, level)


def test_an_unknown_effort_is_refused() -> None:
    assert refused(input="q", reasoning={"effort": "huge"}).startswith(
        'invalid reasoning value: "huge"'
    )


def test_sampling_defaults_temperature_to_one_and_leaves_top_p_to_the_model() -> None:
    sampling = domain(input="q").sampling
    assert (sampling.temperature, sampling.top_p, sampling.max_tokens) == (1.0, None, None)
    sampling = domain(input="q", temperature=0.2, top_p=0.9, max_output_tokens=50).sampling
    assert (sampling.temperature, sampling.top_p, sampling.max_tokens) == (0.2, 0.9, 50)


@pytest.mark.parametrize(
    ("format_", "expected"),
    [
        ({"type": "json_schema", "name": "o", "schema": {"type": "object"}}, JsonOutput(schema={"type": "object"})),
        ({"type": "json_object"}, JsonOutput()),
        ({"type": "text"}, None),
        ({"type": "json_schema", "name": "o"}, None),
    ],
)  # fmt: skip
def test_text_format_constrains_the_answer(
    format_: dict[str, Any], expected: JsonOutput | None
) -> None:
    assert domain(input="q", text={"format": format_}).json_output == expected


def test_a_missing_model_is_refused_after_the_input_is_read() -> None:
    body = msgspec.json.encode({"input": "q"})
    with pytest.raises(InvalidRequest, match="model is required"):
        responses_to_domain(msgspec.json.decode(body, type=ResponsesIn))


def test_fields_ollama_does_not_read_are_named_for_the_log() -> None:
    body = msgspec.json.encode(
        {
            "model": "m",
            "input": "q",
            "store": False,
            "previous_response_id": "resp_1",
            "tool_choice": "auto",
        }
    )
    _, ignored = responses_to_domain(msgspec.json.decode(body, type=ResponsesIn))
    assert ignored == ["tool_choice", "previous_response_id", "store"]


def test_reasoning_waits_past_a_user_message_for_the_assistant_one() -> None:
    messages = domain(
        input=[
            {"type": "reasoning", "encrypted_content": "thought"},
            user("q"),
            {"role": "assistant", "content": "a"},
        ]
    ).messages
    assert [(m.role, m.thinking) for m in messages] == [("user", ""), ("assistant", "thought")]
