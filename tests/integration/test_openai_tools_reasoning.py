"""Tools, structured output and reasoning through shim's /v1 with the official `openai` client,
against the LM Studio double: what reaches LM Studio, and what comes back as Ollama sends it
(`reasoning`, never `reasoning_content`; whole tool calls with ids and string arguments)."""

import base64
import json
from typing import Any

import pydantic
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.openai_sdk import client
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script
from tests.support.tools import WEATHER

MODEL = "qwen3.6-35b-a3b-mtp"
ASK = [{"role": "user", "content": "What is the weather in Paris?"}]
ARGUMENTS = '{"city": "Paris", "unit": "celsius"}'
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 24).decode()


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def chat(url: str, **asked: Any) -> Any:
    return client(url).chat.completions.create(model=MODEL, **{"messages": ASK, **asked})


# --- tools ------------------------------------------------------------------------------------


def test_a_tool_call_then_its_result_round_trip(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script([("call_1", "get_weather", ARGUMENTS)], fragment=4)
    first = chat(shim, tools=[WEATHER])
    (choice,) = first.choices
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls
    # Arguments as Ollama's Go writes the object back: compact, keys in order.
    assert (call.id, call.type, call.function.name) == ("call_1", "function", "get_weather")
    assert call.function.arguments == '{"city":"Paris","unit":"celsius"}'
    assert lmstudio.chat_requests[-1]["tools"] == [WEATHER]

    lmstudio.chat_script = content_script(["It is sunny."])
    history = [
        *ASK,
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"sky": "sunny"}'},
    ]
    second = chat(shim, messages=history, tools=[WEATHER])
    assert second.choices[0].message.content == "It is sunny."
    assert second.choices[0].finish_reason == "stop"
    assistant, tool = lmstudio.chat_requests[-1]["messages"][1:]
    assert assistant["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris","unit":"celsius"}'},
        }
    ]
    # The tool's name comes from the call its result answers, as Ollama finds it.
    assert tool == {
        "role": "tool",
        "content": '{"sky": "sunny"}',
        "tool_call_id": "call_1",
        "name": "get_weather",
    }


def test_a_streamed_tool_call_arrives_whole_with_its_index(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script(
        [("call_1", "get_weather", '{"city": "Paris"}'), ("call_2", "get_time", "{}")]
    )
    chunks = list(chat(shim, tools=[WEATHER], stream=True))
    with_calls = [c for c in chunks if c.choices and c.choices[0].delta.tool_calls]
    assert len(with_calls) == 2, "Ollama sends each call in a chunk of its own once it is whole"
    calls = [call for c in with_calls for call in c.choices[0].delta.tool_calls or ()]
    assert [(c.index, c.id, c.function.name, c.function.arguments) for c in calls] == [
        (0, "call_1", "get_weather", '{"city":"Paris"}'),
        (1, "call_2", "get_time", "{}"),
    ]
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_tool_choice_is_not_sent_as_ollama_reads_none(lmstudio: LMStudioDouble, shim: str) -> None:
    chat(shim, tools=[WEATHER], tool_choice="required", parallel_tool_calls=False)
    assert "tool_choice" not in lmstudio.chat_requests[-1]
    assert "parallel_tool_calls" not in lmstudio.chat_requests[-1]


# --- structured output ------------------------------------------------------------------------


class Weather(pydantic.BaseModel):
    city: str
    celsius: int


def test_a_json_schema_is_parsed_into_the_clients_model(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(['{"city": "Paris", ', '"celsius": 21}'])
    parsed = client(shim).chat.completions.parse(
        model=MODEL,
        messages=ASK,  # type: ignore[arg-type]
        response_format=Weather,
    )
    assert parsed.choices[0].message.parsed == Weather(city="Paris", celsius=21)
    sent = lmstudio.chat_requests[-1]["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"] == Weather.model_json_schema() | {
        "additionalProperties": False
    }


def test_json_object_is_asked_of_lm_studio_as_a_schema(lmstudio: LMStudioDouble, shim: str) -> None:
    """LM Studio refuses json_object; Ollama's "json" format goes as a generic object schema."""
    lmstudio.chat_script = content_script(['{"ok": true}'])
    answer = chat(shim, response_format={"type": "json_object"})
    assert json.loads(answer.choices[0].message.content) == {"ok": True}
    sent = lmstudio.chat_requests[-1]["response_format"]
    assert (sent["type"], sent["json_schema"]["schema"]) == ("json_schema", {"type": "object"})


# --- reasoning --------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["reasoning_content", "reasoning", "inline"])
def test_thinking_comes_back_as_reasoning_whole(
    lmstudio: LMStudioDouble, shim: str, form: Any
) -> None:
    lmstudio.chat_script = reasoning_script(["Paris ", "is mild."], ["Sunny."], form=form)
    message = chat(shim).choices[0].message
    assert message.content == "Sunny."
    assert message.model_extra == {"reasoning": "Paris is mild."}


def test_thinking_streams_as_delta_reasoning(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = reasoning_script(["Paris ", "is mild."], ["Sunny."], form="reasoning")
    deltas = [c.choices[0].delta for c in chat(shim, stream=True) if c.choices]
    assert "".join(d.model_extra.get("reasoning", "") for d in deltas) == "Paris is mild."
    assert "".join(d.content or "" for d in deltas) == "Sunny."
    assert not any("reasoning_content" in d.model_extra for d in deltas)


@pytest.mark.parametrize(
    ("asked", "sent"),
    [
        ({"reasoning_effort": "low"}, "low"),
        ({"reasoning_effort": "minimal"}, "low"),
        ({"reasoning_effort": "xhigh"}, "high"),
        ({"extra_body": {"reasoning": {"effort": "max"}}}, "high"),
    ],
)
def test_reasoning_efforts_reach_lm_studio_as_levels(
    lmstudio: LMStudioDouble, shim: str, asked: dict[str, Any], sent: str
) -> None:
    chat(shim, **asked)
    assert lmstudio.chat_requests[-1]["reasoning_effort"] == sent


def test_reasoning_effort_none_keeps_thinking_from_the_client(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    """ "none" is Ollama's think false; LM Studio cannot be told, so shim drops what it thinks."""
    lmstudio.chat_script = reasoning_script(["Hidden."], ["Shown."], form="reasoning_content")
    message = chat(shim, reasoning_effort="none").choices[0].message
    assert (message.content, message.model_extra) == ("Shown.", {})
    assert "reasoning_effort" not in lmstudio.chat_requests[-1]


def test_assistant_reasoning_and_images_are_read(lmstudio: LMStudioDouble, shim: str) -> None:
    looking = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ]
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello.", "reasoning": "Greet back."},
        {"role": "user", "content": looking},
    ]
    chat(shim, messages=history)
    sent = lmstudio.chat_requests[-1]["messages"]
    assert sent[1] == {"role": "assistant", "content": "Hello."}
    assert sent[2] == {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        ],
    }
