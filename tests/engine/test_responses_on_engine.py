"""The official `openai` client's Responses API, through shim, to a real llama.cpp server: the
same answers Ollama's /v1/responses gives, made from llama.cpp's chat completions."""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
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
WEATHER_TOOL = {
    "type": "function",
    "name": TOOL_NAME,
    "description": "The weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
ASK_WEATHER = "What is the weather in Paris?"
TOOL_LIMIT = 64  # llama.cpp constrains a tool call with a grammar; without a limit it may not stop


@pytest.fixture
def client(shim_on_engine: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=shim_on_engine + "/v1", api_key="unused", max_retries=0, timeout=30
    ) as opened:
        yield opened


def test_a_whole_response_as_ollama_would_answer(client: openai.OpenAI) -> None:
    response = client.responses.create(model=OLLAMA_MODEL, input="Say hello")

    assert (response.model, response.status) == (OLLAMA_MODEL, "completed")
    assert response.output_text == GREETING
    assert response.usage is not None
    assert response.usage.output_tokens == 10


def test_a_streamed_response_adds_up_to_the_same_text(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model=OLLAMA_MODEL, input="Say hello", stream=True))

    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == GREETING
    assert events[-1].type == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))


def test_a_function_call_then_its_output_round_trip(client: openai.OpenAI) -> None:
    first = client.responses.create(
        model=OLLAMA_MODEL,
        input=ASK_WEATHER,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
        max_output_tokens=TOOL_LIMIT,
    )
    (call,) = [item for item in first.output if item.type == "function_call"]
    assert call.name == TOOL_NAME
    assert json.loads(call.arguments) == TOOL_ARGUMENTS

    second = client.responses.create(
        model=OLLAMA_MODEL,
        input=[
            {"role": "user", "content": ASK_WEATHER},
            {
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            },
            {"type": "function_call_output", "call_id": call.call_id, "output": '{"sky": "sunny"}'},
        ],
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
        max_output_tokens=TOOL_LIMIT,
    )
    assert second.output_text == TOOL_ACKNOWLEDGEMENT


def test_an_unknown_model_is_the_clients_not_found_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model="missing", input="hi")
