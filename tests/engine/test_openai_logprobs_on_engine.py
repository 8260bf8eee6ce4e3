"""Log probabilities on /v1 through shim from a real llama.cpp server, which computes them: the
official `openai` client reads them from chat and completion answers, whole and streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.engine.tiny_model import GREETING, MODEL_NAME

pytestmark = pytest.mark.engine

OLLAMA_MODEL = f"{MODEL_NAME}:latest"
HELLO: Any = [{"role": "user", "content": "Say hello"}]


@pytest.fixture
def client(shim_on_engine: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=shim_on_engine + "/v1", api_key="unused", max_retries=0, timeout=30
    ) as opened:
        yield opened


def assert_scored(entries: list[Any], alternatives: int) -> None:
    """Every token of the greeting scored, each with as many alternatives as asked for."""
    assert "".join(entry["token"] for entry in entries).startswith(GREETING)
    assert all(entry["logprob"] <= 0 for entry in entries)
    assert all(len(entry.get("top_logprobs", ())) == alternatives for entry in entries)


def test_a_whole_chat_answer_scores_every_token(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model=OLLAMA_MODEL, messages=HELLO, logprobs=True, top_logprobs=2
    )
    choice = reply.choices[0]
    assert choice.message.content == GREETING
    assert choice.logprobs is not None
    assert_scored([entry.model_dump() for entry in choice.logprobs.content or ()], 2)


def test_a_streamed_chat_scores_each_piece(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model=OLLAMA_MODEL, messages=HELLO, logprobs=True, top_logprobs=1, stream=True
    )
    choices = [chunk.choices[0] for chunk in stream if chunk.choices]
    assert "".join(choice.delta.content or "" for choice in choices) == GREETING
    scored = [
        entry.model_dump() for c in choices if c.logprobs for entry in c.logprobs.content or ()
    ]
    assert_scored(scored, 1)


@pytest.mark.parametrize("stream", [False, True])
def test_a_completion_with_a_logprobs_number_scores_every_token(
    client: openai.OpenAI, stream: bool
) -> None:
    reply = client.completions.create(
        model=OLLAMA_MODEL, prompt="Why is the sky blue?", logprobs=3, stream=stream
    )
    choices = [chunk.choices[0] for chunk in reply] if stream else reply.choices  # type: ignore[union-attr]
    assert "".join(choice.text for choice in choices) == GREETING
    extras = [choice.logprobs.model_extra or {} for choice in choices if choice.logprobs]
    assert_scored([entry for extra in extras for entry in extra["content"]], 3)
