"""Golden tests: the whole /v1/responses answer for a given domain answer, byte for byte in the
field order of Ollama's Go structs (openai/responses.go `ToResponse`, `ResponsesResponse`,
`ResponsesOutputItem`; middleware/openai.go `ResponsesWriter.writeResponse` sets completed_at)."""

from typing import Any

import msgspec

from shim.api.go_json import go_json
from shim.api.responses.echo import Echo
from shim.api.responses.request_wire import ResponsesIn
from shim.api.responses.whole_answer import response_object
from shim.domain.completion import Answer, Completed, ToolCall

MODEL = "qwen3:latest"
NOW = 1_700_000_000
DONE = Completed(reason="stop", prompt_tokens=7, completion_tokens=3)


def whole(answer: Answer, **asked: Any) -> bytes:
    request = msgspec.json.decode(msgspec.json.encode({"model": MODEL, **asked}), type=ResponsesIn)
    return go_json(response_object(Echo.of(request, MODEL), "resp_1", "msg_2", answer, NOW))


def test_a_text_answer_is_ollamas_response_object_byte_for_byte() -> None:
    answer = Answer(content="Hello", thinking="", tool_calls=(), completed=DONE)
    assert whole(answer, input="hi") == (
        b'{"id":"resp_1","object":"response","created_at":1700000000,"completed_at":1700000000,'
        b'"status":"completed","incomplete_details":null,"model":"qwen3:latest",'
        b'"previous_response_id":null,"instructions":null,"output":[{"id":"msg_2",'
        b'"type":"message","status":"completed","role":"assistant","content":[{"type":'
        b'"output_text","text":"Hello","annotations":[],"logprobs":[]}]}],"error":null,'
        b'"tools":[],"tool_choice":"auto","truncation":"disabled","parallel_tool_calls":true,'
        b'"text":{"format":{"type":"text"}},"top_p":1,"presence_penalty":0,'
        b'"frequency_penalty":0,"top_logprobs":0,"temperature":1,"reasoning":null,'
        b'"usage":{"input_tokens":7,"output_tokens":3,"total_tokens":10,'
        b'"input_tokens_details":{"cached_tokens":0},"output_tokens_details":'
        b'{"reasoning_tokens":0}},"max_output_tokens":null,"max_tool_calls":null,'
        b'"store":false,"background":false,"service_tier":"default","metadata":{},'
        b'"safety_identifier":null,"prompt_cache_key":null}'
    )


def test_thinking_is_a_reasoning_item_before_the_message() -> None:
    answer = Answer(content="42", thinking="Hmm.", tool_calls=(), completed=DONE)
    output = msgspec.json.decode(whole(answer, input="hi"))["output"]
    assert output[0] == {
        "id": "rs_resp_1",
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": "Hmm."}],
        "encrypted_content": "Hmm.",
    }
    assert output[1]["type"] == "message"


def test_function_calls_replace_the_message() -> None:
    calls = (
        ToolCall(id="call_a", name="get_weather", arguments={"city": "<Paris>"}),
        ToolCall(id="call_b", name="get_time", arguments={}, index=1),
    )
    answer = Answer(content="ignored", thinking="", tool_calls=calls, completed=DONE)
    raw = whole(answer, input="hi")
    assert (
        b'{"id":"fc_resp_1_0","type":"function_call","status":"completed","call_id":"call_a",'
        in raw
    )
    # Arguments escaped once as Go marshals them, then again as a string.
    assert b'"arguments":"{\\"city\\":\\"\\\\u003cParis\\\\u003e\\"}"}' in raw
    output = msgspec.json.decode(raw)["output"]
    assert [item["id"] for item in output] == ["fc_resp_1_0", "fc_resp_1_1"]


def test_the_request_is_echoed_as_go_structs_write_it() -> None:
    tool = {
        "type": "namespace",
        "name": "ns",
        "tools": [
            {"type": "function", "name": "f", "parameters": {"z": 1, "a": 2}, "strict": True}
        ],
    }
    schema = {"type": "object", "properties": {}}
    answer = Answer(content="{}", thinking="", tool_calls=(), completed=DONE)
    raw = whole(
        answer,
        input="hi",
        instructions="Be brief.",
        tools=[tool],
        reasoning={"summary": "auto"},
        text={"format": {"type": "json_schema", "name": "out", "schema": schema, "strict": False}},
        max_output_tokens=64,
        truncation="auto",
        temperature=0.25,
    )
    assert b'"instructions":"Be brief."' in raw
    assert (
        b'"tools":[{"type":"namespace","name":"ns","description":null,"strict":null,'
        b'"parameters":null,"tools":[{"type":"function","name":"f","description":null,'
        b'"strict":true,"parameters":{"a":2,"z":1}}]}]'
    ) in raw
    assert b'"truncation":"auto"' in raw
    assert (
        b'"text":{"format":{"type":"json_schema","name":"out",'
        b'"schema":{"type":"object","properties":{}},"strict":false}}'
    ) in raw
    assert b'"temperature":0.25,"reasoning":{"summary":"auto"}' in raw
    assert b'"max_output_tokens":64' in raw
