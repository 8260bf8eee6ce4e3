"""Domain answer events → /v1/chat/completions answers, field by field and byte for byte.

Expectations come from Ollama's converters (openai/openai.go `ToChatCompletion`,
`ToStreamChunks`, `FinishChunk`, `ToUsage`, `ToToolCalls`) and its stream writer
(middleware/openai.go `ChatWriter.writeResponse`), and follow the cases of
middleware/openai_test.go's `TestChatWriter_*`.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from shim.api.go_json import go_json
from shim.api.openai.answer_wire import ChatChunk, ChunkChoice, DeltaOut
from shim.api.openai.chat_answer import ChatStream, chat_completion
from shim.domain.completion import Answer, AnswerEvent, Completed, Delta, TextRun, ToolCall

MODEL = "qwen3:latest"
ID = "chatcmpl-123"
CREATED = 1_730_000_000
DONE = Completed(reason="stop", prompt_tokens=3, completion_tokens=2)
ENVELOPE = {
    "id": ID,
    "object": "chat.completion.chunk",
    "created": CREATED,
    "model": MODEL,
    "system_fingerprint": "fp_ollama",
}
CALL = ToolCall(id="call_ab12cd34", name="get_weather", arguments={"city": "Paris", "n": 1})
CALL_OUT = {
    "id": "call_ab12cd34",
    "index": 0,
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city":"Paris","n":1}'},
}


def streamed(*batches: list[AnswerEvent], include_usage: bool = False) -> bytes:
    stream = ChatStream(MODEL, ID, CREATED, include_usage)
    return b"".join(stream.events(batch) for batch in batches)


def frames(body: bytes) -> list[str]:
    """The data of each SSE event; every event is one `data:` line ended by a blank line."""
    assert body.endswith(b"\n\n")
    events = body.decode().split("\n\n")[:-1]
    assert all(event.startswith("data: ") and "\n" not in event for event in events)
    return [event.removeprefix("data: ") for event in events]


def chunks(body: bytes) -> list[dict[str, Any]]:
    data = frames(body)
    assert data[-1] == "[DONE]"
    return [json.loads(frame) for frame in data[:-1]]


def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {**ENVELOPE, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}


def test_text_pieces_then_a_finish_chunk_of_its_own() -> None:
    body = streamed([TextRun(["Hel", "lo"])], [Delta(content="!")], [DONE])
    assert chunks(body) == [
        chunk({"role": "assistant", "content": "Hel"}),
        chunk({"content": "lo"}),
        chunk({"content": "!"}),
        chunk({}, "stop"),
    ]


def test_key_order_is_gos_and_the_finish_delta_is_empty() -> None:
    body = streamed([Delta(content="a")], [DONE])
    first, finish, done = frames(body)
    assert list(json.loads(first)) == [*ENVELOPE, "choices"]
    assert list(json.loads(first)["choices"][0]) == ["index", "delta", "finish_reason"]
    assert '"delta":{}' in finish
    assert '"content"' not in finish
    assert done == "[DONE]"


def test_the_text_template_writes_what_the_struct_would() -> None:
    for role in ("assistant", ""):
        stream = ChatStream(MODEL, ID, CREATED, include_usage=False)
        if not role:
            stream.events([Delta(content="x")])
        delta = DeltaOut(role=role, content='a "quoted" <tag> & \u2028')
        expected = ChatChunk(
            id=ID, created=CREATED, model=MODEL, choices=[ChunkChoice(0, delta, None)]
        )
        assert stream.events([TextRun(['a "quoted" <tag> & \u2028'])]) == (
            b"data: " + go_json(expected) + b"\n\n"
        )


def test_html_characters_are_escaped_as_go_escapes_them() -> None:
    body = streamed([Delta(content="<b>&</b>")], [DONE])
    assert b'"content":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"' in body


def test_thinking_with_text_is_split_into_two_chunks() -> None:
    """`TestChatWriter_StreamMixedThinkingAndContentEmitsSplitChunks`."""
    body = streamed([Delta(thinking="reasoning", content="final answer"), DONE], include_usage=True)
    assert chunks(body) == [
        chunk({"role": "assistant", "reasoning": "reasoning"}),
        chunk({"content": "final answer"}),
        chunk({}, "stop"),
        {
            **ENVELOPE,
            "choices": [],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        },
    ]


def test_thinking_alone_is_one_chunk_with_empty_content() -> None:
    """`TestChatWriter_StreamSingleChunkPathStillEmitsOneChunk`: content "" is kept."""
    body = streamed([Delta(thinking="hmm")], [Delta(thinking=" more")], [DONE])
    assert chunks(body)[:2] == [
        chunk({"role": "assistant", "content": "", "reasoning": "hmm"}),
        chunk({"content": "", "reasoning": " more"}),
    ]


def test_tool_calls_come_whole_and_the_finish_reason_becomes_tool_calls() -> None:
    """`TestChatWriter_StreamToolCallsFinishReason`; arguments as Go's json.Marshal writes them."""
    second = ToolCall(id="call_2", name="get_time", arguments={}, index=1)
    body = streamed([Delta(tool_calls=(CALL, second))], [DONE])
    second_out = {**CALL_OUT, "id": "call_2", "index": 1}
    second_out["function"] = {"name": "get_time", "arguments": "{}"}
    assert chunks(body) == [
        chunk({"role": "assistant", "content": "", "tool_calls": [CALL_OUT, second_out]}),
        chunk({}, "tool_calls"),
    ]


