"""Replays of Ollama clients we cannot run here: Open WebUI, Continue, OllamaKit and Zed.

Each replay sends what the client sends and reads the answer the way the client's code does
(see /work/shared/reference/ollama-api.md §13 and peers.md §4). The OllamaKit and Zed decoders
below are as strict as the Swift `Decodable` and Rust serde types they stand for: a missing key,
a null or a wrong type where those types are non-optional fails the decode, as it would there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, reasoning_script, tool_call_script
from tests.support.tools import WEATHER

MODEL = "qwen3.6-35b-a3b-mtp"
VISION = "google/gemma-4-12b-qat"
EMBEDDER = "text-embedding-nomic-embed-text-v1.5"
StartShim = Callable[..., str]
HELLO = [{"role": "user", "content": "hello"}]
TWO_CALLS = [("c1", "get_weather", '{"city": "Paris"}'), ("c2", "get_weather", '{"city": "Tokyo"}')]


def ndjson_lines(response: httpx.Response) -> list[dict[str, Any]]:
    """Every line parsed on its own, as Open WebUI, Zed and the python client do: no blanks."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.split("\n")
    assert lines[-1] == "", "the stream ends with a newline"
    return [json.loads(line) for line in lines[:-1]]


def post(shim: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(shim + path, json=body, timeout=10)


# --------------------------------------------------------------------------- Open WebUI


def open_webui_version_key(version: str) -> tuple[int, ...]:
    """routers/ollama.py picks the lowest version among servers with this key."""
    return tuple(map(int, re.sub(r"^v|-.*", "", version).split(".")))


def open_webui_model_id(model: str) -> str:
    return model if ":" in model else f"{model}:latest"


def open_webui_tool_calls(tool_calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """utils/response.py convert_ollama_tool_call_to_openai."""
    converted = []
    for call in tool_calls:
        function = call.get("function", {})
        converted.append(
            {
                "index": call.get("index", function.get("index", 0)),
                "id": call.get("id", "call_made_up_by_open_webui"),
                "type": "function",
                "function": {
                    "name": function.get("name", ""),
                    "arguments": json.dumps(function.get("arguments", {})),
                },
            }
        )
    return converted


def open_webui_usage(data: dict[str, Any]) -> dict[str, Any]:
    """utils/response.py convert_ollama_usage_to_openai (the arithmetic that needs numbers)."""
    eval_duration = data.get("eval_duration", 0)
    prompt_duration = data.get("prompt_eval_duration", 0)
    return {
        "response_token/s": (
            round(data.get("eval_count", 0) / (eval_duration / 10_000_000) * 100, 2)
            if eval_duration > 0
            else "N/A"
        ),
        "prompt_token/s": (
            round(data.get("prompt_eval_count", 0) / (prompt_duration / 10_000_000) * 100, 2)
            if prompt_duration > 0
            else "N/A"
        ),
        "total_duration": data.get("total_duration", 0),
        "load_duration": data.get("load_duration", 0),
        "prompt_tokens": int(data.get("prompt_eval_count", 0)),
        "completion_tokens": int(data.get("eval_count", 0)),
        "total_tokens": int(data.get("prompt_eval_count", 0) + data.get("eval_count", 0)),
        "approximate_total": (lambda s: f"{s // 3600}h{(s % 3600) // 60}m{s % 60}s")(
            (data.get("total_duration", 0) or 0) // 1_000_000_000
        ),
    }


def open_webui_chunk(data: dict[str, Any]) -> dict[str, Any]:
    """utils/response.py convert_streaming_response_ollama_to_openai, for one NDJSON line."""
    message = data.get("message", {})
    tool_calls = message.get("tool_calls")
    return {
        "model": data.get("model", "ollama"),
        "content": message.get("content"),
        "reasoning_content": message.get("thinking"),
        "tool_calls": open_webui_tool_calls(tool_calls) if tool_calls else None,
        "usage": open_webui_usage(data) if data.get("done", False) else None,
    }


def test_open_webui_parses_the_version_as_integers(shim: str) -> None:
    version = httpx.get(shim + "/api/version").json()["version"]
    key = open_webui_version_key(version)
    assert all(isinstance(part, int) for part in key)
    assert key >= (0, 6, 4), "recent enough for every client that checks"


def test_open_webui_keys_models_by_model_and_normalises_bare_names(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    models = {entry["model"]: entry for entry in httpx.get(shim + "/api/tags").json()["models"]}
    for bare in (MODEL, VISION, EMBEDDER):
        assert open_webui_model_id(bare) in models
    post(shim, "/api/chat", {"model": open_webui_model_id(MODEL), "messages": HELLO})
    assert lmstudio.chat_requests[-1]["model"] == MODEL


def test_open_webui_reads_ps_expiry_with_fromisoformat(shim: str) -> None:
    running = httpx.get(shim + "/api/ps").json()["models"]
    assert [entry["model"] for entry in running] == [MODEL + ":latest"]
    expires = datetime.fromisoformat(running[0]["expires_at"])
    assert expires > datetime.now(UTC)


def test_open_webui_converts_a_streamed_chat_line_by_line(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = reasoning_script(
        ["Let me ", "see."], ["Hel", "lo"], form="reasoning_content", usage=(30, 5)
    )
    lines = ndjson_lines(post(shim, "/api/chat", {"model": MODEL, "messages": HELLO}))
    chunks = [open_webui_chunk(line) for line in lines]
    assert "".join(c["reasoning_content"] or "" for c in chunks) == "Let me see."
    assert "".join(c["content"] or "" for c in chunks) == "Hello"
    assert all(c["usage"] is None for c in chunks[:-1])
    usage = chunks[-1]["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (
        30,
        5,
        35,
    )
    assert isinstance(usage["response_token/s"], float)
    assert isinstance(usage["prompt_token/s"], float)
    assert all(isinstance(usage[k], int) for k in ("total_duration", "load_duration"))


def test_open_webui_converts_parallel_tool_calls_with_their_index(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CALLS, fragment=4)
    body = {"model": MODEL, "messages": HELLO, "tools": [WEATHER]}
    chunks = [open_webui_chunk(line) for line in ndjson_lines(post(shim, "/api/chat", body))]
    calls = [call for chunk in chunks for call in chunk["tool_calls"] or []]
    assert [call["index"] for call in calls] == [0, 1], "index inside function (PR #15825)"
    assert [call["id"] for call in calls] == ["c1", "c2"]
    assert [json.loads(call["function"]["arguments"]) for call in calls] == [
        {"city": "Paris"},
        {"city": "Tokyo"},
    ]


def test_open_webui_converts_a_whole_answer(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Hi", " there"], usage=(7, 2))
    response = post(shim, "/api/chat", {"model": MODEL, "messages": HELLO, "stream": False})
    converted = open_webui_chunk(response.json())
    assert converted["content"] == "Hi there"
    assert converted["usage"]["total_tokens"] == 9


def test_open_webui_unloads_with_an_empty_prompt(lmstudio: LMStudioDouble, shim: str) -> None:
    response = post(shim, "/api/generate", {"model": MODEL, "keep_alive": 0, "prompt": ""})
    assert response.status_code == 200
    (answer,) = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert (answer["done"], answer["done_reason"], answer["response"]) == (True, "unload", "")
    assert lmstudio.unload_requests == [{"instance_id": MODEL}]
    assert httpx.get(shim + "/api/ps").json()["models"] == []


# ---------------------------------------------------------------------------- Continue

CONTINUE_PARAMETER = re.compile(r"^(\S+)\s+((?:\".*\")|\S+)$")


def continue_show(shim: str, model: str) -> dict[str, Any]:
    """core/llm/llms/Ollama.ts constructor: what it learns from /api/show {"name": model}.

    A parameters line the regex misses makes `parts.length` throw, which abandons the rest,
    FIM detection included: that is an error here too.
    """
    response = post(shim, "/api/show", {"name": model})
    assert response.status_code == 200, response.text
    body = response.json()
    learned: dict[str, Any] = {"context_length": None, "stop": []}
    parameters = body.get("parameters")
    for line in parameters.split("\n") if parameters else []:
        parts = CONTINUE_PARAMETER.match(line)
        assert parts is not None, f"Continue cannot parse the parameters line {line!r}"
        key, value = parts.group(1), parts.group(2)
        if key == "num_ctx":
            learned["context_length"] = int(value)
        elif key == "stop":
            try:
                learned["stop"].append(json.loads(value))
            except json.JSONDecodeError:
                learned["unparsed_stop"] = value  # Continue only warns, and reads on
    template = body.get("template")
    learned["fim"] = isinstance(template, str) and ".Suffix" in template
    learned["template"] = template
    return learned


def test_continue_learns_the_loaded_window_from_show_by_name(shim: str) -> None:
    learned = continue_show(shim, MODEL)
    assert learned["context_length"] == 32768
    assert isinstance(learned["template"], str)
    assert learned["fim"] is False, "no FIM template, so Continue will not send suffix"


def test_continue_show_of_an_unloaded_model_leaves_its_default_window(shim: str) -> None:
    learned = continue_show(shim, VISION)
    assert learned["context_length"] is None
    assert isinstance(learned["template"], str)


def test_continue_reads_an_aliases_stop_words_back(shim: str) -> None:
    stops = ["\n\n", 'say "hi"', "<|im_end|>"]
    created = post(
        shim,
        "/api/create",
        {
            "model": "coder",
            "from": MODEL,
            "stream": False,
            "parameters": {"stop": stops, "num_ctx": 8192},
        },
    )
    assert created.status_code == 200, created.text
    learned = continue_show(shim, "coder")
    assert learned["context_length"] == 8192
    assert learned["stop"] == stops


def test_continue_chat_options_are_accepted_and_keep_alive_is_a_ttl(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = reasoning_script(["hmm"], ["Hel", "lo"], form="reasoning")
    body = {
        "model": MODEL,
        "messages": [{"role": "system", "content": "be brief"}, *HELLO],
        "options": {
            "temperature": 0.3,
            "top_p": 0.9,
            "top_k": 40,
            "num_predict": 256,
            "num_ctx": 32768,
            "mirostat": 0,
            "num_thread": 8,
            "use_mmap": True,
            "min_p": 0.05,
        },
        "think": True,
        "keep_alive": 1800,
        "stream": True,
    }
    lines = ndjson_lines(post(shim, "/api/chat", body))
    assert all(line["message"]["role"] == "assistant" for line in lines)
    assert all(isinstance(line["message"]["content"], str) for line in lines)
    assert "".join(line["message"]["content"] for line in lines) == "Hello"
    assert "".join(line["message"].get("thinking", "") for line in lines) == "hmm"
    sent = lmstudio.chat_requests[-1]
    assert sent["ttl"] == 1800
    assert (sent["temperature"], sent["top_k"], sent["max_tokens"]) == (0.3, 40, 256)
    assert not {"num_thread", "use_mmap", "mirostat", "num_ctx"} & sent.keys()


def test_continue_tool_calls_come_whole_without_streaming(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CALLS)
    body = {
        "model": MODEL,
        "messages": HELLO,
        "tools": [WEATHER],
        "stream": False,
        "keep_alive": 1800,
    }
    message = post(shim, "/api/chat", body).json()["message"]
    assert message["role"] == "assistant"
    converted = [
        (call["function"]["name"], json.dumps(call["function"]["arguments"]))
        for call in message["tool_calls"]
    ]
    assert converted == [
        ("get_weather", '{"city": "Paris"}'),
        ("get_weather", '{"city": "Tokyo"}'),
    ]


def test_continue_autocomplete_sends_a_raw_prompt(lmstudio: LMStudioDouble, shim: str) -> None:
    body = {
        "model": MODEL,
        "prompt": "<|fim_prefix|>def add(a, b):\n    ",
        "raw": True,
        "options": {"temperature": 0.01, "num_predict": 64, "num_ctx": 32768, "num_thread": 4},
        "keep_alive": 1800,
        "stream": True,
    }
    lines = ndjson_lines(post(shim, "/api/generate", body))
    assert "".join(line["response"] for line in lines) == "Hello!"
    sent = lmstudio.completion_requests[-1]
    assert sent["prompt"] == body["prompt"], "raw: the prompt reaches LM Studio untouched"
    assert sent["ttl"] == 1800


def test_continue_embeds_a_batch(lmstudio: LMStudioDouble, shim: str) -> None:
    response = post(shim, "/api/embed", {"model": EMBEDDER, "input": ["def a(): ...", "b = 1"]})
    embeddings = response.json()["embeddings"]
    assert len(embeddings) == 2
    assert all(len(vector) == lmstudio.embedding_dimensions for vector in embeddings)


# ---------------------------------------------------------------------------- OllamaKit


class Undecodable(AssertionError):
    """What Swift's JSONDecoder would throw."""


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SWIFT_ROLES = {"system", "assistant", "user"}  # OKChatResponse.Message.Role, a plain enum


def _required(obj: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise Undecodable(f"{where}: expected an object, got {obj!r}")
    if key not in obj:
        raise Undecodable(f"{where}: keyNotFound {key!r}")
    if obj[key] is None:
        raise Undecodable(f"{where}: valueNotFound {key!r} (null for a non-optional)")
    return obj[key]


def swift_string(obj: dict[str, Any], key: str, where: str) -> str:
    value = _required(obj, key, where)
    if not isinstance(value, str):
        raise Undecodable(f"{where}.{key}: typeMismatch String, got {value!r}")
    return value


def swift_int(obj: dict[str, Any], key: str, where: str) -> int:
    value = _required(obj, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Undecodable(f"{where}.{key}: typeMismatch Int, got {value!r}")
    return value


def swift_bool(obj: dict[str, Any], key: str, where: str) -> bool:
    value = _required(obj, key, where)
    if not isinstance(value, bool):
        raise Undecodable(f"{where}.{key}: typeMismatch Bool, got {value!r}")
    return value


def swift_date(obj: dict[str, Any], key: str, where: str) -> datetime:
    """ISO8601DateFormatter with .withInternetDateTime, with or without fractional seconds."""
    value = swift_string(obj, key, where)
    if not RFC3339.match(value):
        raise Undecodable(f"{where}.{key}: Cannot decode date string {value!r}")
    return datetime.fromisoformat(value)


def swift_optional(
    decode: Callable[[dict[str, Any], str, str], Any], obj: dict[str, Any], key: str, where: str
) -> Any:
    if obj.get(key) is None:
        return None
    return decode(obj, key, where)


def swift_string_list(obj: dict[str, Any], key: str, where: str) -> list[str]:
    value = _required(obj, key, where)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Undecodable(f"{where}.{key}: typeMismatch [String], got {value!r}")
    return value


def ok_details(model: dict[str, Any], where: str) -> None:
    """OKModelResponse.Model.ModelDetails."""
    details = _required(model, "details", where)
    for key in ("format", "family", "parameter_size", "quantization_level"):
        swift_string(details, key, f"{where}.details")
    swift_optional(swift_string_list, details, "families", f"{where}.details")


def ok_models(body: dict[str, Any]) -> list[str]:
    """OKModelResponse, from GET /api/tags."""
    names = []
    for n, model in enumerate(_required(body, "models", "OKModelResponse")):
        where = f"models[{n}]"
        names.append(swift_string(model, "name", where))
        swift_string(model, "digest", where)
        swift_int(model, "size", where)
        swift_date(model, "modified_at", where)
        ok_details(model, where)
    return names


def ok_running_models(body: dict[str, Any]) -> list[str]:
    """GET /api/ps decoded by the same rules (OllamaKit has no type for it; its apps add one)."""
    names = []
    for n, model in enumerate(_required(body, "models", "ps")):
        where = f"ps.models[{n}]"
        names.append(swift_string(model, "name", where))
        swift_string(model, "model", where)
        swift_string(model, "digest", where)
        swift_int(model, "size", where)
        swift_int(model, "size_vram", where)
        swift_date(model, "expires_at", where)
        ok_details(model, where)
    return names


def ok_model_info(body: dict[str, Any]) -> None:
    """OKModelInfoResponse: four non-optional Strings, from POST /api/show."""
    for key in ("license", "template", "modelfile", "parameters"):
        swift_string(body, key, "OKModelInfoResponse")


def ok_metrics(body: dict[str, Any], where: str) -> None:
    swift_bool(body, "done", where)
    swift_optional(swift_string, body, "done_reason", where)
    for key in (
        "total_duration",
        "load_duration",
        "prompt_eval_count",
        "prompt_eval_duration",
        "eval_count",
        "eval_duration",
    ):
        swift_optional(swift_int, body, key, where)


def ok_json_value(value: Any, where: str) -> None:
    """OKJSONValue: string, number, bool, array or object; null only where optional."""
    if value is None:
        raise Undecodable(f"{where}: Unsupported JSON value null")
    if isinstance(value, list):
        for item in value:
            ok_json_value(item, where)
    elif isinstance(value, dict):
        for item in value.values():
            ok_json_value(item, where)


def ok_chat(body: dict[str, Any]) -> tuple[str, list[tuple[str | None, Any]]]:
    """OKChatResponse: the content and tool calls of one decoded chunk."""
    where = "OKChatResponse"
    swift_string(body, "model", where)
    swift_date(body, "created_at", where)
    ok_metrics(body, where)
    message = body.get("message")
    if message is None:
        return "", []
    role = swift_string(message, "role", f"{where}.message")
    if role not in SWIFT_ROLES:
        raise Undecodable(f"{where}.message.role: cannot initialize Role from {role!r}")
    content = swift_string(message, "content", f"{where}.message")
    calls: list[tuple[str | None, Any]] = []
    for n, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") if isinstance(call, dict) else None
        if function is None:
            calls.append((None, None))
            continue
        name = swift_optional(swift_string, function, "name", f"tool_calls[{n}].function")
        if function.get("arguments") is not None:
            ok_json_value(function["arguments"], f"tool_calls[{n}].function.arguments")
        calls.append((name, function.get("arguments")))
    return content, calls


def ok_generate(body: dict[str, Any]) -> str:
    """OKGenerateResponse: the text of one decoded chunk."""
    where = "OKGenerateResponse"
    swift_string(body, "model", where)
    swift_date(body, "created_at", where)
    text = swift_string(body, "response", where)
    context = body.get("context")
    if context is not None and not all(
        isinstance(token, int) and not isinstance(token, bool) for token in context
    ):
        raise Undecodable(f"{where}.context: typeMismatch [Int]")
    ok_metrics(body, where)
    return text


def ok_stream_objects(raw: bytes) -> Iterator[dict[str, Any]]:
    """OKHTTPClient.extractNextJSON: brace matching over the bytes, newlines or not."""
    depth, start, in_string, escaped = 0, 0, False, False
    for index, byte in enumerate(raw):
        char = chr(byte)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        elif not in_string and char == "{":
            depth += 1
            if depth == 1:
                start = index
        elif not in_string and char == "}":
            depth -= 1
            if depth == 0:
                yield json.loads(raw[start : index + 1])


def test_the_strict_decoders_reject_what_swift_and_serde_reject() -> None:
    entry: dict[str, Any] = {
        "name": "m:latest",
        "digest": "0" * 64,
        "size": 1,
        "modified_at": "2025-05-04T17:37:44.706015396-07:00",
        "details": {
            "format": "gguf",
            "family": "llama",
            "parameter_size": "3B",
            "quantization_level": "Q4_K_M",
        },
    }
    assert ok_models({"models": [entry]}) == ["m:latest"]
    assert zed_listing({"models": [entry]}) == ["m:latest"]
    broken = [
        {k: v for k, v in entry.items() if k != "digest"},
        {**entry, "size": "1"},
        {**entry, "modified_at": "2025-05-04 17:37:44"},
        {**entry, "details": {**entry["details"], "family": None}},
    ]
    for model in broken:
        with pytest.raises(Undecodable):
            ok_models({"models": [model]})
    with pytest.raises(Undecodable):
        zed_listing({"models": [{**entry, "size": -1}]})
    chunk = {"model": "m", "created_at": "2025-07-07T20:22:19.1Z", "done": False}
    with pytest.raises(Undecodable):
        ok_chat({**chunk, "message": {"role": "tool", "content": ""}})
    with pytest.raises(Undecodable):
        zed_chat({**chunk, "message": {"role": "assistant"}})
    with pytest.raises(Undecodable):
        ok_model_info({"template": "", "modelfile": "", "parameters": ""})


@pytest.mark.parametrize("api", ["v1", "v0", "openai"])
def test_ollamakit_decodes_the_model_list(
    lmstudio: LMStudioDouble, start_shim: StartShim, api: str
) -> None:
    lmstudio.api = api
    shim = start_shim()
    assert httpx.head(shim + "/").status_code == 200, "OllamaKit.reachable() sends HEAD /"
    names = ok_models(httpx.get(shim + "/api/tags").json())
    assert names == [MODEL + ":latest", VISION + ":latest", EMBEDDER + ":latest"]


def test_ollamakit_decodes_running_models(shim: str) -> None:
    assert ok_running_models(httpx.get(shim + "/api/ps").json()) == [MODEL + ":latest"]


@pytest.mark.parametrize(
    ("api", "model"), [("v1", MODEL), ("v1", VISION), ("openai", MODEL)], ids=str
)
def test_ollamakit_decodes_model_info(
    lmstudio: LMStudioDouble, start_shim: StartShim, api: str, model: str
) -> None:
    lmstudio.api = api
    response = post(start_shim(), "/api/show", {"model": model})
    assert response.status_code == 200
    ok_model_info(response.json())


@pytest.mark.parametrize("api", ["v1", "openai"])
def test_ollamakit_decodes_streamed_and_whole_chats(
    lmstudio: LMStudioDouble, start_shim: StartShim, api: str
) -> None:
    lmstudio.api = api
    shim = start_shim()
    lmstudio.chat_script = reasoning_script(["hm"], ["Hel", "lo"], form="reasoning_content")
    streamed = post(shim, "/api/chat", {"model": MODEL, "messages": HELLO, "stream": True})
    decoded = [ok_chat(chunk) for chunk in ok_stream_objects(streamed.content)]
    assert "".join(content for content, _ in decoded) == "Hello"
    whole = post(shim, "/api/chat", {"model": MODEL, "messages": HELLO, "stream": False})
    assert ok_chat(whole.json())[0] == "Hello"


def test_ollamakit_decodes_tool_calls(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CALLS)
    body = {"model": MODEL, "messages": HELLO, "tools": [WEATHER]}
    streamed = post(shim, "/api/chat", body)
    calls = [call for chunk in ok_stream_objects(streamed.content) for call in ok_chat(chunk)[1]]
    assert calls == [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"})]


@pytest.mark.parametrize("api", ["v1", "openai"])
def test_ollamakit_decodes_generate(
    lmstudio: LMStudioDouble, start_shim: StartShim, api: str
) -> None:
    lmstudio.api = api
    shim = start_shim()
    streamed = post(shim, "/api/generate", {"model": MODEL, "prompt": "hi"})
    assert "".join(ok_generate(chunk) for chunk in ok_stream_objects(streamed.content)) == "Hello!"
    whole = post(shim, "/api/generate", {"model": MODEL, "prompt": "hi", "stream": False})
    assert ok_generate(whole.json()) == "Hello!"


def test_ollamakit_decodes_legacy_embeddings(lmstudio: LMStudioDouble, shim: str) -> None:
    """OKEmbeddingsResponse: `embedding: [Double]?` from POST /api/embeddings."""
    body = post(shim, "/api/embeddings", {"model": EMBEDDER, "prompt": "hello"}).json()
    vector = body["embedding"]
    assert len(vector) == lmstudio.embedding_dimensions
    assert all(isinstance(x, float | int) and not isinstance(x, bool) for x in vector)


# --------------------------------------------------------------------------------- Zed

ZED_ROLES = {"assistant", "user", "system", "tool"}  # ChatMessage, #[serde(tag = "role")]


def zed_u64(obj: dict[str, Any], key: str, where: str) -> int:
    value = swift_int(obj, key, where)
    if value < 0:
        raise Undecodable(f"{where}.{key}: invalid value {value}, expected u64")
    return value


def zed_listing(body: dict[str, Any]) -> list[str]:
    """LocalModelsResponse / LocalModelListing / ModelDetails in crates/ollama."""
    names = []
    for n, model in enumerate(_required(body, "models", "LocalModelsResponse")):
        where = f"models[{n}]"
        names.append(swift_string(model, "name", where))
        swift_string(model, "modified_at", where)
        zed_u64(model, "size", where)
        swift_string(model, "digest", where)
        ok_details(model, where)
    return names


def zed_chat(body: dict[str, Any]) -> tuple[str, str | None, list[tuple[str, Any]]]:
    """ChatResponseDelta: content, thinking and tool calls of one line."""
    where = "ChatResponseDelta"
    swift_string(body, "model", where)
    swift_string(body, "created_at", where)
    swift_bool(body, "done", where)
    swift_optional(swift_string, body, "done_reason", where)
    for key in ("prompt_eval_count", "eval_count"):
        swift_optional(zed_u64, body, key, where)
    message = _required(body, "message", where)
    role = swift_string(message, "role", f"{where}.message")
    if role not in ZED_ROLES:
        raise Undecodable(f"{where}.message: unknown variant {role!r}")
    content = swift_string(message, "content", f"{where}.message")
    thinking = swift_optional(swift_string, message, "thinking", f"{where}.message")
    calls = []
    for n, call in enumerate(message.get("tool_calls") or []):
        where_call = f"{where}.message.tool_calls[{n}]"
        swift_optional(swift_string, call, "id", where_call)
        function = _required(call, "function", where_call)
        name = swift_string(function, "name", f"{where_call}.function")
        calls.append((name, _required(function, "arguments", f"{where_call}.function")))
    return content, thinking, calls


@pytest.mark.parametrize("api", ["v1", "openai"])
def test_zed_decodes_the_model_list(
    lmstudio: LMStudioDouble, start_shim: StartShim, api: str
) -> None:
    lmstudio.api = api
    names = zed_listing(httpx.get(start_shim() + "/api/tags").json())
    assert names[0] == MODEL + ":latest"


def test_zed_reads_capabilities_from_show(shim: str) -> None:
    capabilities = post(shim, "/api/show", {"model": MODEL + ":latest"}).json()["capabilities"]
    assert {"tools", "thinking"} <= set(capabilities)
    vision = post(shim, "/api/show", {"model": VISION + ":latest"}).json()["capabilities"]
    assert "vision" in vision


def test_zed_streams_a_thinking_chat_kept_alive_forever(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = reasoning_script(["hm"], ["Hel", "lo"], form="reasoning")
    body = {
        "model": MODEL + ":latest",
        "messages": HELLO,
        "stream": True,
        "keep_alive": -1,
        "options": {"num_ctx": 16384, "temperature": 0.5},
        "tools": [],
        "think": True,
    }
    decoded = [zed_chat(line) for line in ndjson_lines(post(shim, "/api/chat", body))]
    assert "".join(content for content, _, _ in decoded) == "Hello"
    assert "".join(thinking or "" for _, thinking, _ in decoded) == "hm"
    assert "ttl" not in lmstudio.chat_requests[-1], "forever: no idle TTL for LM Studio"


def test_zed_decodes_tool_calls_with_or_without_streaming(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = tool_call_script(TWO_CALLS)
    body = {"model": MODEL, "messages": HELLO, "tools": [WEATHER], "keep_alive": -1}
    whole = zed_chat(post(shim, "/api/chat", {**body, "stream": False}).json())
    streamed = [zed_chat(line) for line in ndjson_lines(post(shim, "/api/chat", body))]
    expected = [("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Tokyo"})]
    assert whole[2] == expected
    assert [call for _, _, calls in streamed for call in calls] == expected
