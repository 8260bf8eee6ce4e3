"""Domain answer events → /v1/messages answers, field by field and byte for byte.

Expectations come from Ollama's converters (anthropic/anthropic.go `ToMessagesResponse`,
`mapStopReason`, `StreamConverter.Process`) and its SSE writer (middleware/anthropic.go
`writeSSE`: `event: <type>` then `data: <json.Marshal>`), and follow the cases of
anthropic/anthropic_test.go's `TestStreamConverter_*`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shim.api.anthropic.message_answer import message_from_domain, stop_reason
from shim.api.anthropic.message_stream import MessageStream
from shim.api.go_json import go_json
from shim.domain.completion import Answer, AnswerEvent, Completed, Delta, TextRun, ToolCall

MODEL = "qwen3:latest"
ID = "msg_0123456789abcdef01234567"
DONE = Completed(reason="stop", prompt_tokens=3, completion_tokens=2)
CALL = ToolCall(id="call_ab12cd34", name="get_weather", arguments={"city": "Paris", "n": 1})
ESTIMATE = 7


def streamed(*batches: list[AnswerEvent]) -> bytes:
    stream = MessageStream(ID, MODEL, ESTIMATE)
    return b"".join(stream.events(batch) for batch in batches)


def events(body: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Each event's name and data; an event is one `event:` and one `data:` line."""
    assert body.endswith(b"\n\n")
    parsed = []
    for event in body.decode().split("\n\n")[:-1]:
        name, data = event.split("\n")
        parsed.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    assert all(name == data["type"] for name, data in parsed)
    return parsed


def start(input_tokens: int = ESTIMATE) -> dict[str, Any]:
    message = {
        "id": ID,
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [],
        "usage": {"input_tokens": input_tokens, "output_tokens": 0},
    }
    return {"type": "message_start", "message": message}


def block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, kind: str, **fields: str) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": {"type": kind, **fields}}


def stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def ending(reason: str | None, usage: tuple[int, int] = (3, 2)) -> list[dict[str, Any]]:
    inner = {"stop_reason": reason} if reason else {}
    tokens = {"input_tokens": usage[0], "output_tokens": usage[1]}
    return [
        {"type": "message_delta", "delta": inner, "usage": tokens},
        {"type": "message_stop"},
    ]


def datas(body: bytes) -> list[dict[str, Any]]:
    return [data for _, data in events(body)]


# --- whole answers (ToMessagesResponse) ------------------------------------------------------


def test_a_whole_answer_is_thinking_then_text_then_tool_uses() -> None:
    answer = Answer(content="Sunny.", thinking="Let me see.", tool_calls=(CALL,), completed=DONE)
    assert go_json(message_from_domain(MODEL, ID, answer)) == (
        b'{"id":"msg_0123456789abcdef01234567","type":"message","role":"assistant",'
        b'"model":"qwen3:latest","content":[{"type":"thinking","thinking":"Let me see."},'
        b'{"type":"text","text":"Sunny."},{"type":"tool_use","id":"call_ab12cd34",'
        b'"name":"get_weather","input":{"city":"Paris","n":1}}],"stop_reason":"tool_use",'
        b'"usage":{"input_tokens":3,"output_tokens":2}}'
    )


def test_an_empty_answer_has_null_content_as_gos_nil_slice() -> None:
    answer = Answer(content="", thinking="", tool_calls=(), completed=Completed())
    assert json.loads(go_json(message_from_domain(MODEL, ID, answer))) == {
        "id": ID,
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": None,
        "usage": {"input_tokens": 0, "output_tokens": 0},
    }


@pytest.mark.parametrize(
    ("reason", "called", "expected"),
    [
        ("stop", False, "end_turn"),
        ("length", False, "max_tokens"),
        ("length", True, "tool_use"),
        ("unload", False, "stop_sequence"),
        (None, False, ""),
    ],
)
def test_stop_reasons_map_as_in_ollama(reason: Any, called: bool, expected: str) -> None:
    assert stop_reason(reason, called) == expected


def test_html_in_text_is_escaped_as_go_escapes_it() -> None:
    answer = Answer(content="a<b>&c", thinking="", tool_calls=(), completed=DONE)
    assert b'"text":"a\\u003cb\\u003e\\u0026c"' in go_json(message_from_domain(MODEL, ID, answer))


# --- streams (StreamConverter.Process) -------------------------------------------------------


def test_text_streams_in_one_block_between_start_and_stop_byte_for_byte() -> None:
    body = streamed([TextRun(["Hel", "lo"])], [DONE])
    assert body == (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"'
        + ID.encode()
        + b'","type":"message","role":"assistant","model":"qwen3:latest","content":[],'
        b'"usage":{"input_tokens":7,"output_tokens":0}}}\n\n'
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"text","text":""}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"Hel"}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"lo"}}\n\n'
        b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
        b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
        b'"usage":{"input_tokens":3,"output_tokens":2}}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )


