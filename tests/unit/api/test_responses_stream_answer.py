"""Golden tests: /v1/responses' SSE events for given domain events, field by field as Ollama's
converter makes them (openai/responses.go `ResponsesStreamConverter.Process` and the
`process*`/`finishReasoning`/`buildResponseObject` methods it calls; the event framing is
middleware/openai.go `ResponsesWriter.writeEvent`)."""

from typing import Any

import msgspec

from shim.api.responses.echo import Echo
from shim.api.responses.request_wire import ResponsesIn
from shim.api.responses.stream_answer import ResponsesStream
from shim.domain.completion import AnswerEvent, Completed, Delta, TextRun, ToolCall

MODEL = "qwen3:latest"
NOW = 1_700_000_000
DONE = Completed(reason="stop", prompt_tokens=7, completion_tokens=3)


def stream(**asked: Any) -> ResponsesStream:
    request = msgspec.json.decode(msgspec.json.encode({"model": MODEL, **asked}), type=ResponsesIn)
    numbers = iter(range(100, 200))
    return ResponsesStream(
        Echo.of(request, MODEL), "resp_1", "msg_2", clock=lambda: NOW, number=lambda: next(numbers)
    )


def written(converter: ResponsesStream, *batches: list[AnswerEvent]) -> bytes:
    return b"".join(converter.events(batch) for batch in batches)