def test_thinking_with_tool_calls_is_split_too() -> None:
    """`TestChatWriter_StreamMixedThinkingAndToolCallsWithoutDoneEmitsChunksOnly`."""
    body = streamed([Delta(thinking="call it", tool_calls=(CALL,))], [DONE])
    assert chunks(body)[:2] == [
        chunk({"role": "assistant", "reasoning": "call it"}),
        chunk({"content": "", "tool_calls": [CALL_OUT]}),
    ]


def test_length_is_kept_even_after_tool_calls() -> None:
    """`FinishChunk`: only a stop becomes tool_calls."""
    length = Completed(reason="length")
    assert chunks(streamed([Delta(content="a")], [length]))[-1] == chunk({}, "length")
    cut = streamed([Delta(tool_calls=(CALL,))], [length])
    assert chunks(cut)[-1] == chunk({}, "length")


def test_no_reason_is_a_stop() -> None:
    assert chunks(streamed([Delta(content="a")], [Completed()]))[-1] == chunk({}, "stop")


def test_an_empty_answer_still_opens_with_the_role() -> None:
    """`TestChatWriter_StreamEmptyCompletionStillEmitsRoleChunk`."""
    assert chunks(streamed([DONE])) == [
        chunk({"role": "assistant", "content": ""}),
        chunk({}, "stop"),
    ]


def test_usage_only_when_asked_and_then_last_before_done() -> None:
    """`ToUsage`; without counts from the backend, zeros, as Go's ints."""
    assert "usage" not in json.dumps(chunks(streamed([Delta(content="a")], [DONE])))
    body = streamed([Delta(content="a")], [Completed(reason="stop")], include_usage=True)
    assert chunks(body)[-1] == {
        **ENVELOPE,
        "choices": [],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
    assert '"choices":[]' in frames(body)[-2]


def test_every_chunk_shares_the_streams_created_time() -> None:
    """`TestChatWriter_StreamSharesOneTimestamp`."""
    body = streamed([Delta(content="a")], [Delta(thinking="b", content="c")], [DONE])
    assert {c["created"] for c in chunks(body)} == {CREATED}


# --- the whole answer -------------------------------------------------------------------------


def whole(answer: Answer) -> dict[str, Any]:
    completion = chat_completion(MODEL, ID, CREATED, answer)
    decoded: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(completion))
    return decoded


def answer(**fields: Any) -> Answer:
    values: dict[str, Any] = {"content": "", "thinking": "", "tool_calls": (), "completed": DONE}
    return Answer(**{**values, **fields})


def test_the_whole_answer_is_ollamas_chat_completion() -> None:
    assert whole(answer(content="Hi", thinking="A greeting.")) == {
        "id": ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "system_fingerprint": "fp_ollama",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi", "reasoning": "A greeting."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


def test_the_whole_answer_leaves_out_empty_reasoning_and_calls_but_not_content() -> None:
    assert whole(answer())["choices"][0]["message"] == {"role": "assistant", "content": ""}


def test_the_whole_answer_with_tool_calls_finishes_with_tool_calls() -> None:
    choice = whole(answer(tool_calls=(CALL,)))["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": "", "tool_calls": [CALL_OUT]}
    assert choice["finish_reason"] == "tool_calls"


def test_the_whole_answer_without_a_reason_says_null() -> None:
    """`ToChatCompletion` gives a nil finish reason for an empty done reason."""
    assert whole(answer(completed=Completed()))["choices"][0]["finish_reason"] is None
