"""VS Code Copilot Chat's Ollama provider, replayed request by request against shim.

Copilot checks /api/version, lists /api/tags, asks /api/show for each model, then chats through
/v1/chat/completions as an OpenAI SSE stream (see ollama-api.md §13, "VS Code GitHub Copilot Chat").
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from shim.main.config import Settings
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
USER_AGENT = "GitHubCopilotChat/0.31.0"
MINIMUM_OLLAMA_VERSION = (0, 6, 4)
FALLBACK_CONTEXT = 32768
# Copilot sends `Bearer <key>`, and with no key `Bearer ` - which fetch() trims to `Bearer` on the
# wire (header values lose surrounding whitespace), and which httpx would refuse to send as is.
NO_KEY = "Bearer"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {}},
        },
    }
]


@dataclass
class CopilotModel:
    """What Copilot keeps of each model it discovers."""

    id: str
    name: str
    context_window: int
    tools: bool
    vision: bool


@dataclass
class Streamed:
    """An OpenAI chat stream as a client adds it up."""

    content: str = ""
    calls: dict[int, dict[str, str]] = field(default_factory=dict)
    finish_reasons: list[str] = field(default_factory=list)
    usage: dict[str, int] | None = None
    done: bool = False


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    """The module's shim, in front of a double reset for this test."""
    return module_shim


def copilot(base_url: str, authorization: str = NO_KEY) -> httpx.Client:
    headers = {"User-Agent": USER_AGENT, "Authorization": authorization}
    return httpx.Client(base_url=base_url, headers=headers)


def parse_int(part: str) -> int:
    """JavaScript's parseInt: the leading digits ("0-rc2" gives 0)."""
    digits = re.match(r"\s*(\d+)", part)
    assert digits, f"parseInt({part!r}) is NaN"
    return int(digits.group(1))


def check_version(http: httpx.Client) -> str:
    reply = http.get("/api/version")
    assert reply.status_code == 200
    version = reply.json()["version"]
    parts = tuple(parse_int(part) for part in version.split("."))
    assert version == "0.0.0" or parts >= MINIMUM_OLLAMA_VERSION, f"{version} is too old"
    return str(version)


def discover(http: httpx.Client) -> list[CopilotModel]:
    """Steps 1 to 3 of Copilot's model discovery."""
    check_version(http)
    tags = http.get("/api/tags")
    assert tags.status_code == 200
    found = []
    for model_id in [entry["model"] for entry in tags.json()["models"]]:
        shown = http.post("/api/show", json={"model": model_id})
        assert shown.status_code == 200
        found.append(copilot_model(model_id, shown.json()))
    return found


def copilot_model(model_id: str, shown: dict[str, Any]) -> CopilotModel:
    info = shown["model_info"]
    architecture = info.get("general.architecture")
    window = info.get(f"{architecture}.context_length") or FALLBACK_CONTEXT
    capabilities = shown["capabilities"]
    assert isinstance(capabilities, list), "Copilot calls capabilities.includes(...)"
    return CopilotModel(
        id=model_id,
        name=info.get("general.basename") or model_id,
        context_window=window,
        tools="tools" in capabilities,
        vision="vision" in capabilities,
    )


def chat_body(model_id: str, window: int) -> dict[str, Any]:
    output = 4096 if window >= 4096 else window // 2
    return {
        "model": model_id,
        "messages": [
            {"role": "system", "content": "You are GitHub Copilot."},
            {"role": "user", "content": "What is the weather in Paris?"},
        ],
        "stream": True,
        "stream_options": {"include_usage": True},
        "tools": TOOLS,
        "max_completion_tokens": output,
        "temperature": 0.1,
        "top_p": 1,
        "n": 1,
    }


def stream_chat(http: httpx.Client, body: dict[str, Any]) -> Streamed:
    """Read the SSE like an OpenAI client: data lines carry JSON until `[DONE]`."""
    streamed = Streamed()
    with http.stream("POST", "/v1/chat/completions", json=body) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        for line in reply.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                streamed.done = True
                break
            add_chunk(streamed, json.loads(data))
    return streamed


def add_chunk(streamed: Streamed, chunk: dict[str, Any]) -> None:
    assert "error" not in chunk, chunk
    if chunk.get("usage"):
        streamed.usage = chunk["usage"]
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        streamed.content += delta.get("content") or ""
        for fragment in delta.get("tool_calls") or []:
            call = streamed.calls.setdefault(
                fragment["index"], {"id": "", "name": "", "arguments": ""}
            )
            function = fragment.get("function") or {}
            call["id"] = fragment.get("id") or call["id"]
            call["name"] += function.get("name") or ""
            call["arguments"] += function.get("arguments") or ""
        if choice.get("finish_reason"):
            streamed.finish_reasons.append(choice["finish_reason"])


