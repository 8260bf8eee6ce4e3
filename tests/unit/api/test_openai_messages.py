"""OpenAI chat messages → domain messages, as openai/openai.go `FromChatRequest` reads them
(content strings and parts, `decodeImageURL`, `FromCompletionToolCall`, `nameFromToolCallID`)."""

from __future__ import annotations

import base64
from typing import Any

import msgspec
import pytest

from shim.api.decoding import decode_body
from shim.api.openai.messages import messages_to_domain
from shim.api.openai.request_wire import ChatCompletionIn
from shim.domain.completion import ChatMessage, Image, ToolCall
from shim.domain.errors import InvalidRequest, Unsupported

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PNG_B64 = base64.b64encode(PNG).decode()
JPEG_B64 = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 12).decode()
CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}


def converted(*messages: dict[str, Any]) -> tuple[ChatMessage, ...]:
    body = msgspec.json.encode({"model": "m", "messages": list(messages)})
    return messages_to_domain(decode_body(body, ChatCompletionIn).messages or [])


def refusal(*messages: dict[str, Any]) -> str:
    with pytest.raises(InvalidRequest) as refused:
        converted(*messages)
    return refused.value.message


def test_string_content_and_roles() -> None:
    assert converted(
        {"role": "developer", "content": "Be brief."},
        {"role": "User", "content": "hi"},
        {"role": "assistant", "content": "Hello", "reasoning": "A greeting."},
    ) == (
        ChatMessage(role="system", content="Be brief."),
        ChatMessage(role="user", content="hi"),
        ChatMessage(role="assistant", content="Hello", thinking="A greeting."),
    )


def test_an_unknown_role_is_refused() -> None:
    assert refusal({"role": "narrator", "content": "x"}) == "invalid message role: 'narrator'"


@pytest.mark.parametrize(
    ("content", "go_type"),
    [(None, "<nil>"), (2, "float64"), (True, "bool"), ({"text": "x"}, "map[string]interface {}")],
)
def test_content_that_is_neither_text_nor_parts_needs_tool_calls(
    content: Any, go_type: str
) -> None:
    """middleware/openai_test.go "chat handler error forwarding": content 2 is a float64."""
    assert refusal({"role": "user", "content": content}) == (
        f"invalid message content type: {go_type}"
    )


def test_absent_content_with_tool_calls_is_a_call_message() -> None:
    (message,) = converted({"role": "assistant", "tool_calls": [CALL]})
    assert message == ChatMessage(
        role="assistant",
        tool_calls=(ToolCall(id="call_1", name="f", arguments={"a": 1}),),
    )
    (empty,) = converted({"role": "assistant", "content": None, "tool_calls": []})
    assert empty == ChatMessage(role="assistant"), "an empty list is not Go's nil"


def test_text_parts_join_and_images_follow() -> None:
    (message,) = converted(
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
                {"type": "text", "text": "in this picture?"},
                {"type": "image_url", "image_url": f"data:image/jpg;base64,{JPEG_B64}"},
            ],
        }
    )
    assert message == ChatMessage(
        role="user",
        content="What is\nin this picture?",
        images=(Image("image/png", PNG_B64), Image("image/jpeg", JPEG_B64)),
    )


def test_the_bytes_say_the_type_where_they_can() -> None:
    """`data:;base64,` is /api/chat's bare base64; a wrong declared type is corrected."""
    (bare,) = converted(_image(f"data:;base64,{PNG_B64}"))
    (mislabelled,) = converted(_image(f"data:image/webp;base64,{PNG_B64}"))
    unknown = base64.b64encode(b"not an image").decode()
    (declared,) = converted(_image(f"data:image/webp;base64,{unknown}"))
    assert [m.images[0].mime_type for m in (bare, mislabelled, declared)] == [
        "image/png",
        "image/png",
        "image/webp",
    ]


def _image(url: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}]}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://example.com/cat.png",
            "image URLs are not currently supported, please use base64 encoded data instead",
        ),
        ("http://example.com/cat.png", "image URLs are not currently supported, please use"),
        (f"data:image/gif;base64,{PNG_B64}", "invalid image input"),
        ("data:image/png;base64,not base64!", "invalid image input"),
        ("cat.png", "invalid image input"),
    ],
)
def test_images_are_refused_as_ollama_refuses_them(url: str, message: str) -> None:
    assert refusal(_image(url)).startswith(message)


@pytest.mark.parametrize(
    "part",
    [
        "just text",
        {"type": "text", "text": 3},
        {"type": "image_url", "image_url": {"href": "x"}},
        {"type": "video", "video": "x"},
    ],
)
def test_a_malformed_part_is_an_invalid_message_format(part: Any) -> None:
    assert refusal({"role": "user", "content": [part]}) == "invalid message format"


def test_audio_is_checked_then_refused_honestly() -> None:
    broken = {"type": "input_audio", "input_audio": {"format": "wav"}}
    assert refusal({"role": "user", "content": [broken]}) == (
        "invalid input_audio format: missing data"
    )
    audio = {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
    with pytest.raises(Unsupported, match="LM Studio takes no audio input"):
        converted({"role": "user", "content": [audio]})


@pytest.mark.parametrize("arguments", ["", "not json", "[1, 2]", '"text"'])
def test_tool_call_arguments_must_be_a_json_object(arguments: str) -> None:
    call = {**CALL, "function": {"name": "f", "arguments": arguments}}
    assert refusal({"role": "assistant", "content": "", "tool_calls": [call]}) == (
        "invalid tool call arguments"
    )


def test_tool_results_are_named_by_the_call_they_answer() -> None:
    later = {**CALL, "function": {"name": "g", "arguments": "{}"}}
    messages = converted(
        {"role": "assistant", "content": "", "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "call_1", "content": "1"},
        {"role": "tool", "tool_call_id": "call_1", "name": "own", "content": "2"},
        {"role": "assistant", "tool_calls": [later]},
        {"role": "tool", "tool_call_id": "call_1", "content": "3"},
        {"role": "tool", "content": "4"},
    )
    named = [(m.tool_call_id, m.tool_name) for m in messages if m.role == "tool"]
    # The last call with an id wins (Ollama's `nameFromToolCallID` searches backwards).
    assert named == [("call_1", "g"), ("call_1", "own"), ("call_1", "g"), (None, None)]


def test_calls_without_ids_get_stable_ones() -> None:
    call = {"type": "function", "function": {"name": "f", "arguments": "{}"}}
    (_, message) = converted(
        {"role": "user", "content": "go"}, {"role": "assistant", "tool_calls": [call, call]}
    )
    assert [(c.id, c.index) for c in message.tool_calls] == [("call_1_0", 0), ("call_1_1", 1)]
