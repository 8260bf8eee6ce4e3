"""Domain answer events → /v1/completions answers, field by field.

Expectations come from Ollama's converters (openai/openai.go `ToCompletion`, `ToCompleteChunk`,
`ToUsageGenerate`) and its stream writer (middleware/openai.go `CompleteWriter.writeResponse`),
and follow middleware/openai_test.go's `TestCompletionsMiddleware` cases.
"""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import msgspec

from shim.api.go_json import go_json
from shim.api.openai.answer_wire import TextChoice, TextChunk, UsageOut
from shim.api.openai.completion_answer import TextStream, text_completion
from shim.domain.completion import Answer, AnswerEvent, Completed, Delta, TextRun

MODEL = "qwen3:latest"
ID = "cmpl-7"
DONE = Completed(reason="stop", prompt_tokens=5, completion_tokens=2)
ZEROS = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def streamed(*batches: list[AnswerEvent], include_usage: bool = False) -> list[dict[str, Any]]:
    """The chunks, with each batch written one second after the last."""
    seconds = count(100)
    stream = TextStream(MODEL, ID, include_usage, clock=lambda: float(next(seconds)))
    body = b"".join(stream.events(batch) for batch in batches).decode()
    events = body.split("\n\n")
    assert events.pop() == ""
    assert events.pop() == "data: [DONE]"
    assert all(event.startswith("data: ") for event in events)
    return [json.loads(event.removeprefix("data: ")) for event in events]


def chunk(text: str, created: int, reason: str | None = None, **usage: Any) -> dict[str, Any]:
    return {
        "id": ID,
        "object": "text_completion",
        "created": created,
        "choices": [{"text": text, "index": 0, "finish_reason": reason}],
        "model": MODEL,
        "system_fingerprint": "fp_ollama",
        **usage,
    }


def test_each_piece_is_a_chunk_and_the_reason_rides_on_an_empty_last_one() -> None:
    assert streamed([TextRun(["Once", " upon"])], [Delta(content=" a time"), DONE]) == [
        chunk("Once", 100),
        chunk(" upon", 100),
        chunk(" a time", 101),
        chunk("", 101, "stop"),
    ]


def test_choices_come_before_the_model_as_in_ollamas_struct() -> None:
    (first, _) = streamed([Delta(content="a")], [DONE])
    assert list(first) == [
        "id",
        "object",
        "created",
        "choices",
        "model",
        "system_fingerprint",
    ]


def test_the_text_template_writes_what_the_struct_would() -> None:
    for include_usage in (False, True):
        stream = TextStream(MODEL, ID, include_usage, clock=lambda: 42.0)
        expected = TextChunk(
            id=ID, created=42, choices=[TextChoice("<&\u2028>", 0, None)], model=MODEL
        )
        if include_usage:
            expected.usage = UsageOut(0, 0, 0)
        assert stream.events([TextRun(["<&\u2028>"])]) == b"data: " + go_json(expected) + b"\n\n"


def test_thinking_is_left_out_as_an_empty_text() -> None:
    """`ToCompleteChunk` writes only the response of each generate answer."""
    assert streamed([Delta(thinking="hmm")], [Delta(content="4"), DONE])[:2] == [
        chunk("", 100),
        chunk("4", 101),
    ]


def test_with_usage_every_chunk_has_zeros_and_a_last_one_the_counts() -> None:
    """`TestCompletionsMiddleware` "completions handler stream with usage"."""
    assert streamed([Delta(content="4")], [DONE], include_usage=True) == [
        chunk("4", 100, usage=ZEROS),
        chunk("", 101, "stop", usage=ZEROS),
        {
            "id": ID,
            "object": "text_completion",
            "created": 101,
            "choices": [],
            "model": MODEL,
            "system_fingerprint": "fp_ollama",
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
        },
    ]


def test_a_load_is_a_chunk_whose_reason_is_load() -> None:
    """An empty prompt loads the model: /api/generate's `done_reason: "load"` passed on."""
    assert streamed([Completed(reason="load")]) == [chunk("", 100, "load")]


def test_the_whole_answer_is_ollamas_text_completion() -> None:
    answer = Answer(content="4", thinking="2+2", tool_calls=(), completed=DONE)
    completion = text_completion(MODEL, ID, 1_730_000_000, answer)
    assert msgspec.json.decode(msgspec.json.encode(completion)) == {
        "id": ID,
        "object": "text_completion",
        "created": 1_730_000_000,
        "model": MODEL,
        "system_fingerprint": "fp_ollama",
        "choices": [{"text": "4", "index": 0, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }
