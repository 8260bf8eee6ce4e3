"""The official `anthropic` client (sync and async) on shim's /v1/messages, against the LM
Studio double: the answers Ollama's Anthropic layer gives (anthropic/anthropic.go
`ToMessagesResponse`, `StreamConverter`), made by shim from the domain's."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.log_capture import LogCapture
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO: list[Any] = [{"role": "user", "content": "hello"}]
WEATHER: Any = {
    "name": "get_weather",
    "description": "Weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8).decode()


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def client(url: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=url, api_key="ollama", max_retries=0)


@pytest.fixture
async def async_client(shim: str) -> AsyncIterator[anthropic.AsyncAnthropic]:
    async with anthropic.AsyncAnthropic(base_url=shim, api_key="x", max_retries=0) as opened:
        yield opened


def test_a_whole_answer_is_ollamas_message_object(lmstudio: LMStudioDouble, shim: str) -> None:
    asked = f"{MODEL}:latest"
    message = client(shim).messages.create(model=asked, max_tokens=128, messages=HELLO)
    assert re.fullmatch(r"msg_[0-9a-f]{24}", message.id)
    assert (message.type, message.role, message.model) == ("message", "assistant", asked)
    assert [(block.type, getattr(block, "text", None)) for block in message.content] == [
        ("text", "Hello!")
    ]
    assert (message.stop_reason, message.stop_sequence) == ("end_turn", None)
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 4)
    sent = lmstudio.chat_requests[-1]
    assert (sent["model"], sent["messages"], sent["max_tokens"]) == (MODEL, HELLO, 128)


def test_a_whole_answer_is_byte_for_byte_what_ollama_writes(shim: str) -> None:
    reply = httpx.post(
        shim + "/v1/messages", json={"model": MODEL, "max_tokens": 9, "messages": HELLO}
    )
    assert reply.headers["content-type"] == "application/json"
    message_id = reply.json()["id"]
    assert reply.content == (
        b'{"id":"%s","type":"message","role":"assistant","model":"%s",'
        b'"content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn",'
        b'"usage":{"input_tokens":12,"output_tokens":4}}\n'
    ) % (message_id.encode(), MODEL.encode())


def test_sampling_and_system_blocks_reach_lm_studio(lmstudio: LMStudioDouble, shim: str) -> None:
    client(shim).messages.create(
        model=MODEL,
        max_tokens=50,
        system=[
            {"type": "text", "text": "Be brief. "},
            {"type": "text", "text": "Be kind.", "cache_control": {"type": "ephemeral"}},
        ],
        messages=HELLO,
        stop_sequences=["END"],
        # The SDK no longer takes the sampling fields as arguments; older ones, and other
        # clients, still send them.
        extra_body={"temperature": 0.3, "top_p": 0.8, "top_k": 20},
        metadata={"user_id": "u-1"},
    )
    sent = lmstudio.chat_requests[-1]
    assert sent["messages"][0] == {"role": "system", "content": "Be brief. Be kind."}
    picked = {key: sent.get(key) for key in ("temperature", "top_p", "top_k", "stop")}
    assert picked == {"temperature": 0.3, "top_p": 0.8, "top_k": 20, "stop": ["END"]}


def test_an_image_block_reaches_lm_studio_as_a_data_uri(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    image: Any = {"type": "base64", "media_type": "image/png", "data": PNG}
    content: Any = [{"type": "image", "source": image}, {"type": "text", "text": "What is it?"}]
    client(shim).messages.create(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": content}]
    )
    parts = lmstudio.chat_requests[-1]["messages"][0]["content"]
    assert {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}} in parts


def test_messages_stream_gives_the_text_and_the_final_message(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo", " there"], usage=(21, 3))
    with client(shim).messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert pieces == ["Hel", "lo", " there"]
    assert [block.type for block in final.content] == ["text"]
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (21, 3)
    assert lmstudio.chat_requests[-1]["stream"] is True


def test_a_stream_is_ollamas_event_sequence(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["a", "b"], usage=(5, 2))
    body = {"model": MODEL, "max_tokens": 9, "messages": HELLO, "stream": True}
    reply = httpx.post(shim + "/v1/messages", json=body)
    assert reply.headers["content-type"] == "text/event-stream"
    assert reply.headers["cache-control"] == "no-cache"
    assert reply.headers["connection"] == "keep-alive"
    names = re.findall(r"^event: (\w+)$", reply.text, flags=re.MULTILINE)
    assert names == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    # Before the model has counted, the opening count is Ollama's estimate: len("user"+"hello")/4.
    assert '"usage":{"input_tokens":2,"output_tokens":0}' in reply.text
    assert reply.text.endswith('event: message_stop\ndata: {"type":"message_stop"}\n\n')


@pytest.mark.anyio
async def test_async_client_streams(
    lmstudio: LMStudioDouble, async_client: anthropic.AsyncAnthropic
) -> None:
    lmstudio.chat_script = content_script(["x", "y"])
    async with async_client.messages.stream(model=MODEL, max_tokens=9, messages=HELLO) as stream:
        text = "".join([piece async for piece in stream.text_stream])
    assert text == "xy"


# --- tools --------------------------------------------------------------------------------------


def test_a_tool_call_comes_back_as_tool_use_and_its_result_goes_back(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script([("call_7", "get_weather", '{"city":"Paris"}')])
    first = client(shim).messages.create(
        model=MODEL, max_tokens=64, messages=HELLO, tools=[WEATHER], tool_choice={"type": "auto"}
    )
    (call,) = first.content
    assert call.type == "tool_use"
    assert (call.id, call.name, call.input) == ("call_7", "get_weather", {"city": "Paris"})
    assert first.stop_reason == "tool_use"
    offered = lmstudio.chat_requests[-1]["tools"]
    assert offered == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather in a city",
                "parameters": WEATHER["input_schema"],
            },
        }
    ]
    lmstudio.chat_script = content_script(["Sunny."])
    result: Any = {"type": "tool_result", "tool_use_id": call.id, "content": "18C, sunny"}
    second = client(shim).messages.create(
        model=MODEL,
        max_tokens=64,
        tools=[WEATHER],
        messages=[
            *HELLO,
            {"role": "assistant", "content": first.content},  # type: ignore[typeddict-item]
            {"role": "user", "content": [result]},
        ],
    )
    assert second.content[0].type == "text"
    assistant, tool = lmstudio.chat_requests[-1]["messages"][1:]
    assert assistant["tool_calls"][0]["id"] == "call_7"
    assert assistant["tool_calls"][0]["function"]["name"] == "get_weather"
    assert (tool["role"], tool["tool_call_id"], tool["content"]) == ("tool", "call_7", "18C, sunny")


def test_a_streamed_tool_call_arrives_as_one_input_json_delta(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script([("call_1", "get_weather", '{"city":"Oslo"}')])
    with client(shim).messages.stream(
        model=MODEL, max_tokens=64, messages=HELLO, tools=[WEATHER]
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content_block_delta"]
        final = stream.get_final_message()
    assert [getattr(delta, "partial_json", None) for delta in deltas] == ['{"city":"Oslo"}']
    (call,) = final.content
    assert (call.type, call.input, final.stop_reason) == ("tool_use", {"city": "Oslo"}, "tool_use")  # type: ignore[union-attr]


# --- thinking -----------------------------------------------------------------------------------


def test_thinking_comes_back_as_a_thinking_block_whole_and_streamed(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    thinking: Any = {"type": "enabled", "budget_tokens": 1024}
    lmstudio.chat_script = reasoning_script(["Paris ", "is mild."], ["Sunny."], form="reasoning")
    whole = client(shim).messages.create(
        model=MODEL, max_tokens=64, messages=HELLO, thinking=thinking
    )
    assert [
        (b.type, getattr(b, "thinking", None) or getattr(b, "text", None)) for b in whole.content
    ] == [
        ("thinking", "Paris is mild."),
        ("text", "Sunny."),
    ]
    lmstudio.chat_script = reasoning_script(["Hmm"], ["Hi"], form="inline")
    with client(shim).messages.stream(
        model=MODEL, max_tokens=64, messages=HELLO, thinking=thinking
    ) as stream:
        final = stream.get_final_message()
    assert [block.type for block in final.content] == ["thinking", "text"]
    assert final.content[0].thinking == "Hmm"  # type: ignore[union-attr]


def test_thinking_disabled_drops_what_the_model_thinks(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = reasoning_script(["Hmm"], ["Hi"], form="reasoning")
    message = client(shim).messages.create(
        model=MODEL, max_tokens=64, messages=HELLO, thinking={"type": "disabled"}
    )
    assert [block.type for block in message.content] == ["text"]


def test_the_clients_key_and_headers_are_not_forwarded_to_lm_studio(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    beta = {"anthropic-beta": "interleaved-thinking-2025-05-14"}
    client(shim).messages.create(model=MODEL, max_tokens=9, messages=HELLO, extra_headers=beta)
    assert lmstudio.last_headers, "the double saw the call"
    sent = {name.lower() for name in lmstudio.last_headers}
    assert not sent & {"x-api-key", "authorization", "anthropic-version", "anthropic-beta"}


def test_what_ollama_ignores_is_not_sent_and_is_logged(
    lmstudio: LMStudioDouble, shim: str, log_capture: LogCapture
) -> None:
    """Ollama reads neither `tool_choice`, `metadata`, a thinking budget nor `cache_control`."""
    body = {
        "model": MODEL,
        "max_tokens": 9,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hello", "cache_control": {}}]}
        ],
        "tools": [WEATHER],
        "tool_choice": {"type": "any"},
        "metadata": {"user_id": "u"},
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    }
    httpx.post(shim + "/v1/messages", json=body, headers={"x-request-id": "anthropic-ignored"})
    assert lmstudio.chat_requests[-1]["messages"] == HELLO
    assert "tool_choice" not in lmstudio.chat_requests[-1]
    (line,) = [
        r
        for r in log_capture.for_request("anthropic-ignored")
        if r["event"] == "request.ignored_fields"
    ]
    assert line["fields"] == ["tool_choice", "metadata", "thinking.budget_tokens", "cache_control"]
