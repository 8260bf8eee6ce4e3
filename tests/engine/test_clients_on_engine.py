"""Official Ollama and OpenAI clients, through shim, to a real llama.cpp server.

llama.cpp's server has none of LM Studio's own routes, so shim discovers the model through
/v1/models and does everything else through the OpenAI-compatible API. Loading, unloading and
pulling need LM Studio and are not tested here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import ollama
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
SLOT_CONTEXT = 4096  # the server's 8192-token context shared by its 2 parallel slots
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
HELLO = [{"role": "user", "content": "Say hello"}]
ASK_WEATHER = [{"role": "user", "content": "What is the weather in Paris?"}]
# llama.cpp constrains a tool call with a grammar; without a limit it may not stop.
TOOL_OPTIONS = {"num_predict": 64}
CLIENT_TIMEOUT_SECONDS = 30


# Clients are closed explicitly: one left for the garbage collector logs from its finalizer,
# which can deadlock on the session's log capture.
@pytest.fixture
def ollama_client(shim_on_engine: str) -> Iterator[ollama.Client]:
    client = ollama.Client(host=shim_on_engine, timeout=CLIENT_TIMEOUT_SECONDS)
    yield client
    client.close()


@pytest.fixture
def openai_client(shim_on_engine: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=shim_on_engine + "/v1",
        api_key="unused",
        max_retries=0,
        timeout=CLIENT_TIMEOUT_SECONDS,
    ) as client:
        yield client


# --- Ollama: discovery ----------------------------------------------------------------------


def test_list_shows_the_model_found_through_v1_models(ollama_client: ollama.Client) -> None:
    names = [model.model for model in ollama_client.list().models]

    assert names == [OLLAMA_MODEL]


def test_show_reports_the_completion_capability(ollama_client: ollama.Client) -> None:
    shown = ollama_client.show(OLLAMA_MODEL)

    assert "completion" in (shown.capabilities or [])


def test_show_reports_the_window_llama_cpp_serves(ollama_client: ollama.Client) -> None:
    info = ollama_client.show(OLLAMA_MODEL).modelinfo or {}

    # Copilot reads "<general.architecture>.context_length"; others any "*.context_length".
    architecture = info.get("general.architecture")
    assert architecture, f"no general.architecture in {info}"
    assert info.get(f"{architecture}.context_length") == SLOT_CONTEXT


def test_tags_and_ps_see_the_served_model_as_loaded(ollama_client: ollama.Client) -> None:
    (listed,) = ollama_client.list().models
    assert listed.details is not None
    (running,) = ollama_client.ps().models
    assert running.model == OLLAMA_MODEL
    assert running.context_length == SLOT_CONTEXT


def test_show_reports_the_tools_capability(ollama_client: ollama.Client) -> None:
    shown = ollama_client.show(OLLAMA_MODEL)

    assert "tools" in (shown.capabilities or [])


# --- Ollama: chat and generate --------------------------------------------------------------


def test_chat_answers_and_counts_tokens(ollama_client: ollama.Client) -> None:
    reply = ollama_client.chat(model=OLLAMA_MODEL, messages=HELLO)

    assert reply.message.content == GREETING
    assert reply.done_reason == "stop"
    assert reply.eval_count == 10  # the greeting's tokens plus the end of turn
    assert (reply.prompt_eval_count or 0) > 10


def test_chat_logprobs_score_every_token_of_the_answer(ollama_client: ollama.Client) -> None:
    reply = ollama_client.chat(model=OLLAMA_MODEL, messages=HELLO, logprobs=True, top_logprobs=2)

    assert reply.message.content == GREETING
    scored = reply.logprobs or []
    assert "".join(entry.token for entry in scored).startswith(GREETING)
    assert all(entry.logprob <= 0 for entry in scored)
    assert all(len(entry.top_logprobs or ()) == 2 for entry in scored)


def test_chat_streams_the_answer_then_a_final_chunk(ollama_client: ollama.Client) -> None:
    chunks = list(ollama_client.chat(model=OLLAMA_MODEL, messages=HELLO, stream=True))

    assert len(chunks) > 2
    assert "".join(chunk.message.content or "" for chunk in chunks) == GREETING
    final = chunks[-1]
    assert final.done
    assert final.done_reason == "stop"
    assert final.eval_count == 10
    assert (final.prompt_eval_count or 0) > 10
    assert not any(chunk.done for chunk in chunks[:-1])


def test_chat_answers_the_same_at_a_high_temperature(ollama_client: ollama.Client) -> None:
    reply = ollama_client.chat(
        model=OLLAMA_MODEL, messages=HELLO, options={"temperature": 1.5, "seed": 7}
    )

    assert reply.message.content == GREETING


def test_generate_answers_a_prompt(ollama_client: ollama.Client) -> None:
    reply = ollama_client.generate(model=OLLAMA_MODEL, prompt="Why is the sky blue?")

    assert reply.response == GREETING
    assert reply.done_reason == "stop"
    assert reply.eval_count == 10


async def test_async_client_chats(shim_on_engine: str) -> None:
    client = ollama.AsyncClient(host=shim_on_engine, timeout=CLIENT_TIMEOUT_SECONDS)
    try:
        reply = await client.chat(model=OLLAMA_MODEL, messages=HELLO)
    finally:
        await client.close()

    assert reply.message.content == GREETING


# --- Ollama: tools --------------------------------------------------------------------------


def test_chat_with_a_tool_returns_a_call_with_object_arguments(
    ollama_client: ollama.Client,
) -> None:
    reply = ollama_client.chat(
        model=OLLAMA_MODEL, messages=ASK_WEATHER, tools=[WEATHER_TOOL], options=TOOL_OPTIONS
    )

    (call,) = reply.message.tool_calls or []
    assert call.function.name == TOOL_NAME
    assert call.function.arguments == TOOL_ARGUMENTS
    assert reply.done_reason == "stop"


def test_streamed_tool_call_arrives_whole(ollama_client: ollama.Client) -> None:
    chunks = list(
        ollama_client.chat(
            model=OLLAMA_MODEL,
            messages=ASK_WEATHER,
            tools=[WEATHER_TOOL],
            options=TOOL_OPTIONS,
            stream=True,
        )
    )

    calls = [call for chunk in chunks for call in chunk.message.tool_calls or []]
    assert [(c.function.name, c.function.arguments) for c in calls] == [(TOOL_NAME, TOOL_ARGUMENTS)]
    assert chunks[-1].done


def test_tool_result_round_trip(ollama_client: ollama.Client) -> None:
    first = ollama_client.chat(
        model=OLLAMA_MODEL, messages=ASK_WEATHER, tools=[WEATHER_TOOL], options=TOOL_OPTIONS
    )
    assert first.message.tool_calls
    history = [
        *ASK_WEATHER,
        first.message,
        {"role": "tool", "tool_name": TOOL_NAME, "content": '{"sky": "sunny"}'},
    ]

    second = ollama_client.chat(
        model=OLLAMA_MODEL, messages=history, tools=[WEATHER_TOOL], options=TOOL_OPTIONS
    )

    assert second.message.content == TOOL_ACKNOWLEDGEMENT
    assert not second.message.tool_calls


# --- Ollama: embeddings ---------------------------------------------------------------------


def test_embed_returns_unit_vectors_that_depend_on_the_text(ollama_client: ollama.Client) -> None:
    reply = ollama_client.embed(
        model=OLLAMA_MODEL, input=["a cat sat on the mat", "Why is the sky blue?"]
    )

    first, second = reply.embeddings
    assert len(first) == len(second) == 64
    assert math.isclose(math.hypot(*first), 1.0, abs_tol=1e-5)
    assert math.isclose(math.hypot(*second), 1.0, abs_tol=1e-5)
    assert first != second


# --- OpenAI client on shim's /v1 ------------------------------------------------------------


def test_openai_lists_the_model(openai_client: openai.OpenAI) -> None:
    ids = [model.id for model in openai_client.models.list()]

    assert ids == [OLLAMA_MODEL]


def test_openai_stream_ends_with_a_usage_chunk(openai_client: openai.OpenAI) -> None:
    chunks = list(
        openai_client.chat.completions.create(
            model=OLLAMA_MODEL,
            messages=HELLO,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == GREETING
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.completion_tokens == 10
    assert usage.prompt_tokens > 10


def test_openai_chat_with_a_tool(openai_client: openai.OpenAI) -> None:
    completion = openai_client.chat.completions.create(
        model=OLLAMA_MODEL,
        messages=ASK_WEATHER,
        tools=[WEATHER_TOOL],
        max_tokens=64,
    )

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls or []
    assert call.function.name == TOOL_NAME
    assert json.loads(call.function.arguments) == TOOL_ARGUMENTS


def test_openai_chat_answers_as_ollama_would(openai_client: openai.OpenAI) -> None:
    completion = openai_client.chat.completions.create(model=OLLAMA_MODEL, messages=HELLO)

    assert (completion.model, completion.system_fingerprint) == (OLLAMA_MODEL, "fp_ollama")
    assert completion.id.startswith("chatcmpl-")
    assert completion.choices[0].message.content == GREETING
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 10


def test_openai_tool_result_round_trip(openai_client: openai.OpenAI) -> None:
    first = openai_client.chat.completions.create(
        model=OLLAMA_MODEL, messages=ASK_WEATHER, tools=[WEATHER_TOOL], max_tokens=64
    )
    (call,) = first.choices[0].message.tool_calls or []
    history = [
        *ASK_WEATHER,
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"sky": "sunny"}'},
    ]

    second = openai_client.chat.completions.create(
        model=OLLAMA_MODEL, messages=history, tools=[WEATHER_TOOL], max_tokens=64
    )

    assert second.choices[0].message.content == TOOL_ACKNOWLEDGEMENT
    assert second.choices[0].finish_reason == "stop"


def test_openai_completion_goes_through_the_chat_template(openai_client: openai.OpenAI) -> None:
    """As Ollama's /v1/completions: the prompt is a user turn, so the model greets."""
    whole = openai_client.completions.create(model=OLLAMA_MODEL, prompt="Why is the sky blue?")
    streamed = openai_client.completions.create(
        model=OLLAMA_MODEL, prompt="Why is the sky blue?", stream=True
    )

    assert whole.choices[0].text == GREETING
    assert "".join(chunk.choices[0].text for chunk in streamed) == GREETING


def test_openai_embeddings(openai_client: openai.OpenAI) -> None:
    reply = openai_client.embeddings.create(
        model=OLLAMA_MODEL, input=["a cat sat on the mat", "Why is the sky blue?"]
    )

    first, second = (item.embedding for item in reply.data)
    assert len(first) == 64
    assert first != second
