"""Ollama chat messages → domain messages, with every tool result tied to the call it answers."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from shim.api.ollama.inference_wire import FunctionCallIn, MessageIn, ToolCallIn
from shim.api.ollama.messages import messages_to_domain
from shim.domain.completion import ChatMessage, Image, ToolCall
from shim.domain.errors import InvalidRequest

PNG_B64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8).decode()
JPEG_B64 = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 8).decode()


def call(name: str, arguments: dict[str, Any] | None = None, id: str | None = None) -> ToolCallIn:
    return ToolCallIn(function=FunctionCallIn(name=name, arguments=arguments), id=id)


def assistant(*calls: ToolCallIn, content: str | None = "") -> MessageIn:
    return MessageIn(role="assistant", content=content, tool_calls=list(calls))


def result(
    content: str, tool_name: str | None = None, tool_call_id: str | None = None
) -> MessageIn:
    return MessageIn(role="tool", content=content, tool_name=tool_name, tool_call_id=tool_call_id)


def answered_ids(messages: list[MessageIn]) -> list[str | None]:
    return [m.tool_call_id for m in messages_to_domain(messages) if m.role == "tool"]


@pytest.mark.parametrize(
    ("given", "role"),
    [
        ("system", "system"),
        ("user", "user"),
        ("assistant", "assistant"),
        ("tool", "tool"),
        ("USER", "user"),
        ("System", "system"),
        ("AssIstant", "assistant"),
        ("TOOL", "tool"),
    ],
)
def test_roles_are_lower_cased(given: str, role: str) -> None:
    (message,) = messages_to_domain([MessageIn(role=given, content="hi")])
    assert message.role == role


@pytest.mark.parametrize("role", ["developer", "function", "bot", "", " user"])
def test_unknown_roles_are_invalid(role: str) -> None:
    with pytest.raises(InvalidRequest, match="invalid message role"):
        messages_to_domain([MessageIn(role=role, content="hi")])


def test_plain_conversation_maps_field_for_field() -> None:
    converted = messages_to_domain(
        [
            MessageIn(role="system", content="be brief"),
            MessageIn(role="user", content="hi"),
            MessageIn(role="assistant", content="hello"),
        ]
    )
    assert converted == (
        ChatMessage(role="system", content="be brief"),
        ChatMessage(role="user", content="hi"),
        ChatMessage(role="assistant", content="hello"),
    )


def test_no_messages_is_an_empty_tuple() -> None:
    assert messages_to_domain([]) == ()


def test_content_none_becomes_empty_string() -> None:
    (message,) = messages_to_domain([MessageIn(role="user", content=None)])
    assert message.content == ""


def test_images_are_decoded_with_their_mime_types() -> None:
    (message,) = messages_to_domain(
        [MessageIn(role="user", content="what is this?", images=[PNG_B64, JPEG_B64])]
    )
    assert message.images == (
        Image(mime_type="image/png", base64=PNG_B64),
        Image(mime_type="image/jpeg", base64=JPEG_B64),
    )


def test_a_broken_image_fails_the_request() -> None:
    with pytest.raises(InvalidRequest):
        messages_to_domain([MessageIn(role="user", content="x", images=["@@@"])])


def test_assistant_tool_calls_keep_given_ids_and_arguments() -> None:
    (message,) = messages_to_domain(
        [assistant(call("get_weather", {"city": "Paris"}, id="call_abc12345"))]
    )
    assert message.tool_calls == (
        ToolCall(id="call_abc12345", name="get_weather", arguments={"city": "Paris"}, index=0),
    )


def test_missing_call_ids_are_stable_and_positional() -> None:
    messages = [
        MessageIn(role="user", content="weather?"),
        assistant(call("get_weather", {"city": "Paris"}), call("get_time")),
    ]
    first = messages_to_domain(messages)
    again = messages_to_domain(messages)
    assert [c.id for c in first[1].tool_calls] == ["call_1_0", "call_1_1"]
    assert first == again


def test_empty_string_call_id_gets_a_generated_one() -> None:
    (message,) = messages_to_domain([assistant(call("f", id=""))])
    assert message.tool_calls[0].id == "call_0_0"


def test_mixed_given_and_missing_ids() -> None:
    (message,) = messages_to_domain([assistant(call("a", id="given"), call("b"))])
    assert [(c.id, c.index) for c in message.tool_calls] == [("given", 0), ("call_0_1", 1)]


def test_missing_arguments_become_an_empty_object() -> None:
    (message,) = messages_to_domain([assistant(call("now"))])
    assert message.tool_calls[0].arguments == {}


def test_tool_result_with_explicit_id_keeps_it() -> None:
    ids = answered_ids(
        [
            assistant(call("a", id="id_a"), call("b", id="id_b")),
            result("B", tool_name="b", tool_call_id="id_b"),
            result("A", tool_call_id="id_a"),
        ]
    )
    assert ids == ["id_b", "id_a"]


def test_explicit_id_beats_the_tool_name() -> None:
    ids = answered_ids(
        [
            assistant(call("f", id="first"), call("f", id="second")),
            result("2", tool_name="f", tool_call_id="second"),
            result("1", tool_name="f"),
        ]
    )
    assert ids == ["second", "first"]


def test_an_unknown_explicit_id_is_passed_on_as_given() -> None:
    ids = answered_ids([assistant(call("f", id="real")), result("x", tool_call_id="elsewhere")])
    assert ids == ["elsewhere"]


def test_tool_results_without_ids_match_by_name() -> None:
    ids = answered_ids(
        [
            assistant(call("get_weather", {"city": "Paris"}), call("get_time")),
            result("12:00", tool_name="get_time"),
            result("sunny", tool_name="get_weather"),
        ]
    )
    assert ids == ["call_0_1", "call_0_0"]


def test_the_same_tool_called_twice_round_trips() -> None:
    converted = messages_to_domain(
        [
            MessageIn(role="user", content="Paris and Tokyo?"),
            assistant(
                call("get_weather", {"city": "Paris"}),
                call("get_weather", {"city": "Tokyo"}),
            ),
            result("sunny", tool_name="get_weather"),
            result("rainy", tool_name="get_weather"),
        ]
    )
    paris, tokyo = converted[1].tool_calls
    assert (paris.arguments, tokyo.arguments) == ({"city": "Paris"}, {"city": "Tokyo"})
    assert [m.tool_call_id for m in converted[2:]] == [paris.id, tokyo.id]
    assert paris.id != tokyo.id
    assert [m.tool_name for m in converted[2:]] == ["get_weather", "get_weather"]


def test_the_same_tool_called_twice_with_given_ids_round_trips() -> None:
    ids = answered_ids(
        [
            assistant(call("get_weather", id="call_one"), call("get_weather", id="call_two")),
            result("sunny", tool_name="get_weather"),
            result("rainy", tool_name="get_weather"),
        ]
    )
    assert ids == ["call_one", "call_two"]


def test_name_matching_skips_calls_already_answered_by_id() -> None:
    ids = answered_ids(
        [
            assistant(call("f", id="x"), call("f", id="y")),
            result("first answered second", tool_call_id="x"),
            result("by name", tool_name="f"),
        ]
    )
    assert ids == ["x", "y"]


def test_nameless_idless_results_take_the_next_open_call() -> None:
    ids = answered_ids(
        [
            assistant(call("a"), call("b"), call("c")),
            result("A"),
            result("B"),
            result("C"),
        ]
    )
    assert ids == ["call_0_0", "call_0_1", "call_0_2"]


def test_nameless_result_after_named_result_takes_what_is_left() -> None:
    ids = answered_ids(
        [
            assistant(call("a"), call("b")),
            result("B", tool_name="b"),
            result("A"),
        ]
    )
    assert ids == ["call_0_1", "call_0_0"]


def test_results_answer_the_latest_assistant_turn() -> None:
    ids = answered_ids(
        [
            assistant(call("f")),
            result("one", tool_name="f"),
            MessageIn(role="user", content="again"),
            assistant(call("f")),
            result("two", tool_name="f"),
        ]
    )
    assert ids == ["call_0_0", "call_3_0"]


def test_more_results_than_calls_leave_the_extra_unmatched() -> None:
    ids = answered_ids([assistant(call("f")), result("1", "f"), result("2", "f")])
    assert ids == ["call_0_0", None]


def test_a_tool_result_with_no_calls_at_all_has_no_id() -> None:
    assert answered_ids([result("orphan", tool_name="f")]) == [None]


def test_only_tool_messages_get_a_tool_call_id() -> None:
    converted = messages_to_domain(
        [
            assistant(call("f", id="abc")),
            MessageIn(role="user", content="x", tool_call_id="abc"),
        ]
    )
    assert converted[1].tool_call_id is None


def test_empty_tool_call_id_is_treated_as_absent() -> None:
    ids = answered_ids([assistant(call("f")), result("x", tool_name="f", tool_call_id="")])
    assert ids == ["call_0_0"]


def test_empty_tool_name_is_treated_as_absent() -> None:
    ids = answered_ids([assistant(call("f")), result("x", tool_name="")])
    assert ids == ["call_0_0"]
