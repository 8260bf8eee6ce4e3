"""LangChain's `langchain-ollama` (ChatOllama, OllamaEmbeddings) works against shim unchanged."""

import json
import math
import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_ollama import ChatOllama, OllamaEmbeddings
from pydantic import BaseModel, Field

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
EMBEDDER = "text-embedding-nomic-embed-text-v1.5"


class GetWeather(BaseModel):
    """Get the current weather in a city."""

    city: str = Field(description="The city name")


class Weather(BaseModel):
    """A weather report."""

    city: str
    temp: int


def get_time(timezone: str) -> str:
    """Tell the current time in a timezone.

    Args:
        timezone: An IANA timezone name.
    """
    return "12:00"


def test_invoke_returns_the_answer_with_ollama_metadata_and_usage(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo!"], usage=(21, 3))
    reply = ChatOllama(model=MODEL, base_url=shim).invoke("hello")
    assert isinstance(reply, AIMessage)
    assert reply.content == "Hello!"
    assert reply.response_metadata["done_reason"] == "stop"
    assert reply.response_metadata["eval_count"] == 3
    assert reply.response_metadata["model_name"] == MODEL
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["input_tokens"] == 21
    assert reply.usage_metadata["output_tokens"] == 3
    assert reply.usage_metadata["total_tokens"] == 24
    sent = lmstudio.chat_requests[-1]
    assert sent["messages"] == [{"role": "user", "content": "hello"}]


def test_stream_yields_chunks_that_join_to_the_answer(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["The ", "sky ", "is ", "blue."])
    chunks = list(ChatOllama(model=MODEL, base_url=shim).stream("what colour is the sky?"))
    assert [chunk.content for chunk in chunks if chunk.content] == ["The ", "sky ", "is ", "blue."]
    whole = reduce(operator.add, chunks)
    assert whole.content == "The sky is blue."
    assert whole.response_metadata["done_reason"] == "stop"
    assert whole.usage_metadata is not None
    assert (whole.usage_metadata["input_tokens"], whole.usage_metadata["output_tokens"]) == (12, 4)


def test_options_and_keep_alive_reach_lm_studio(lmstudio: LMStudioDouble, shim: str) -> None:
    model = ChatOllama(
        model=MODEL,
        base_url=shim,
        temperature=0.1,
        top_p=0.5,
        num_predict=32,
        seed=3,
        stop=["END"],
        keep_alive="15m",
    )
    assert model.invoke("hi").content == "Hello!"
    sent = lmstudio.chat_requests[-1]
    assert (sent["temperature"], sent["top_p"], sent["max_tokens"], sent["seed"]) == (
        0.1,
        0.5,
        32,
        3,
    )
    assert sent["stop"] == ["END"]
    assert sent["ttl"] == 900


@pytest.mark.parametrize("tool", [GetWeather, get_time], ids=["pydantic", "function"])
def test_bound_tools_come_back_as_tool_calls_with_dict_args(
    lmstudio: LMStudioDouble, shim: str, tool: type[BaseModel] | Callable[..., Any]
) -> None:
    name, arguments = (
        ("GetWeather", {"city": "Paris"})
        if tool is GetWeather
        else ("get_time", {"timezone": "Europe/Paris"})
    )
    lmstudio.chat_script = tool_call_script([("call_1", name, json.dumps(arguments))])
    reply = ChatOllama(model=MODEL, base_url=shim).bind_tools([tool]).invoke("go")
    assert isinstance(reply, AIMessage)
    (call,) = reply.tool_calls
    assert (call["name"], call["args"]) == (name, arguments)
    assert call["id"]
    (sent_tool,) = lmstudio.chat_requests[-1]["tools"]
    assert sent_tool["type"] == "function"
    assert sent_tool["function"]["name"] == name
    assert list(sent_tool["function"]["parameters"]["properties"]) == list(arguments)


def test_streamed_tool_calls_arrive_whole(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script(
        [("a", "GetWeather", '{"city": "Paris"}'), ("b", "GetWeather", '{"city": "Tokyo"}')],
        fragment=3,
    )
    chunks = list(ChatOllama(model=MODEL, base_url=shim).bind_tools([GetWeather]).stream("go"))
    calls = [call for chunk in chunks for call in chunk.tool_calls]
    assert [(c["name"], c["args"]) for c in calls] == [
        ("GetWeather", {"city": "Paris"}),
        ("GetWeather", {"city": "Tokyo"}),
    ]


def test_tool_round_trip_pairs_the_result_with_its_call(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    """LangChain sends ids; the ollama client drops them, so shim pairs results with calls."""
    history = [
        HumanMessage("weather in Paris and Tokyo?"),
        AIMessage(
            content="",
            tool_calls=[
                {"name": "GetWeather", "args": {"city": "Paris"}, "id": "lc-1"},
                {"name": "GetWeather", "args": {"city": "Tokyo"}, "id": "lc-2"},
            ],
        ),
        ToolMessage("18C", tool_call_id="lc-1"),
        ToolMessage("25C", tool_call_id="lc-2"),
    ]
    reply = ChatOllama(model=MODEL, base_url=shim).bind_tools([GetWeather]).invoke(history)
    assert reply.content == "Hello!"
    sent = lmstudio.chat_requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"]
    paris, tokyo = sent[1]["tool_calls"]
    assert json.loads(paris["function"]["arguments"]) == {"city": "Paris"}
    assert json.loads(tokyo["function"]["arguments"]) == {"city": "Tokyo"}
    assert paris["id"] != tokyo["id"]
    assert (sent[2]["tool_call_id"], sent[2]["content"]) == (paris["id"], "18C")
    assert (sent[3]["tool_call_id"], sent[3]["content"]) == (tokyo["id"], "25C")


def test_structured_output_sends_the_schema_and_parses_the_reply(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(['{"city": "Paris", "temp": 18}'])
    model = ChatOllama(model=MODEL, base_url=shim).with_structured_output(Weather)
    report = model.invoke("weather in Paris?")
    assert report == Weather(city="Paris", temp=18)
    response_format = lmstudio.chat_requests[-1]["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert schema["properties"].keys() == {"city", "temp"}
    assert sorted(schema["required"]) == ["city", "temp"]
    assert schema["type"] == "object"


def test_json_mode_asks_lm_studio_for_an_object(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(['{"ok": true}'])
    reply = ChatOllama(model=MODEL, base_url=shim, format="json").invoke("answer in json")
    assert json.loads(reply.content) == {"ok": True}  # type: ignore[arg-type]
    response_format = lmstudio.chat_requests[-1]["response_format"]
    assert response_format["json_schema"]["schema"] == {"type": "object"}


@pytest.mark.parametrize("form", ["reasoning_content", "reasoning", "inline"])
def test_reasoning_goes_to_additional_kwargs(
    lmstudio: LMStudioDouble, shim: str, form: str
) -> None:
    lmstudio.chat_script = reasoning_script(
        ["Let me ", "think."],
        ["Forty", "-two"],
        form=form,  # type: ignore[arg-type]
    )
    model = ChatOllama(model=MODEL, base_url=shim, reasoning=True)
    reply = model.invoke("meaning of life?")
    assert reply.content == "Forty-two"
    assert reply.additional_kwargs["reasoning_content"] == "Let me think."
    streamed = list(model.stream("meaning of life?"))
    assert "".join(c.content for c in streamed) == "Forty-two"  # type: ignore[misc]
    thoughts = "".join(c.additional_kwargs.get("reasoning_content", "") for c in streamed)
    assert thoughts == "Let me think."


def test_reasoning_off_hides_lm_studios_thinking(lmstudio: LMStudioDouble, shim: str) -> None:
    """LM Studio cannot switch reasoning off over /v1 (docs/compatibility.md): shim drops it."""
    lmstudio.chat_script = reasoning_script(["hmm"], ["Yes."], form="reasoning_content")
    reply = ChatOllama(model=MODEL, base_url=shim, reasoning=False).invoke("hi")
    assert reply.content == "Yes."
    assert "reasoning_content" not in reply.additional_kwargs
    assert "hmm" not in str(reply.content)


def test_reasoning_level_becomes_reasoning_effort(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = reasoning_script(["hmm"], ["Yes."], form="reasoning")
    reply = ChatOllama(model=MODEL, base_url=shim, reasoning="high").invoke("hi")
    assert lmstudio.chat_requests[-1]["reasoning_effort"] == "high"
    assert reply.additional_kwargs["reasoning_content"] == "hmm"


@pytest.mark.parametrize("name", [MODEL, MODEL + ":latest"])
def test_validate_model_on_init_accepts_listed_models(shim: str, name: str) -> None:
    model = ChatOllama(model=name, base_url=shim, validate_model_on_init=True)
    assert model.model == name


def test_validate_model_on_init_rejects_unknown_models(shim: str) -> None:
    with pytest.raises(ValueError, match="not found in Ollama"):
        ChatOllama(model="no-such-model", base_url=shim, validate_model_on_init=True)


def test_embed_documents_returns_unit_vectors(lmstudio: LMStudioDouble, shim: str) -> None:
    embedder = OllamaEmbeddings(model=EMBEDDER, base_url=shim)
    vectors = embedder.embed_documents(["first text", "second text"])
    assert len(vectors) == 2
    assert all(len(v) == lmstudio.embedding_dimensions for v in vectors)
    assert all(math.isclose(math.hypot(*v), 1.0, rel_tol=1e-6) for v in vectors)
    assert vectors[0] != vectors[1]
    assert lmstudio.embedding_requests[-1]["input"] == ["first text", "second text"]


def test_embed_query_matches_the_same_document(shim: str) -> None:
    embedder = OllamaEmbeddings(model=EMBEDDER, base_url=shim)
    query = embedder.embed_query("first text")
    assert math.isclose(math.hypot(*query), 1.0, rel_tol=1e-6)
    (document,) = embedder.embed_documents(["first text"])
    assert query == pytest.approx(document)
