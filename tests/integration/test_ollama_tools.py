"""Tool calls: emitted once, whole, with object arguments and ids; history round-trips."""

import json

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import tool_call_script
from tests.support.tools import WEATHER

MODEL = "qwen3.6-35b-a3b-mtp"
ASK = [{"role": "user", "content": "weather in Paris and Tokyo?"}]


@pytest.mark.parametrize("finish", ["tool_calls", "stop"])
def test_a_call_arrives_once_and_whole(lmstudio: LMStudioDouble, shim: str, finish: str) -> None:
    lmstudio.chat_script = tool_call_script(
        [("365174485", "get_weather", '{"city": "Paris"}')], finish=finish
    )
    chunks = list(
        ollama.Client(host=shim).chat(model=MODEL, messages=ASK, tools=[WEATHER], stream=True)
    )
    with_calls = [c for c in chunks if c.message.tool_calls]
    assert len(with_calls) == 1
    assert with_calls[0].done is False
    (call,) = with_calls[0].message.tool_calls or []
    assert (call.function.name, call.function.arguments) == ("get_weather", {"city": "Paris"})
    assert chunks[-1].done
    assert chunks[-1].done_reason == "stop"
    sent = lmstudio.chat_requests[-1]
    assert sent["tools"] == [WEATHER]


def test_wire_shape_has_id_and_index_inside_function(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script([("365174485", "get_weather", '{"city": "Paris"}')])
    body = {"model": MODEL, "messages": ASK, "tools": [WEATHER]}
    lines = [
        json.loads(line) for line in httpx.post(shim + "/api/chat", json=body).text.splitlines()
    ]
    assert lines[0]["message"] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "365174485",
                "function": {"index": 0, "name": "get_weather", "arguments": {"city": "Paris"}},
            }
        ],
    }
    assert "tool_calls" not in lines[-1]["message"]


def test_parallel_calls_keep_their_order(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script(
        [("1", "get_weather", '{"city": "Paris"}'), ("2", "get_weather", '{"city": "Tokyo"}')],
        fragment=3,
    )
    response = ollama.Client(host=shim).chat(model=MODEL, messages=ASK, tools=[WEATHER])
    calls = response.message.tool_calls or []
    assert [(c.function.arguments["city"]) for c in calls] == ["Paris", "Tokyo"]
    body = {"model": MODEL, "messages": ASK, "tools": [WEATHER], "stream": False}
    raw = httpx.post(shim + "/api/chat", json=body).json()["message"]["tool_calls"]
    assert [(c["id"], c["function"]["index"]) for c in raw] == [("1", 0), ("2", 1)]


def test_streamed_parallel_calls_come_one_per_chunk_in_order(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script(
        [("1", "get_weather", '{"city": "Paris"}'), ("2", "get_weather", '{"city": "Tokyo"}')],
        fragment=4,
    )
    chunks = list(
        ollama.Client(host=shim).chat(model=MODEL, messages=ASK, tools=[WEATHER], stream=True)
    )
    per_chunk = [
        [c.function.arguments["city"] for c in chunk.message.tool_calls]
        for chunk in chunks
        if chunk.message.tool_calls
    ]
    assert per_chunk == [["Paris"], ["Tokyo"]]
    assert chunks[-1].done


def test_missing_ids_are_made_up(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script([("", "get_weather", "{}")])
    body = {"model": MODEL, "messages": ASK, "tools": [WEATHER], "stream": False}
    (call,) = httpx.post(shim + "/api/chat", json=body).json()["message"]["tool_calls"]
    assert call["id"].startswith("call_")
    assert len(call["id"]) == 13


def test_the_same_tool_twice_round_trips_by_name(lmstudio: LMStudioDouble, shim: str) -> None:
    history = [
        *ASK,
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}},
            ],
        },
        {"role": "tool", "tool_name": "get_weather", "content": "18C"},
        {"role": "tool", "tool_name": "get_weather", "content": "25C"},
    ]
    ollama.Client(host=shim).chat(model=MODEL, messages=history, tools=[WEATHER])
    sent = lmstudio.chat_requests[-1]["messages"]
    first, second = sent[1]["tool_calls"]
    assert json.loads(first["function"]["arguments"]) == {"city": "Paris"}
    assert first["type"] == "function"
    assert (sent[2]["tool_call_id"], sent[2]["content"]) == (first["id"], "18C")
    assert (sent[3]["tool_call_id"], sent[3]["content"]) == (second["id"], "25C")
    assert first["id"] != second["id"]


def test_explicit_tool_call_ids_are_kept(lmstudio: LMStudioDouble, shim: str) -> None:
    """The Python client drops ids (0.6.x); LangChain and the JS client send them: raw HTTP here."""
    history = [
        *ASK,
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "call_a",
                    "function": {"name": "get_weather", "arguments": {"city": "Paris"}},
                },
                {
                    "id": "call_b",
                    "function": {"name": "get_weather", "arguments": {"city": "Tokyo"}},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_b", "content": "25C"},
        {"role": "tool", "tool_call_id": "call_a", "content": "18C"},
    ]
    httpx.post(shim + "/api/chat", json={"model": MODEL, "messages": history, "stream": False})
    sent = lmstudio.chat_requests[-1]["messages"]
    assert [m.get("tool_call_id") for m in sent[2:]] == ["call_b", "call_a"]
    assert [c["id"] for c in sent[1]["tool_calls"]] == ["call_a", "call_b"]
