"""Thinking asked of a model its backend says cannot reason: Ollama's 400, but for the Anthropic
dialect, where Ollama drops it instead.
The fake backend's seer is such a model (LM Studio: a reasoning config of only "off")."""

import anthropic
import ollama
import openai
import pytest

SEER = "fake/seer-4b:q8_0"
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def fake_shim(start_shim) -> str:  # type: ignore[no-untyped-def]
    return str(start_shim(backend="fake"))


@pytest.mark.parametrize("think", [True, "high"])
def test_ollama_refuses_thinking_in_its_words(fake_shim: str, think: bool | str) -> None:
    client = ollama.Client(host=fake_shim)
    with pytest.raises(ollama.ResponseError) as raised:
        client.chat(model=SEER, messages=HELLO, think=think)  # type: ignore[arg-type]
    assert (raised.value.status_code, raised.value.error) == (
        400,
        f'"{SEER}" does not support thinking',
    )
    assert client.chat(model=SEER, messages=HELLO, think=False).message.content


def test_openai_dialect_refuses_a_reasoning_effort(fake_shim: str) -> None:
    client = openai.OpenAI(base_url=fake_shim + "/v1", api_key="x", max_retries=0)
    with client, pytest.raises(openai.BadRequestError, match="does not support thinking"):
        client.chat.completions.create(
            model=SEER,
            messages=HELLO,  # type: ignore[arg-type]
            reasoning_effort="high",
        )


def test_anthropic_dialect_relaxes_thinking_as_ollama_does(fake_shim: str) -> None:
    client = anthropic.Anthropic(base_url=fake_shim, api_key="x", max_retries=0)
    with client:
        message = client.messages.create(
            model=SEER,
            max_tokens=64,
            messages=HELLO,  # type: ignore[arg-type]
            thinking={"type": "enabled", "budget_tokens": 1024},
        )
    assert message.content, "answered without thinking rather than refused"
