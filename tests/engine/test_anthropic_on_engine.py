"""The official `anthropic` client, through shim's /v1/messages, to a real llama.cpp server:
the same answers the Ollama and OpenAI clients get there, in Anthropic's shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from tests.engine.tiny_model import (
    GREETING,
    MODEL_NAME,
    TOOL_ACKNOWLEDGEMENT,
    TOOL_ARGUMENTS,
    TOOL_NAME,
)

pytestmark = pytest.mark.engine

OLLAMA_MODEL = f"{MODEL_NAME}:latest"
HELLO: list[Any] = [{"role": "user", "content": "Say hello"}]
ASK_WEATHER: list[Any] = [{"role": "user", "content": "What is the weather in Paris?"}]
WEATHER: Any = {
    "name": TOOL_NAME,
    "description": "The weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
# llama.cpp constrains a tool call with a grammar; without a limit it may not stop.
TOOL_TOKENS = 64
CLIENT_TIMEOUT_SECONDS = 30


@pytest.fixture
def client(shim_on_engine: str) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(
        base_url=shim_on_engine, api_key="unused", max_retries=0, timeout=CLIENT_TIMEOUT_SECONDS
    ) as opened:
        yield opened


def test_messages_answer_as_ollama_would(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=OLLAMA_MODEL, max_tokens=256, messages=HELLO)
    assert (message.model, message.stop_reason) == (OLLAMA_MODEL, "end_turn")
    assert message.id.startswith("msg_")
    (text,) = message.content
    assert text.text == GREETING  # type: ignore[union-attr]
    assert message.usage.output_tokens == 10
    assert message.usage.input_tokens > 10


def test_messages_stream_the_same_answer(client: anthropic.Anthropic) -> None:
    with client.messages.stream(model=OLLAMA_MODEL, max_tokens=256, messages=HELLO) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == GREETING
    assert final.usage.output_tokens == 10


def test_a_tool_round_trip(client: anthropic.Anthropic) -> None:
    first = client.messages.create(
        model=OLLAMA_MODEL, max_tokens=TOOL_TOKENS, messages=ASK_WEATHER, tools=[WEATHER]
    )
    assert first.stop_reason == "tool_use"
    (call,) = [block for block in first.content if block.type == "tool_use"]
    assert (call.name, call.input) == (TOOL_NAME, TOOL_ARGUMENTS)
    result: Any = {
        "type": "tool_result",
        "tool_use_id": call.id,
        "content": json.dumps({"sky": "sunny"}),
    }
    second = client.messages.create(
        model=OLLAMA_MODEL,
        max_tokens=TOOL_TOKENS,
        tools=[WEATHER],
        messages=[
            *ASK_WEATHER,
            {"role": "assistant", "content": first.content},  # type: ignore[typeddict-item]
            {"role": "user", "content": [result]},
        ],
    )
    assert second.stop_reason == "end_turn"
    assert second.content[0].text == TOOL_ACKNOWLEDGEMENT  # type: ignore[union-attr]
