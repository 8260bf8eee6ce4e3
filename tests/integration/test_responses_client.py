"""/v1/responses with the official `openai` client's `responses.create`, against the LM Studio
double over loopback: what reaches LM Studio, and what comes back as Ollama's Responses layer
sends it (openai/responses.go `ToResponse`, `ResponsesStreamConverter`)."""

from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.log_capture import LogCapture
from tests.support.openai_sdk import client
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def respond(url: str, **asked: Any) -> Any:
    return client(url).responses.create(model=MODEL + ":latest", **asked)


def test_a_whole_response_answers_under_the_name_asked(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Hello", " there"])
    response = respond(shim, instructions="Be brief.", input="hi")
    assert response.id.startswith("resp_")
    assert (response.model, response.status, response.output_text) == (
        MODEL + ":latest",
        "completed",
        "Hello there",
    )
    (message,) = response.output
    assert message.id.startswith("msg_")
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (12, 4)
    sent = lmstudio.chat_requests[-1]
    assert sent["model"] == MODEL
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    assert sent["temperature"] == 1.0


def test_a_stream_carries_reasoning_then_text_then_usage(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = reasoning_script(["Let me ", "think."], ["4", "2"], form="reasoning")
    events = list(respond(shim, input="6*7?", stream=True, reasoning={"effort": "high"}))
    thinking = [e.delta for e in events if e.type == "response.reasoning_summary_text.delta"]
    text = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert (thinking, text) == (["Let me ", "think."], ["4", "2"])
    completed = events[-1]
    assert completed.type == "response.completed"
    assert [item.type for item in completed.response.output] == ["reasoning", "message"]
    assert completed.response.usage.total_tokens == 16
    assert completed.response.reasoning.effort == "high"
    assert lmstudio.chat_requests[-1]["reasoning_effort"] == "high"


def test_a_function_call_then_its_output_round_trip(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script([("call_1", "get_weather", '{"city": "Paris"}')])
    first = respond(shim, input="Weather in Paris?", tools=[WEATHER])
    (call,) = first.output
    assert (call.type, call.call_id, call.name, call.arguments) == (
        "function_call",
        "call_1",
        "get_weather",
        '{"city":"Paris"}',
    )
    assert lmstudio.chat_requests[-1]["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather in a city",
                "parameters": WEATHER["parameters"],
            },
        }
    ]

    lmstudio.chat_script = content_script(["Sunny."])
    history = [
        {"role": "user", "content": "Weather in Paris?"},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": '{"sky":"sunny"}'},
    ]  # fmt: skip
    second = respond(shim, input=history, tools=[WEATHER])
    assert second.output_text == "Sunny."
    assistant, tool = lmstudio.chat_requests[-1]["messages"][1:]
    assert assistant["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
        }
    ]
    assert tool == {
        "role": "tool",
        "content": '{"sky":"sunny"}',
        "tool_call_id": "call_1",
        "name": "get_weather",
    }


def test_a_streamed_function_call_is_added_argued_and_done(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script([("call_1", "get_weather", '{"city": "Paris"}')])
    events = list(respond(shim, input="Weather?", tools=[WEATHER], stream=True))
    kinds = [e.type for e in events]
    assert kinds[2:] == [
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert events[4].arguments == '{"city":"Paris"}'
    (item,) = events[-1].response.output
    assert (item.call_id, item.status) == ("call_1", "completed")


def test_a_json_schema_format_reaches_lm_studio_and_parses(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(['{"city": "Paris"}'])
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    text = {"format": {"type": "json_schema", "name": "place", "schema": schema, "strict": True}}
    response = respond(shim, input="Where?", text=text)
    assert response.output_text == '{"city": "Paris"}'
    assert response.text.format.type == "json_schema"
    sent = lmstudio.chat_requests[-1]["response_format"]
    assert (sent["type"], sent["json_schema"]["schema"]) == ("json_schema", schema)


def test_an_image_part_reaches_lm_studio_as_a_data_uri(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["A dot."])
    png = "iVBORw0KGgoAAAAAAAAAAA=="
    parts = [
        {"type": "input_text", "text": "What is this?"},
        {"type": "input_image", "detail": "auto", "image_url": f"data:image/png;base64,{png}"},
    ]
    respond(shim, input=[{"role": "user", "content": parts}])
    (message,) = lmstudio.chat_requests[-1]["messages"]
    assert message["content"][1] == {
        "type": "image_url",
        "image_url": {"url": f"data:image/png;base64,{png}"},
    }


def test_store_and_previous_response_id_are_read_by_nobody(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["ok"])
    response = respond(shim, input="hi", store=True, previous_response_id="resp_1")
    # Nothing is kept: Ollama answers `store: false` and no previous id, whatever was asked.
    assert (response.store, response.previous_response_id) == (False, None)
    assert [m["role"] for m in lmstudio.chat_requests[-1]["messages"]] == ["user"]


def test_the_stream_is_named_events_of_sorted_go_maps(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Hi"])
    body = {"model": MODEL, "input": "hi", "stream": True}
    raw = httpx.post(shim + "/v1/responses", json=body)
    assert raw.headers["content-type"] == "text/event-stream"
    assert raw.headers["cache-control"] == "no-cache"
    first = raw.text.split("\n\n")[0]
    assert first.startswith('event: response.created\ndata: {"response":{"background":false,')
    assert raw.text.endswith("\n\n")


def test_what_ollama_ignores_is_logged(
    lmstudio: LMStudioDouble, shim: str, log_capture: LogCapture
) -> None:
    lmstudio.chat_script = content_script(["ok"])
    parts = [
        {"type": "input_text", "text": "Look."},
        {"type": "input_image", "detail": "auto", "file_id": "file-1"},
    ]
    body = {
        "model": MODEL,
        "input": [{"role": "user", "content": parts}],
        "tool_choice": "required",
        "store": False,
    }
    headers = {"x-request-id": "responses-ignored"}
    assert httpx.post(shim + "/v1/responses", json=body, headers=headers).status_code == 200
    assert lmstudio.chat_requests[-1]["messages"] == [{"role": "user", "content": "Look."}]
    logged = [
        r["fields"]
        for r in log_capture.for_request("responses-ignored")
        if r["event"] == "request.ignored_fields"
    ]
    assert logged == [["input_image.file_id"], ["tool_choice", "store"]]


def test_no_input_only_loads_the_model_and_answers_an_empty_message(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    """As Ollama's chat handler answers a request with no messages."""
    asked_before = len(lmstudio.chat_requests)
    response = respond(shim, input="")
    assert (response.status, response.output_text) == ("completed", "")
    assert response.usage is not None
    assert response.usage.total_tokens == 0
    assert len(lmstudio.chat_requests) == asked_before