def parsed(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Each event's name and data, checking the frame and Go's sorted map keys on the way."""
    events = []
    for block in raw.decode().split("\n\n")[:-1]:
        name_line, data_line = block.split("\n")
        name = name_line.removeprefix("event: ")
        data = msgspec.json.decode(data_line.removeprefix("data: "))
        assert list(data) == sorted(data), data_line
        assert data["type"] == name
        events.append((name, data))
    return events


def response_at(status: str, output: list[Any], usage: Any = None) -> dict[str, Any]:
    """buildResponseObject for a request that set nothing but its model and input."""
    return {
        "background": False,
        "completed_at": NOW if status == "completed" else None,
        "created_at": NOW,
        "error": None,
        "frequency_penalty": 0,
        "id": "resp_1",
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": None,
        "metadata": {},
        "model": MODEL,
        "object": "response",
        "output": output,
        "parallel_tool_calls": True,
        "presence_penalty": 0,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": None,
        "safety_identifier": None,
        "service_tier": "default",
        "status": status,
        "store": False,
        "temperature": 1,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1,
        "truncation": "disabled",
        "usage": usage,
    }


def text_part(text: str) -> dict[str, Any]:
    return {"annotations": [], "logprobs": [], "text": text, "type": "output_text"}


def message(text: str, status: str = "completed") -> dict[str, Any]:
    content = [text_part(text)] if status == "completed" else []
    return {
        "content": content,
        "id": "msg_2",
        "role": "assistant",
        "status": status,
        "type": "message",
    }


USAGE = {
    "input_tokens": 7,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens": 3,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 10,
}


def test_a_text_answer_is_ollamas_event_sequence_field_by_field() -> None:
    events = parsed(written(stream(input="hi"), [TextRun(["Hello", " World"])], [DONE]))
    at = {"item_id": "msg_2", "output_index": 0, "content_index": 0}
    assert events == [
        ("response.created", {"response": response_at("in_progress", []), "sequence_number": 0, "type": "response.created"}),
        ("response.in_progress", {"response": response_at("in_progress", []), "sequence_number": 1, "type": "response.in_progress"}),
        ("response.output_item.added", {"item": message("", "in_progress"), "output_index": 0, "sequence_number": 2, "type": "response.output_item.added"}),
        ("response.content_part.added", {**at, "part": text_part(""), "sequence_number": 3, "type": "response.content_part.added"}),
        ("response.output_text.delta", {**at, "delta": "Hello", "logprobs": [], "sequence_number": 4, "type": "response.output_text.delta"}),
        ("response.output_text.delta", {**at, "delta": " World", "logprobs": [], "sequence_number": 5, "type": "response.output_text.delta"}),
        ("response.output_text.done", {**at, "text": "Hello World", "logprobs": [], "sequence_number": 6, "type": "response.output_text.done"}),
        ("response.content_part.done", {**at, "part": text_part("Hello World"), "sequence_number": 7, "type": "response.content_part.done"}),
        ("response.output_item.done", {"item": message("Hello World"), "output_index": 0, "sequence_number": 8, "type": "response.output_item.done"}),
        ("response.completed", {"response": response_at("completed", [message("Hello World")], USAGE), "sequence_number": 9, "type": "response.completed"}),
    ]  # fmt: skip


def test_reasoning_is_an_item_of_its_own_closed_before_the_text() -> None:
    events = parsed(
        written(
            stream(input="hi"),
            [Delta(thinking="Let me "), Delta(thinking="think...")],
            [Delta(content="42"), DONE],
        )
    )
    names = [name for name, _ in events]
    assert names == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert events[2][1]["item"] == {"id": "rs_100", "summary": [], "type": "reasoning"}
    assert events[3][1] == {
        "delta": "Let me ",
        "item_id": "rs_100",
        "output_index": 0,
        "sequence_number": 3,
        "summary_index": 0,
        "type": "response.reasoning_summary_text.delta",
    }
    reasoning = {
        "encrypted_content": "Let me think...",
        "id": "rs_100",
        "summary": [{"text": "Let me think...", "type": "summary_text"}],
        "type": "reasoning",
    }
    assert events[5][1]["text"] == "Let me think..."
    assert events[6][1]["item"] == reasoning
    # The message comes after the reasoning, one output index on.
    assert events[7][1]["output_index"] == 1
    assert events[-1][1]["response"]["output"] == [reasoning, message("42")]


def test_function_calls_are_added_argued_and_done_one_after_another() -> None:
    calls = (
        ToolCall(id="call_a", name="get_weather", arguments={"city": "Paris"}),
        ToolCall(id="call_b", name="get_time", arguments={}, index=1),
    )
    events = parsed(written(stream(input="hi"), [Delta(tool_calls=calls)], [DONE]))
    first, second = events[2:6], events[6:10]
    item = {
        "arguments": '{"city":"Paris"}',
        "call_id": "call_a",
        "id": "fc_100_0",
        "name": "get_weather",
        "status": "completed",
        "type": "function_call",
    }
    assert first == [
        ("response.output_item.added", {"item": {**item, "arguments": "", "status": "in_progress"}, "output_index": 0, "sequence_number": 2, "type": "response.output_item.added"}),
        ("response.function_call_arguments.delta", {"delta": '{"city":"Paris"}', "item_id": "fc_100_0", "output_index": 0, "sequence_number": 3, "type": "response.function_call_arguments.delta"}),
        ("response.function_call_arguments.done", {"arguments": '{"city":"Paris"}', "item_id": "fc_100_0", "output_index": 0, "sequence_number": 4, "type": "response.function_call_arguments.done"}),
        ("response.output_item.done", {"item": item, "output_index": 0, "sequence_number": 5, "type": "response.output_item.done"}),
    ]  # fmt: skip
    assert [data["output_index"] for _, data in second] == [1, 1, 1, 1]
    assert second[0][1]["item"]["id"] == "fc_101_1"
    # No message item: the completed response holds the calls alone.
    assert [name for name, _ in events[10:]] == ["response.completed"]
    output = events[-1][1]["response"]["output"]
    assert [entry["call_id"] for entry in output] == ["call_a", "call_b"]


def test_text_after_a_function_call_is_dropped_as_ollama_drops_it() -> None:
    call = ToolCall(id="call_a", name="f", arguments={})
    events = parsed(
        written(stream(input="hi"), [Delta(tool_calls=(call,)), Delta(content="x")], [DONE])
    )
    assert not [name for name, _ in events if name.startswith("response.output_text")]


def test_an_empty_answer_opens_and_completes_with_no_output() -> None:
    events = parsed(written(stream(input="hi"), [DONE]))
    assert [name for name, _ in events] == [
        "response.created",
        "response.in_progress",
        "response.completed",
    ]
    assert events[-1][1]["response"]["output"] == []


def test_the_request_is_echoed_in_the_response_as_go_maps_write_it() -> None:
    tool = {"type": "function", "name": "f", "parameters": {"type": "object", "b": 1, "a": 2}}
    asked = stream(
        input="hi",
        instructions="Be brief.",
        tools=[tool],
        temperature=0.5,
        top_p=1.0,
        max_output_tokens=64,
        reasoning={"effort": "low"},
        text={"format": {"type": "json_schema", "name": "out", "schema": {"z": 1, "a": 2}}},
    )
    raw = written(asked, [DONE])
    response = parsed(raw)[0][1]["response"]
    assert response["instructions"] == "Be brief."
    assert response["tools"] == [
        {"description": None, "name": "f", "parameters": tool["parameters"], "strict": None, "type": "function"}
    ]  # fmt: skip
    assert (response["temperature"], response["top_p"]) == (0.5, 1)
    assert response["max_output_tokens"] == 64
    assert response["reasoning"] == {"effort": "low", "summary": None}
    # The parameters are a map, their keys sorted; the schema is raw JSON, kept as sent.
    assert b'"parameters":{"a":2,"b":1,"type":"object"}' in raw
    assert b'"format":{"name":"out","schema":{"z":1,"a":2},"type":"json_schema"}' in raw
    assert b'"top_p":1,' in raw


def test_html_in_the_answer_is_escaped_as_go_escapes_it() -> None:
    raw = written(stream(input="hi"), [TextRun(["<b>&"])])
    assert b'"delta":"\\u003cb\\u003e\\u0026"' in raw


def test_a_failure_after_the_first_byte_is_one_response_failed_event() -> None:
    converter = stream(input="hi")
    opened = written(converter, [TextRun(["Hel"])])
    events = parsed(opened + converter.failed("upstream went away"))
    assert events[-1] == (
        "response.failed",
        {
            "response": {
                "error": {"code": "api_error", "message": "upstream went away"},
                "id": "resp_1",
                "model": MODEL,
                "object": "response",
                "output": [],
                "status": "failed",
                "usage": {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0},
            },
            "sequence_number": 5,
            "type": "response.failed",
        },
    )


def test_a_failure_before_any_event_still_opens_the_response_first() -> None:
    events = parsed(stream(input="hi").failed("boom"))
    assert [name for name, _ in events] == [
        "response.created",
        "response.in_progress",
        "response.failed",
    ]


def test_text_runs_are_written_byte_for_byte_as_single_deltas_are() -> None:
    pieces = ["a", "<b>", "é\u2028", ""]
    as_run = written(stream(input="hi"), [TextRun(pieces)], [DONE])
    one_by_one = written(stream(input="hi"), [Delta(content=p) for p in pieces], [DONE])
    assert as_run == one_by_one


def test_text_resumed_after_late_thinking_moves_to_the_next_output_index() -> None:
    """Ollama opens late thinking at the message's own index, and the text after it one on."""
    converter = stream(input="hi")
    raw = written(converter, [TextRun(["a"]), Delta(thinking="t"), TextRun(["b", "c"])], [DONE])
    as_deltas = written(
        stream(input="hi"),
        [Delta(content="a"), Delta(thinking="t"), Delta(content="b"), Delta(content="c")],
        [DONE],
    )
    assert raw == as_deltas
    indexes = [d["output_index"] for n, d in parsed(raw) if n == "response.output_text.delta"]
    assert indexes == [0, 1, 1]
