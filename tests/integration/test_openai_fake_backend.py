"""The official `openai` client on a shim whose backend is the fake: /v1 answers the same way
over it as over LM Studio, since both go through the domain."""

from collections.abc import Iterator

import openai
import pytest

from shim.adapters.fake.streamer import DEMO_ANSWER
from tests.support.tools import WEATHER

THINKER = "fake/thinker-8b:latest"
GREETING = "".join(DEMO_ANSWER)


@pytest.fixture
def client(start_shim) -> Iterator[openai.OpenAI]:
    url = start_shim(backend="fake")
    with openai.OpenAI(base_url=url + "/v1", api_key="x", max_retries=0) as opened:
        yield opened


def test_the_fakes_models_are_listed_under_ollama_names(client: openai.OpenAI) -> None:
    listed = [(m.id, m.owned_by) for m in client.models.list()]
    assert listed == [
        (THINKER, "fake"),
        ("fake/seer-4b:q8_0", "fake"),
        ("fake/embedder:latest", "fake"),
    ]


def test_chat_answers_whole_with_reasoning(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=THINKER, messages=[{"role": "user", "content": "hello"}]
    )
    assert (completion.model, completion.system_fingerprint) == (THINKER, "fp_ollama")
    message = completion.choices[0].message
    assert message.content == GREETING
    assert message.model_extra == {"reasoning": "The user said hello."}
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (9, 6)


def test_chat_streams_with_usage(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=THINKER,
            messages=[{"role": "user", "content": "hello"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == GREETING
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == 15


def test_chat_calls_the_first_tool_offered(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=THINKER,
        messages=[{"role": "user", "content": "weather?"}],
        tools=[WEATHER],  # type: ignore[list-item]
    )
    (choice,) = completion.choices
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls or []
    assert (call.id, call.function.name, call.function.arguments) == (
        "call_fake0001",
        "get_weather",
        "{}",
    )


def test_completions_answer_whole_and_streamed(client: openai.OpenAI) -> None:
    whole = client.completions.create(model=THINKER, prompt="Say hello")
    assert whole.choices[0].text == GREETING
    streamed = client.completions.create(model=THINKER, prompt="Say hello", stream=True)
    assert "".join(c.choices[0].text for c in streamed) == GREETING


def test_an_embedding_model_cannot_chat(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="fake/embedder", messages=[{"role": "user", "content": "hi"}]
        )
    assert raised.value.body["message"] == '"fake/embedder" does not support chat'  # type: ignore[index]
