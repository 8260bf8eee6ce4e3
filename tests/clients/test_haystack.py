"""ollama-haystack (Haystack's Ollama integration) against shim."""

import pytest
from haystack.dataclasses import ChatMessage, StreamingChunk
from haystack.tools import Tool
from haystack_integrations.components.embedders.ollama import OllamaTextEmbedder
from haystack_integrations.components.generators.ollama import OllamaChatGenerator

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import tool_call_script
from tests.support.tools import WEATHER

pytestmark = pytest.mark.clients

QWEN = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
ASK = [ChatMessage.from_user("weather in Paris and Tokyo?")]
TOOL = Tool(
    name="get_weather",
    description="Weather in a city",
    parameters=WEATHER["function"]["parameters"],  # type: ignore[index]
    function=lambda city: f"sunny in {city}",
)


def test_chat_reply_text_and_usage(shim: str) -> None:
    (reply,) = OllamaChatGenerator(model=QWEN, url=shim).run(messages=ASK)["replies"]
    assert reply.text == "Hello!"
    assert reply.meta["finish_reason"] == "stop"
    assert reply.meta["usage"]["prompt_tokens"] == 12


def test_streamed_text_reaches_the_callback(shim: str) -> None:
    chunks: list[StreamingChunk] = []
    generator = OllamaChatGenerator(model=QWEN, url=shim, streaming_callback=chunks.append)
    (reply,) = generator.run(messages=ASK)["replies"]
    assert reply.text == "Hello!"
    assert [chunk.content for chunk in chunks if chunk.content] == ["Hello", "!"]


@pytest.mark.parametrize("streaming", [False, True])
def test_every_tool_call_is_kept(lmstudio: LMStudioDouble, shim: str, streaming: bool) -> None:
    lmstudio.chat_script = tool_call_script(
        [("1", "get_weather", '{"city": "Paris"}'), ("2", "get_weather", '{"city": "Tokyo"}')]
    )
    chunks: list[StreamingChunk] = []
    generator = OllamaChatGenerator(
        model=QWEN,
        url=shim,
        tools=[TOOL],
        streaming_callback=chunks.append if streaming else None,
    )
    (reply,) = generator.run(messages=ASK)["replies"]
    assert [(call.tool_name, call.arguments) for call in reply.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Tokyo"}),
    ]
    assert lmstudio.chat_requests[-1]["tools"][0]["function"]["name"] == "get_weather"


def test_text_embedding_has_the_model_width(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.embedding_tokens_counted = False
    result = OllamaTextEmbedder(model=NOMIC, url=shim).run(text="the quick fox")
    assert len(result["embedding"]) == 8
