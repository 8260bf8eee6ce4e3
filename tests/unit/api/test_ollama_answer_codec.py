"""Domain answer events → Ollama's NDJSON chunks, byte for byte where clients care."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shim.api.go_json import go_json
from shim.api.ollama.answer_codec import ChatEncoder, GenerateEncoder, metrics
from shim.api.ollama.go_format import utc_now
from shim.domain.completion import (
    Answer,
    Completed,
    Delta,
    Logprob,
    TextRun,
    TokenLogprob,
    ToolCall,
)

MODEL = "llama3.2"
FULL = Completed(
    reason="stop",
    prompt_tokens=11,
    completion_tokens=18,
    total_ns=174_560_334,
    load_ns=101_397_084,
    prompt_eval_ns=13_074_791,
    eval_ns=52_479_709,
)
FULL_METRICS = {
    "done_reason": "stop",
    "total_duration": 174_560_334,
    "load_duration": 101_397_084,
    "prompt_eval_count": 11,
    "prompt_eval_duration": 13_074_791,
    "eval_count": 18,
    "eval_duration": 52_479_709,
}
CALLS = (
    ToolCall(id="call_f5kqwpjg", name="find_path", arguments={"glob": "*led*", "offset": 0}),
    ToolCall(id="call_2", name="get_time", arguments={}, index=1),
)


def decoded(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw)
    assert isinstance(value, dict)
    return value


def chat_line(event: Delta | Completed) -> dict[str, Any]:
    raw = ChatEncoder(MODEL).lines([event])
    assert raw.endswith(b"\n")
    return decoded(raw)


def generate_line(event: Delta | Completed) -> dict[str, Any]:
    raw = GenerateEncoder(MODEL).lines([event])
    assert raw.endswith(b"\n")
    return decoded(raw)


def without_time(chunk: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in chunk.items() if key != "created_at"}


# --- chat -------------------------------------------------------------------------------------


def test_chat_content_delta_shape_and_key_order() -> None:
    chunk = chat_line(Delta(content="Hel"))
    assert list(chunk) == ["model", "created_at", "message", "done"]
    assert without_time(chunk) == {
        "model": MODEL,
        "message": {"role": "assistant", "content": "Hel"},
        "done": False,
    }
    assert list(chunk["message"]) == ["role", "content"]


def test_chat_delta_with_empty_content_still_has_content() -> None:
    assert chat_line(Delta())["message"] == {"role": "assistant", "content": ""}


def test_chat_thinking_is_present_only_when_non_empty() -> None:
    chunk = chat_line(Delta(thinking="hmm"))
    assert chunk["message"] == {"role": "assistant", "content": "", "thinking": "hmm"}
    assert list(chunk["message"]) == ["role", "content", "thinking"]
    assert "thinking" not in chat_line(Delta(content="x", thinking=""))["message"]


def test_chat_tool_calls_go_one_per_chunk_in_order_the_text_with_the_first() -> None:
    raw = ChatEncoder(MODEL).lines([Delta(content="ok", tool_calls=CALLS)])
    chunk, second = (decoded(line) for line in raw.splitlines())
    assert chunk["message"] == {
        "role": "assistant",
        "content": "ok",
        "tool_calls": [
            {
                "id": "call_f5kqwpjg",
                "function": {
                    "index": 0,
                    "name": "find_path",
                    "arguments": {"glob": "*led*", "offset": 0},
                },
            },
        ],
    }
    assert second["message"] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "call_2", "function": {"index": 1, "name": "get_time", "arguments": {}}}
        ],
    }
    first = chunk["message"]["tool_calls"][0]
    assert list(first) == ["id", "function"]
    assert list(first["function"]) == ["index", "name", "arguments"]
    assert list(first["function"]["arguments"]) == ["glob", "offset"]
    assert chunk["done"] is False


def test_chat_message_key_order_with_everything() -> None:
    chunk = chat_line(Delta(content="a", thinking="b", tool_calls=CALLS[:1]))
    assert list(chunk["message"]) == ["role", "content", "thinking", "tool_calls"]


def test_chat_completed_chunk_carries_done_reason_and_six_metrics() -> None:
    chunk = chat_line(FULL)
    assert without_time(chunk) == {
        "model": MODEL,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        **FULL_METRICS,
    }
    assert list(chunk) == ["model", "created_at", "message", "done", *FULL_METRICS]


def test_zero_and_none_metrics_are_omitted() -> None:
    chunk = chat_line(
        Completed(reason="length", prompt_tokens=None, completion_tokens=0, total_ns=5, eval_ns=0)
    )
    assert without_time(chunk) == {
        "model": MODEL,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "length",
        "total_duration": 5,
    }


def test_unknown_done_reason_is_omitted() -> None:
    assert "done_reason" not in chat_line(Completed(reason=None, total_ns=1))


@pytest.mark.parametrize("reason", ["load", "unload"])
def test_load_and_unload_carry_only_done_reason(reason: Any) -> None:
    chunk = chat_line(Completed(reason=reason, total_ns=9, load_ns=9, prompt_tokens=3))
    assert without_time(chunk) == {
        "model": MODEL,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": reason,
    }
    assert metrics(Completed(reason=reason, total_ns=9)) == {"done_reason": reason}


def test_chat_whole_answer_has_no_newline_and_everything_in_one_object() -> None:
    raw = ChatEncoder(MODEL).whole(
        Answer(content="Hello", thinking="greet", tool_calls=CALLS[:1], completed=FULL)
    )
    assert not raw.endswith(b"\n")
    assert b"\n" not in raw
    chunk = decoded(raw)
    assert list(chunk) == ["model", "created_at", "message", "done", *FULL_METRICS]
    assert without_time(chunk) == {
        "model": MODEL,
        "message": {
            "role": "assistant",
            "content": "Hello",
            "thinking": "greet",
            "tool_calls": [
                {
                    "id": "call_f5kqwpjg",
                    "function": {
                        "index": 0,
                        "name": "find_path",
                        "arguments": {"glob": "*led*", "offset": 0},
                    },
                }
            ],
        },
        "done": True,
        **FULL_METRICS,
    }


def test_chat_whole_answer_without_thinking_or_calls() -> None:
    chunk = decoded(
        ChatEncoder(MODEL).whole(Answer(content="Hi", thinking="", tool_calls=(), completed=FULL))
    )
    assert chunk["message"] == {"role": "assistant", "content": "Hi"}


def test_line_ends_with_exactly_one_newline() -> None:
    raw = ChatEncoder(MODEL).lines([Delta(content="line one\nline two\n")])
    assert raw.endswith(b"}\n")
    assert raw.count(b"\n") == 1
    assert decoded(raw)["message"]["content"] == "line one\nline two\n"


# --- created_at -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda: ChatEncoder(MODEL).lines([Delta(content="x")]),
        lambda: ChatEncoder(MODEL).lines([FULL]),
        lambda: GenerateEncoder(MODEL).lines([Delta(content="x")]),
        lambda: GenerateEncoder(MODEL).whole(
            Answer(content="", thinking="", tool_calls=(), completed=FULL)
        ),
    ],
)
def test_created_at_is_utc_rfc3339_with_z(encode: Callable[[], bytes]) -> None:
    created_at = decoded(encode())["created_at"]
    assert created_at.endswith("Z")
    moment = datetime.fromisoformat(created_at)
    assert moment.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


def test_now_is_go_style() -> None:
    stamp = utc_now()
    assert stamp.endswith("Z")
    assert "+" not in stamp
    if "." in stamp:
        fraction = stamp.removesuffix("Z").split(".")[1]
        assert 1 <= len(fraction) <= 9
        assert not fraction.endswith("0")


# --- generate ---------------------------------------------------------------------------------


def test_generate_delta_uses_response_not_message() -> None:
    chunk = generate_line(Delta(content="That"))
    assert list(chunk) == ["model", "created_at", "response", "done"]
    assert without_time(chunk) == {"model": MODEL, "response": "That", "done": False}


def test_generate_thinking_sits_between_response_and_done() -> None:
    chunk = generate_line(Delta(thinking="hmm"))
    assert list(chunk) == ["model", "created_at", "response", "thinking", "done"]
    assert chunk["response"] == ""
    assert chunk["thinking"] == "hmm"


def test_generate_completed_chunk_carries_an_empty_context_after_done_reason() -> None:
    chunk = generate_line(FULL)
    names = ["model", "created_at", "response", "done", "done_reason", "context"]
    assert list(chunk) == [*names, *list(FULL_METRICS)[1:]]
    assert without_time(chunk) == {
        "model": MODEL,
        "response": "",
        "done": True,
        "context": [],
        **FULL_METRICS,
    }


def test_raw_generate_carries_no_context() -> None:
    raw = GenerateEncoder(MODEL, raw=True)
    assert "context" not in decoded(raw.lines([FULL]))
    whole = raw.whole(Answer(content="x", thinking="", tool_calls=(), completed=FULL))
    assert "context" not in decoded(whole)


@pytest.mark.parametrize("reason", ["load", "unload"])
def test_generate_load_and_unload_carry_only_done_reason(reason: Any) -> None:
    chunk = generate_line(Completed(reason=reason, total_ns=7))
    assert without_time(chunk) == {
        "model": MODEL,
        "response": "",
        "done": True,
        "done_reason": reason,
    }


def test_generate_whole_answer() -> None:
    raw = GenerateEncoder(MODEL).whole(
        Answer(content="The sky", thinking="why?", tool_calls=(), completed=FULL)
    )
    assert b"\n" not in raw
    chunk = decoded(raw)
    names = ["model", "created_at", "response", "thinking", "done", "done_reason", "context"]
    assert list(chunk) == [*names, *list(FULL_METRICS)[1:]]
    assert without_time(chunk) == {
        "model": MODEL,
        "response": "The sky",
        "thinking": "why?",
        "done": True,
        "context": [],
        **FULL_METRICS,
    }


def test_generate_whole_without_thinking_has_no_thinking_key() -> None:
    chunk = decoded(
        GenerateEncoder(MODEL).whole(
            Answer(content="x", thinking="", tool_calls=(), completed=FULL)
        )
    )
    assert "thinking" not in chunk


def test_model_is_echoed_verbatim() -> None:
    assert chat_line(Delta())["model"] == MODEL
    assert decoded(ChatEncoder("qwen/qwen3-8b:latest").lines([Delta()]))["model"] == (
        "qwen/qwen3-8b:latest"
    )


def test_html_characters_are_escaped_like_go() -> None:
    raw = ChatEncoder(MODEL).lines([Delta(content="<b>&</b>")])
    assert b'"content":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"' in raw


@pytest.mark.parametrize(
    "delta",
    [
        Delta(content="plain"),
        Delta(content=""),
        Delta(thinking="hmm <think> & \u2028", content='quote " and \\ back'),
        Delta(content="日本語 😀 \n\t"),
    ],
)
@pytest.mark.parametrize("encoder_type", [ChatEncoder, GenerateEncoder])
def test_templated_lines_equal_the_struct_encoding(encoder_type: type, delta: Delta) -> None:
    encoder = encoder_type('mo"del<1>')
    templated = encoder.lines([delta])
    stamp = json.loads(templated)["created_at"]
    chunk = encoder.chunk(delta)
    chunk.created_at = stamp
    assert templated == go_json(chunk) + b"\n"


@pytest.mark.parametrize("encoder_type", [ChatEncoder, GenerateEncoder])
def test_a_text_run_gives_one_line_per_piece_as_deltas_would(encoder_type: type) -> None:
    pieces = ["Hel", "lo <b>", " & 日本 \u2028", 'q"uote']
    encoder = encoder_type(MODEL)
    run = encoder.lines([TextRun(pieces)]).splitlines(keepends=True)
    one_by_one = encoder.lines([Delta(content=piece) for piece in pieces])
    stamps = {json.loads(line)["created_at"] for line in run}
    assert len(run) == len(pieces)
    assert len(stamps) == 1, "pieces that came together share a time"
    assert b"".join(run) == one_by_one.replace(
        json.loads(one_by_one.splitlines()[0])["created_at"].encode(), stamps.pop().encode()
    )


def test_logprobs_ride_on_their_chunk_and_on_the_whole_generate_answer_last() -> None:
    entry = Logprob(
        token="Hi",
        logprob=-0.5,
        bytes=(72, 105),
        top_logprobs=(TokenLogprob(token="Ho", logprob=-3.0),),
    )
    wire = {
        "token": "Hi",
        "logprob": -0.5,
        "bytes": [72, 105],
        "top_logprobs": [{"token": "Ho", "logprob": -3.0}],
    }
    line = generate_line(Delta(content="Hi", logprobs=(entry,)))
    assert (line["response"], line["logprobs"]) == ("Hi", [wire])
    assert list(line)[-1] == "logprobs"
    whole = decoded(
        GenerateEncoder(MODEL).whole(
            Answer(content="Hi", thinking="", tool_calls=(), completed=FULL, logprobs=(entry,))
        )
    )
    assert (list(whole)[-1], whole["logprobs"]) == ("logprobs", [wire])
    assert "logprobs" not in generate_line(Delta(content="Hi"))
