"""Claude Code, pointed at Ollama, replayed request by request against shim.

Where the traffic shape comes from: Ollama's docs/api/anthropic-compatibility.mdx and
docs/integrations/claude-code.mdx (`ANTHROPIC_BASE_URL=http://localhost:11434`,
`ANTHROPIC_AUTH_TOKEN=ollama`, hence `Authorization: Bearer ollama`; with `ANTHROPIC_API_KEY`
instead, `x-api-key`); captures of the CLI's own requests published in
ex-machina-co/opencode-anthropic-auth#174 (the `anthropic-beta` list) and
router-for-me/CLIProxyAPI#1621 (the CLI's user agent, the Stainless headers); and the SDK's beta
Messages path, `/v1/messages?beta=true`, which the CLI posts to. The bodies follow the CLI's:
a one-token quota probe, then streamed turns whose system prompt is text blocks marked with
`cache_control`, whose tools carry draft-07 schemas, with `metadata.user_id`, a large
`max_tokens`, `thinking` and `context_management`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
PATH = "/v1/messages?beta=true"
BETAS = (
    "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
    "fine-grained-tool-streaming-2025-05-14"
)
HEADERS = {
    "anthropic-version": "2023-06-01",
    "anthropic-beta": BETAS,
    "anthropic-dangerous-direct-browser-access": "true",
    "x-app": "cli",
    "user-agent": "claude-cli/2.1.45 (external, cli)",
    "accept": "application/json",
    "x-stainless-lang": "js",
    "x-stainless-package-version": "0.75.0",
    "x-stainless-runtime": "node",
    "x-stainless-retry-count": "0",
    "x-stainless-timeout": "600",
}
EPHEMERAL = {"type": "ephemeral"}
SYSTEM = [
    {
        "type": "text",
        "text": "You are Claude Code, Anthropic's official CLI for Claude.",
        "cache_control": EPHEMERAL,
    },
    {"type": "text", "text": "\nYou are an interactive CLI tool.", "cache_control": EPHEMERAL},
]
READ_TOOL = {
    "name": "Read",
    "description": "Reads a file from the local filesystem.",
    "input_schema": {
        "type": "object",
        "properties": {"file_path": {"type": "string", "description": "The absolute path"}},
        "required": ["file_path"],
        "additionalProperties": False,
        "$schema": "http://json-schema.org/draft-07/schema#",
    },
}
METADATA = {"user_id": "user_0f3a_account__session_6b1e"}
ASK = [
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "<system-reminder>Be careful.</system-reminder>"},
            {"type": "text", "text": "What is in README.md?", "cache_control": EPHEMERAL},
        ],
    }
]


@dataclass
class Turn:
    """A streamed answer as the CLI adds it up from the events."""

    names: list[str] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def claude_code(base_url: str, **credentials: str) -> httpx.Client:
    credentials = credentials or {"authorization": "Bearer ollama"}
    return httpx.Client(base_url=base_url, headers={**HEADERS, **credentials})


def turn_body(messages: list[Any]) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": messages,
        "system": SYSTEM,
        "tools": [READ_TOOL],
        "metadata": METADATA,
        "max_tokens": 32000,
        "thinking": {"type": "enabled", "budget_tokens": 31999},
        "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
        "stream": True,
    }


def streamed_turn(http: httpx.Client, messages: list[Any]) -> Turn:
    turn = Turn()
    partial: dict[int, str] = {}
    with http.stream("POST", PATH, json=turn_body(messages)) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "text/event-stream"
        events = "".join(reply.iter_text()).removesuffix("\n\n").split("\n\n")
    for event in events:
        name_line, data_line = event.split("\n")
        name, data = name_line.removeprefix("event: "), json.loads(data_line.removeprefix("data: "))
        turn.names.append(name)
        if name == "content_block_start":
            turn.blocks.append(dict(data["content_block"]))
        elif name == "content_block_delta":
            _add(turn.blocks[data["index"]], data["delta"], partial, data["index"])
        elif name == "content_block_stop" and data["index"] in partial:
            turn.blocks[data["index"]]["input"] = json.loads(partial.pop(data["index"]))
        elif name == "message_delta":
            turn.stop_reason = data["delta"].get("stop_reason")
            turn.usage = data["usage"]
    return turn


def _add(block: dict[str, Any], delta: dict[str, Any], partial: dict[int, str], at: int) -> None:
    kind = delta["type"]
    if kind == "text_delta":
        block["text"] += delta["text"]
    elif kind == "thinking_delta":
        block["thinking"] += delta["thinking"]
    elif kind == "input_json_delta":
        partial[at] = partial.get(at, "") + delta["partial_json"]


def test_a_session_quota_probe_then_a_tool_turn_then_the_answer(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    with claude_code(shim) as http:
        probe = http.post(
            PATH,
            json={
                "model": MODEL,
                "max_tokens": 1,
                "messages": [{"role": "user", "content": "quota"}],
                "metadata": METADATA,
            },
        )
        assert probe.status_code == 200
        assert probe.json()["type"] == "message"
        assert lmstudio.chat_requests[-1]["max_tokens"] == 1

        lmstudio.chat_script = tool_call_script(
            [("call_r1", "Read", '{"file_path":"/repo/README.md"}')]
        )
        first = streamed_turn(http, ASK)
        assert first.names[0] == "message_start"
        assert first.names[-2:] == ["message_delta", "message_stop"]
        assert first.blocks == [
            {
                "type": "tool_use",
                "id": "call_r1",
                "name": "Read",
                "input": {"file_path": "/repo/README.md"},
            }
        ]
        assert first.stop_reason == "tool_use"
        sent = lmstudio.chat_requests[-1]
        assert sent["messages"] == [
            {
                "role": "system",
                "content": "You are Claude Code, Anthropic's official CLI for Claude.\n"
                "You are an interactive CLI tool.",
            },
            {
                "role": "user",
                "content": "<system-reminder>Be careful.</system-reminder>What is in README.md?",
            },
        ]
        assert sent["tools"][0]["function"]["parameters"] == READ_TOOL["input_schema"]
        assert "cache_control" not in json.dumps(sent)

        lmstudio.chat_script = reasoning_script(
            ["It is ", "a readme."], ["It describes ", "shim."], form="reasoning"
        )
        result = {
            "type": "tool_result",
            "tool_use_id": "call_r1",
            "content": "# shim\nOllama in front of LM Studio.",
            "cache_control": EPHEMERAL,
        }
        history = [
            *ASK,
            {"role": "assistant", "content": first.blocks},
            {"role": "user", "content": [result]},
        ]
        second = streamed_turn(http, history)
        assert second.blocks == [
            {"type": "thinking", "thinking": "It is a readme."},
            {"type": "text", "text": "It describes shim."},
        ]
        assert second.stop_reason == "end_turn"
        assert second.usage == {"input_tokens": 12, "output_tokens": 4}
        assistant, tool = lmstudio.chat_requests[-1]["messages"][2:]
        assert assistant["tool_calls"][0]["id"] == "call_r1"
        assert (tool["role"], tool["tool_call_id"]) == ("tool", "call_r1")


def test_the_cli_with_an_api_key_sends_x_api_key_which_shim_takes(start_shim) -> None:
    url = start_shim(api_key="sk-local")
    with claude_code(url, **{"x-api-key": "sk-local"}) as http:
        assert streamed_turn(http, ASK).stop_reason == "end_turn"
    with claude_code(url, **{"x-api-key": "wrong"}) as http:
        refused = http.post(PATH, json=turn_body(ASK))
    assert refused.status_code == 401
    assert refused.json()["error"] == {"type": "authentication_error", "message": "unauthorized"}


def test_a_turn_with_no_tools_streams_text_only(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Done", "."])
    with claude_code(shim) as http:
        turn = streamed_turn(http, [{"role": "user", "content": "thanks"}])
    assert turn.blocks == [{"type": "text", "text": "Done."}]
    assert "ping" not in turn.names  # Ollama sends none


def test_claudes_own_model_names_work_once_copied_as_ollamas_docs_advise(
    lmstudio: LMStudioDouble, start_shim
) -> None:
    """anthropic-compatibility.mdx: `ollama cp qwen3-coder claude-3-5-sonnet`, for tools that
    ask for Anthropic's default model names."""
    url = start_shim()
    copied = httpx.post(
        url + "/api/copy", json={"source": MODEL, "destination": "claude-sonnet-4-5"}
    )
    assert copied.status_code == 200
    lmstudio.chat_script = content_script(["Hi"])
    with claude_code(url) as http:
        body = {**turn_body([{"role": "user", "content": "hi"}]), "model": "claude-sonnet-4-5"}
        reply = http.post(PATH, json={**body, "stream": False})
    assert reply.json()["model"] == "claude-sonnet-4-5"
    assert lmstudio.chat_requests[-1]["model"] == MODEL
