"""The official `openai` client's `responses.create` on a shim whose backend is the fake:
/v1/responses answers over it as over LM Studio, since both go through the domain."""

from collections.abc import Iterator

import openai
import pytest

from shim.adapters.fake.streamer import DEMO_ANSWER

THINKER = "fake/thinker-8b:latest"
GREETING = "".join(DEMO_ANSWER)
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.fixture
def client(start_shim) -> Iterator[openai.OpenAI]:
    url = start_shim(backend="fake")
    with openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0) as opened:
        yield opened


def test_a_whole_response_has_its_reasoning_then_its_message(client: openai.OpenAI) -> None:
    response = client.responses.create(model=THINKER, input="hello")
    assert (response.object, response.status, response.model) == ("response", "completed", THINKER)
    reasoning, message = response.output
    assert reasoning.type == "reasoning"
    assert [part.text for part in reasoning.summary] == ["The user said hello."]
    assert message.type == "message"
    assert response.output_text == GREETING
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (9, 6)


def test_a_streamed_response_ends_completed_with_the_whole_text(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model=THINKER, input="hello", stream=True))
    kinds = [event.type for event in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert [event.sequence_number for event in events] == list(range(len(events)))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == GREETING
    assert events[-1].response.output_text == GREETING  # type: ignore[union-attr]


def test_a_function_call_comes_back_as_an_output_item(client: openai.OpenAI) -> None:
    response = client.responses.create(model=THINKER, input="weather?", tools=[WEATHER])  # type: ignore[list-item]
    calls = [item for item in response.output if item.type == "function_call"]
    assert [(c.call_id, c.name, c.arguments) for c in calls] == [
        ("call_fake0001", "get_weather", "{}")
    ]
    assert [tool.name for tool in response.tools] == ["get_weather"]  # type: ignore[union-attr]


def test_the_clients_stream_helper_rebuilds_the_whole_response(client: openai.OpenAI) -> None:
    """The SDK's `responses.stream` puts the response together from the events it reads, so
    every event has to fit the ones before it."""
    with client.responses.stream(model=THINKER, input="hello") as stream:
        texts = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(texts) == final.output_text == GREETING
    assert [item.type for item in final.output] == ["reasoning", "message"]


def test_the_stream_helper_rebuilds_a_function_call(client: openai.OpenAI) -> None:
    with client.responses.stream(model=THINKER, input="weather?", tools=[WEATHER]) as stream:  # type: ignore[list-item]
        final = stream.get_final_response()
    calls = [item for item in final.output if item.type == "function_call"]
    assert [(c.name, c.arguments) for c in calls] == [("get_weather", "{}")]
