"""litellm's `ollama/` (generate) and `ollama_chat/` (chat) providers against shim."""

import json
import os

import pytest

# litellm fetches its model price list from the network on import unless told to use its own copy.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, tool_call_script
from tests.support.tools import WEATHER

pytestmark = pytest.mark.clients

QWEN = "qwen3.6-35b-a3b-mtp"
GEMMA = "google/gemma-4-12b-qat"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
HELLO = [{"role": "user", "content": "hello"}]
TWO_CITIES = [("1", "get_weather", '{"city": "Paris"}'), ("2", "get_weather", '{"city": "Tokyo"}')]


@pytest.fixture
def base(shim: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """litellm asks /api/show at OLLAMA_API_BASE, whatever api_base a call names."""
    monkeypatch.setenv("OLLAMA_API_BASE", shim)
    return shim


@pytest.mark.parametrize("provider", ["ollama", "ollama_chat"])
def test_completion_text_and_usage(base: str, provider: str) -> None:
    reply = litellm.completion(model=f"{provider}/{QWEN}", api_base=base, messages=HELLO)
    assert reply.choices[0].message.content == "Hello!"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (12, 4)


@pytest.mark.parametrize("provider", ["ollama", "ollama_chat"])
def test_streaming_text_arrives_piece_by_piece(base: str, provider: str) -> None:
    parts = litellm.completion(
        model=f"{provider}/{QWEN}", api_base=base, messages=HELLO, stream=True
    )
    pieces = [part.choices[0].delta.content for part in parts]
    assert [piece for piece in pieces if piece] == ["Hello", "!"]


def test_function_calling_is_read_from_the_template_shown(base: str) -> None:
    assert litellm.supports_function_calling(model=f"ollama/{QWEN}") is True
    assert litellm.supports_function_calling(model=f"ollama/{GEMMA}") is False


def test_tool_calls_come_back_with_names_and_arguments(lmstudio: LMStudioDouble, base: str) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CITIES)
    reply = litellm.completion(
        model=f"ollama_chat/{QWEN}", api_base=base, messages=HELLO, tools=[WEATHER]
    )
    calls = reply.choices[0].message.tool_calls
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Tokyo"}),
    ]
    assert lmstudio.chat_requests[-1]["tools"] == [WEATHER]


def test_streamed_tool_calls_keep_every_call(lmstudio: LMStudioDouble, base: str) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CITIES)
    parts = litellm.completion(
        model=f"ollama_chat/{QWEN}", api_base=base, messages=HELLO, tools=[WEATHER], stream=True
    )
    calls = [call for part in parts for call in part.choices[0].delta.tool_calls or ()]
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Paris", "Tokyo"]


def test_structured_output_follows_the_schema(lmstudio: LMStudioDouble, base: str) -> None:
    lmstudio.chat_script = content_script(['{"city": ', '"Paris"}'])
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    reply = litellm.completion(
        model=f"ollama_chat/{QWEN}",
        api_base=base,
        messages=HELLO,
        response_format={"type": "json_schema", "json_schema": {"name": "w", "schema": schema}},
    )
    assert json.loads(reply.choices[0].message.content) == {"city": "Paris"}
    sent = lmstudio.chat_requests[-1]["response_format"]
    assert sent["json_schema"]["schema"] == schema


def test_embeddings_have_the_model_width_and_a_token_count(
    lmstudio: LMStudioDouble, base: str
) -> None:
    lmstudio.embedding_tokens_counted = False  # as real LM Studio: 0 prompt tokens
    reply = litellm.embedding(
        model=f"ollama/{NOMIC}", api_base=base, input=["the quick fox", "jumps"]
    )
    assert [len(item["embedding"]) for item in reply.data] == [8, 8]
    assert reply.usage.prompt_tokens == 4
