"""llama-index's Ollama LLM against shim."""

import pytest
from llama_index.core.llms import ChatMessage
from llama_index.core.tools import FunctionTool
from llama_index.llms.ollama import Ollama
from pydantic import BaseModel

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, tool_call_script

pytestmark = pytest.mark.clients

QWEN = "qwen3.6-35b-a3b-mtp"
ASK = [ChatMessage(role="user", content="hello")]


class Weather(BaseModel):
    city: str


def get_weather(city: str) -> str:
    """Weather in a city."""
    return f"sunny in {city}"


def llm(shim: str) -> Ollama:
    return Ollama(model=QWEN, base_url=shim, request_timeout=30, context_window=8192)


def test_chat_and_complete_return_the_text(shim: str) -> None:
    assert llm(shim).chat(ASK).message.content == "Hello!"
    assert llm(shim).complete("hello").text == "Hello!"


def test_stream_chat_delivers_each_piece(shim: str) -> None:
    deltas = [part.delta for part in llm(shim).stream_chat(ASK)]
    assert [delta for delta in deltas if delta] == ["Hello", "!"]


def test_tool_calls_are_read_back_with_their_arguments(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script(
        [("1", "get_weather", '{"city": "Paris"}'), ("2", "get_weather", '{"city": "Tokyo"}')]
    )
    model = llm(shim)
    tool = FunctionTool.from_defaults(fn=get_weather)
    response = model.chat_with_tools(
        [tool], user_msg="weather in Paris and Tokyo?", allow_parallel_tool_calls=True
    )
    calls = model.get_tool_calls_from_response(response, error_on_no_tool_call=True)
    assert [(call.tool_name, call.tool_kwargs) for call in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Tokyo"}),
    ]


def test_structured_prediction_fills_the_model(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(['{"city": ', '"Paris"}'])
    model = llm(shim).as_structured_llm(Weather)
    reply = model.chat(ASK)
    assert reply.raw == Weather(city="Paris")
    assert lmstudio.chat_requests[-1]["response_format"]["type"] == "json_schema"
