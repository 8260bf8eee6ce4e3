"""The official `anthropic` client on a shim whose backend is the fake: /v1/messages answers the
same way over it as over LM Studio, since both go through the domain."""

from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from shim.adapters.fake.streamer import DEMO_ANSWER

THINKER = "fake/thinker-8b:latest"
GREETING = "".join(DEMO_ANSWER)
HELLO: list[Any] = [{"role": "user", "content": "hello"}]
WEATHER: Any = {"name": "get_weather", "input_schema": {"type": "object"}}


@pytest.fixture
def client(start_shim) -> Iterator[anthropic.Anthropic]:
    url = start_shim(backend="fake")
    with anthropic.Anthropic(base_url=url, api_key="x", max_retries=0) as opened:
        yield opened


def test_a_whole_answer_has_its_thinking_and_text(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=THINKER, max_tokens=64, messages=HELLO)
    assert message.model == THINKER
    thinking, text = message.content
    assert (thinking.type, thinking.thinking) == ("thinking", "The user said hello.")  # type: ignore[union-attr]
    assert (text.type, text.text) == ("text", GREETING)  # type: ignore[union-attr]
    assert (message.usage.input_tokens, message.usage.output_tokens) == (9, 6)


def test_a_stream_gives_the_same_answer(client: anthropic.Anthropic) -> None:
    with client.messages.stream(model=THINKER, max_tokens=64, messages=HELLO) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == GREETING
    assert [block.type for block in final.content] == ["thinking", "text"]
    assert final.stop_reason == "end_turn"


def test_the_first_tool_offered_is_called(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=THINKER, max_tokens=64, messages=HELLO, tools=[WEATHER])
    (call,) = message.content
    assert (call.type, call.id, call.name, call.input) == (  # type: ignore[union-attr]
        "tool_use",
        "call_fake0001",
        "get_weather",
        {},
    )
    assert message.stop_reason == "tool_use"


def test_an_embedding_model_cannot_chat(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(model="fake/embedder", max_tokens=9, messages=HELLO)
    assert raised.value.body["error"]["message"] == '"fake/embedder" does not support chat'  # type: ignore[index]
