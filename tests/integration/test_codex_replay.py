"""Codex's turn loop against shim's /v1/responses, replayed request by request.

The traffic shape comes from Codex's own source (openai/codex, codex-rs/core/src/client_common.rs
`ResponsesApiRequest`, and the `ResponseItem` items of codex-rs/protocol/src/models.rs): every
request carries the whole history as `input` items (messages with input_text/output_text parts,
reasoning items with their encrypted content, function_call and function_call_output), the
`instructions`, function tools with `strict: false`, `tool_choice: "auto"`,
`parallel_tool_calls: false`, `reasoning` with an effort and a summary, `store: false`,
`stream: true`, `include: ["reasoning.encrypted_content"]` and a `prompt_cache_key`. Codex reads
the stream's `response.output_item.done` items, the text and reasoning-summary deltas, and the
id and usage of `response.completed` (codex-rs/core/src/client.rs `process_sse`).
"""

from typing import Any

import httpx
import msgspec
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, frame, tool_call_script

MODEL = "gpt-oss:20b"
LM_STUDIO_KEY = "qwen3.6-35b-a3b-mtp"
INSTRUCTIONS = "You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI."
SHELL = {
    "type": "function",
    "name": "shell",
    "description": "Runs a shell command and returns its output.",
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {
            "command": {"type": "array", "items": {"type": "string"}},
            "workdir": {"type": "string"},
            "timeout_ms": {"type": "number"},
        },
        "required": ["command"],
        "additionalProperties": False,
    },
}
ENVIRONMENT = "<environment_context>\n  <cwd>/repo</cwd>\n  <sandbox_mode>workspace-write</sandbox_mode>\n</environment_context>"


def user_message(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def codex_request(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "model": MODEL,
        "instructions": INSTRUCTIONS,
        "input": items,
        "tools": [SHELL],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "store": False,
        "stream": True,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "0199a5c4-7c1e-7a52-9d1e-1f0f4c2b8e11",
    }


def events_of(raw: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in raw.split("\n\n")[:-1]:
        name, data = block.split("\n")
        events.append((name.removeprefix("event: "), msgspec.json.decode(data[len("data: ") :])))
    return events


def done_items(events: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """What Codex keeps of a turn: each finished output item, in order."""
    return [data["item"] for name, data in events if name == "response.output_item.done"]


@pytest.fixture
def shim(start_shim) -> str:
    return start_shim(model_aliases={MODEL: LM_STUDIO_KEY})


def test_a_codex_turn_with_a_shell_call_then_its_output(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    history = [user_message(ENVIRONMENT), user_message("List the files here.")]
    thinking = [frame({"choices": [{"index": 0, "delta": {"reasoning": "I should run ls."}}]})]
    lmstudio.chat_script = thinking + tool_call_script(
        [("call_ls", "shell", '{"command": ["ls"]}')]
    )
    with httpx.Client(base_url=shim, timeout=30) as http:
        first = http.post("/v1/responses", json=codex_request(history))
        assert first.headers["content-type"] == "text/event-stream"
        events = events_of(first.text)
        assert events[0][0] == "response.created"
        assert [e for e, _ in events].count("response.reasoning_summary_text.delta") == 1
        reasoning, call = done_items(events)
        assert reasoning["encrypted_content"] == "I should run ls."
        assert (call["type"], call["call_id"], call["name"], call["arguments"]) == (
            "function_call",
            "call_ls",
            "shell",
            '{"command":["ls"]}',
        )
        completed = events[-1][1]["response"]
        assert (events[-1][0], completed["status"]) == ("response.completed", "completed")
        assert completed["id"].startswith("resp_")
        assert completed["usage"]["total_tokens"] == 16
        sent = lmstudio.chat_requests[-1]
        assert [m["role"] for m in sent["messages"]] == ["system", "user", "user"]
        assert sent["tools"][0]["function"]["name"] == "shell"

        # Codex sends the items back as they came, and the command's output after them.
        output = {
            "type": "function_call_output",
            "call_id": "call_ls",
            "output": "README.md\nsrc\n",
        }
        lmstudio.chat_script = content_script(["There are ", "two entries."])
        second = http.post("/v1/responses", json=codex_request([*history, reasoning, call, output]))
    events = events_of(second.text)
    text = "".join(data["delta"] for name, data in events if name == "response.output_text.delta")
    assert text == "There are two entries."
    (message,) = done_items(events)
    assert message["content"][0]["text"] == "There are two entries."
    assistant, tool = lmstudio.chat_requests[-1]["messages"][3:]
    assert assistant["tool_calls"][0]["id"] == "call_ls"
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"command":["ls"]}'
    assert (tool["role"], tool["tool_call_id"], tool["content"]) == (
        "tool",
        "call_ls",
        "README.md\nsrc\n",
    )