def test_thinking_then_text_are_two_blocks() -> None:
    body = streamed([Delta(thinking="Hmm")], [Delta(thinking=" ok")], [TextRun(["Hi"])], [DONE])
    assert datas(body) == [
        start(),
        block_start(0, {"type": "thinking", "thinking": ""}),
        delta(0, "thinking_delta", thinking="Hmm"),
        delta(0, "thinking_delta", thinking=" ok"),
        stop(0),
        block_start(1, {"type": "text", "text": ""}),
        delta(1, "text_delta", text="Hi"),
        stop(1),
        *ending("end_turn"),
    ]


def test_thinking_and_text_in_one_delta_go_thinking_first() -> None:
    body = streamed([Delta(thinking="Hmm", content="Hi")], [DONE])
    assert datas(body)[1:6] == [
        block_start(0, {"type": "thinking", "thinking": ""}),
        delta(0, "thinking_delta", thinking="Hmm"),
        stop(0),
        block_start(1, {"type": "text", "text": ""}),
        delta(1, "text_delta", text="Hi"),
    ]


def test_thinking_after_the_thinking_block_closed_is_dropped_as_in_ollama() -> None:
    body = streamed([Delta(thinking="a")], [Delta(content="b")], [Delta(thinking="c")], [DONE])
    kinds = [data["delta"]["type"] for data in datas(body) if data["type"] == "content_block_delta"]
    assert kinds == ["thinking_delta", "text_delta"]


def test_a_tool_call_is_a_whole_block_after_the_text_closes() -> None:
    body = streamed([TextRun(["Checking."])], [Delta(tool_calls=(CALL,))], [DONE])
    assert datas(body)[1:] == [
        block_start(0, {"type": "text", "text": ""}),
        delta(0, "text_delta", text="Checking."),
        stop(0),
        block_start(1, {"type": "tool_use", "id": CALL.id, "name": CALL.name, "input": {}}),
        delta(1, "input_json_delta", partial_json='{"city":"Paris","n":1}'),
        stop(1),
        *ending("tool_use"),
    ]


def test_thinking_closes_before_a_tool_call_and_is_not_closed_twice() -> None:
    body = streamed([Delta(thinking="plan")], [Delta(tool_calls=(CALL,))], [DONE])
    assert datas(body)[1:] == [
        block_start(0, {"type": "thinking", "thinking": ""}),
        delta(0, "thinking_delta", thinking="plan"),
        stop(0),
        block_start(1, {"type": "tool_use", "id": CALL.id, "name": CALL.name, "input": {}}),
        delta(1, "input_json_delta", partial_json='{"city":"Paris","n":1}'),
        stop(1),
        *ending("tool_use"),
    ]


def test_a_tool_call_seen_again_is_not_sent_again() -> None:
    body = streamed([Delta(tool_calls=(CALL,))], [Delta(tool_calls=(CALL,))], [DONE])
    assert [data["type"] for data in datas(body)].count("content_block_start") == 1


def test_an_empty_answer_opens_with_the_models_count_and_closes_no_block() -> None:
    body = streamed([Completed(reason="length", prompt_tokens=5, completion_tokens=0)])
    assert datas(body) == [start(5), *ending("max_tokens", (5, 0))]


def test_no_reason_leaves_the_stop_reason_out_and_counts_default_to_zero() -> None:
    assert datas(streamed([TextRun(["x"])], [Completed()]))[-2:] == ending(None, (0, 0))


def test_text_is_escaped_as_go_escapes_it_in_every_event() -> None:
    body = streamed([TextRun(["<b>"])], [Delta(content="&", thinking="")], [DONE])
    assert b'"text":"\\u003cb\\u003e"' in body
    assert b'"text":"\\u0026"' in body


def test_text_before_thinking_closes_and_text_after_opens_a_third_block() -> None:
    """anthropic_test.go `TestStreamConverter_TextBeforeThinking`, event for event."""
    last = Completed(reason="stop", prompt_tokens=10, completion_tokens=5)
    body = streamed(
        [Delta(content="---\n")],
        [Delta(thinking="Let me think.")],
        [Delta(content="The answer.")],
        [last],
    )
    shapes = []
    for name, data in events(body):
        if name == "content_block_start":
            shapes.append(f"{name}:{data['content_block']['type']}:{data['index']}")
        elif name == "content_block_delta":
            shapes.append(f"{name}:{data['delta']['type']}:{data['index']}")
        elif name == "content_block_stop":
            shapes.append(f"{name}:{data['index']}")
        else:
            shapes.append(name)
    assert shapes == [
        "message_start",
        "content_block_start:text:0",
        "content_block_delta:text_delta:0",
        "content_block_stop:0",
        "content_block_start:thinking:1",
        "content_block_delta:thinking_delta:1",
        "content_block_stop:1",
        "content_block_start:text:2",
        "content_block_delta:text_delta:2",
        "content_block_stop:2",
        "message_delta",
        "message_stop",
    ]