EXPECTED_MODELS = [
    CopilotModel(f"{MODEL}:latest", f"{MODEL}:latest", 32768, tools=True, vision=False),
    CopilotModel(
        "google/gemma-4-12b-qat:latest",
        "google/gemma-4-12b-qat:latest",
        131072,
        tools=False,
        vision=True,
    ),
    # LM Studio names no architecture here; the window is still found under "unknown".
    CopilotModel(
        "text-embedding-nomic-embed-text-v1.5:latest",
        "text-embedding-nomic-embed-text-v1.5:latest",
        2048,
        tools=False,
        vision=False,
    ),
]


def test_copilot_accepts_the_reported_version(shim: str) -> None:
    with copilot(shim) as http:
        version = check_version(http)
    assert version == Settings().ollama_version


def test_copilot_discovers_every_model_with_window_name_and_flags(shim: str) -> None:
    with copilot(shim) as http:
        assert discover(http) == EXPECTED_MODELS


def test_other_clients_see_the_display_name_as_basename(shim: str) -> None:
    shown = httpx.post(shim + "/api/show", json={"model": f"{MODEL}:latest"})
    assert shown.json()["model_info"]["general.basename"] == "Qwen3.6 35B A3B UD"


def test_copilot_streams_an_answer_with_usage(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["The weather", " is sunny."], usage=(40, 6))
    with copilot(shim) as http:
        chosen = discover(http)[0]
        body = chat_body(chosen.id, chosen.context_window)
        streamed = stream_chat(http, body)
    assert streamed.content == "The weather is sunny."
    assert streamed.finish_reasons == ["stop"]
    assert streamed.usage == {"prompt_tokens": 40, "completion_tokens": 6, "total_tokens": 46}
    assert streamed.done
    # Translated as Ollama's /v1 layer reads it: the model by its LM Studio key, and neither
    # `max_completion_tokens` nor `n`, which Ollama does not read (openai.go FromChatRequest).
    assert lmstudio.chat_requests[-1] == {
        "model": MODEL,
        "messages": body["messages"],
        "tools": TOOLS,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.1,
        "top_p": 1.0,
    }
    assert "authorization" not in lmstudio.last_headers


def test_copilot_streams_a_tool_call(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script(
        [("call_1", "get_weather", '{"city": "Paris", "unit": "celsius"}')], fragment=4
    )
    with copilot(shim) as http:
        chosen = discover(http)[0]
        assert chosen.tools
        streamed = stream_chat(http, chat_body(chosen.id, chosen.context_window))
    # Whole, in one chunk, its arguments as Ollama's Go writes the object: compact.
    assert streamed.calls == {
        0: {
            "id": "call_1",
            "name": "get_weather",
            "arguments": '{"city":"Paris","unit":"celsius"}',
        }
    }
    assert json.loads(streamed.calls[0]["arguments"]) == {"city": "Paris", "unit": "celsius"}
    assert streamed.finish_reasons == ["tool_calls"]
    assert streamed.usage is not None
    assert streamed.usage["prompt_tokens"] == 12
    assert streamed.done


def test_copilot_with_the_configured_api_key_runs_the_whole_sequence(
    lmstudio: LMStudioDouble, start_shim
) -> None:
    url = start_shim(api_key="k")
    with copilot(url, "Bearer k") as http:
        models = discover(http)
        assert models == EXPECTED_MODELS
        streamed = stream_chat(http, chat_body(models[0].id, models[0].context_window))
    assert streamed.content == "Hello!"
    assert streamed.usage is not None
    assert lmstudio.chat_requests[-1]["model"] == MODEL
    assert "authorization" not in lmstudio.last_headers, "shim's inbound key stays with shim"


def test_copilot_without_the_key_is_refused_at_the_version_check(start_shim) -> None:
    url = start_shim(api_key="k")
    with copilot(url) as http:
        version = http.get("/api/version")
        chat = http.post("/v1/chat/completions", json=chat_body(f"{MODEL}:latest", 32768))
    assert (version.status_code, version.json()) == (401, {"error": "unauthorized"})
    assert chat.status_code == 401
