"""The LM Studio double's inference and load/unload routes behave as LM Studio's do."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import (
    completion_script,
    content_script,
    error_event,
    reasoning_script,
    tool_call_script,
)

QWEN = "qwen3.6-35b-a3b-mtp"
GEMMA = "google/gemma-4-12b-qat"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
HELLO = [{"role": "user", "content": "hi"}]


def chat(lmstudio: LMStudioDouble, **body: Any) -> httpx.Response:
    return httpx.post(lmstudio.url + "/v1/chat/completions", json={"messages": HELLO, **body})


def streamed(
    lmstudio: LMStudioDouble, path: str = "/v1/chat/completions", **body: Any
) -> list[bytes]:
    request = {"model": QWEN, "messages": HELLO, "stream": True, **body}
    with httpx.stream("POST", lmstudio.url + path, json=request) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return list(response.iter_raw())


def data_lines(raw: bytes) -> list[str]:
    return [line[6:] for line in raw.decode().split("\n\n") if line.startswith("data: ")]


def test_default_stream_is_the_script_and_ends_with_done(lmstudio: LMStudioDouble) -> None:
    raw = b"".join(streamed(lmstudio))
    assert raw == b"".join(lmstudio.chat_script)
    events = data_lines(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "Hello"}
    last = chunks[-2]["choices"][0]
    assert (last["delta"], last["logprobs"], last["finish_reason"]) == ({}, None, "stop")
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}
    assert lmstudio.chat_requests[0]["messages"] == HELLO


def test_split_frames_gives_many_small_reads_of_the_same_bytes(lmstudio: LMStudioDouble) -> None:
    lmstudio.split_frames = True
    reads = streamed(lmstudio)
    assert b"".join(reads) == b"".join(lmstudio.chat_script)
    assert len(reads) > 3 * len(lmstudio.chat_script)
    assert max(len(read) for read in reads) <= 3


def test_completions_stream_and_non_stream(lmstudio: LMStudioDouble) -> None:
    raw = b"".join(streamed(lmstudio, "/v1/completions", prompt="Say"))
    assert raw == b"".join(lmstudio.completion_script)
    lmstudio.completion_script = completion_script(["a", "b"], finish="length", usage=(3, 2))
    reply = httpx.post(lmstudio.url + "/v1/completions", json={"model": QWEN, "prompt": "Say"})
    assert reply.json()["object"] == "text_completion"
    choice = reply.json()["choices"][0]
    assert (choice["text"], choice["finish_reason"]) == ("ab", "length")
    assert reply.json()["usage"]["total_tokens"] == 5
    assert [request["prompt"] for request in lmstudio.completion_requests] == ["Say", "Say"]


def test_reject_answers_the_next_call_only(lmstudio: LMStudioDouble) -> None:
    lmstudio.reject = (503, {"error": "busy"})
    first = chat(lmstudio, model=QWEN, stream=True)
    assert (first.status_code, first.json()) == (503, {"error": "busy"})
    assert chat(lmstudio, model=QWEN).status_code == 200


def test_routes_follow_api_generation_and_token(lmstudio: LMStudioDouble) -> None:
    assert b"".join(streamed(lmstudio, "/api/v0/chat/completions")).endswith(b"[DONE]\n\n")
    lmstudio.api = "v0"
    load = httpx.post(lmstudio.url + "/api/v1/models/load", json={"model": GEMMA})
    assert load.status_code == 200
    assert load.json()["error"].startswith("Unexpected endpoint or method.")
    lmstudio.api = "openai"
    assert httpx.post(lmstudio.url + "/api/v0/chat/completions", json={}).status_code == 404
    lmstudio.required_token = "sk-lm-secret"
    assert chat(lmstudio, model=QWEN).status_code == 401
    assert lmstudio.load_requests == []


def test_missing_messages_is_400(lmstudio: LMStudioDouble) -> None:
    reply = httpx.post(lmstudio.url + "/v1/chat/completions", json={"model": QWEN})
    assert (reply.status_code, reply.json()) == (400, {"error": "'messages' field is required"})


def test_unknown_model_is_400(lmstudio: LMStudioDouble) -> None:
    reply = chat(lmstudio, model="llama3:latest")
    assert reply.status_code == 400
    assert reply.json()["error"] == {
        "message": 'Invalid model identifier "llama3:latest". Please specify a valid downloaded model.',
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


def test_embedding_model_is_404_not_a_llm(lmstudio: LMStudioDouble) -> None:
    reply = chat(lmstudio, model=NOMIC, stream=True)
    assert reply.status_code == 404
    assert (
        reply.json()["error"]["message"]
        == f'Failed to load model "{NOMIC}". Error: Model is not a LLM.'
    )
    assert reply.json()["error"]["code"] == "model_not_found"


def test_jit_loads_an_unloaded_model_once(lmstudio: LMStudioDouble) -> None:
    assert chat(lmstudio, model=GEMMA).status_code == 200
    assert chat(lmstudio, model=GEMMA).status_code == 200
    listing = httpx.get(lmstudio.url + "/api/v1/models").json()["models"]
    gemma = next(model for model in listing if model["key"] == GEMMA)
    assert gemma["loaded_instances"] == [{"id": GEMMA, "config": {"context_length": 4096}}]


def test_load_adds_instances_and_unload_removes_them(lmstudio: LMStudioDouble) -> None:
    def load(**body: Any) -> httpx.Response:
        return httpx.post(lmstudio.url + "/api/v1/models/load", json=body)

    first, second = load(model=GEMMA, context_length=8192), load(model=GEMMA)
    assert first.json() == {
        "type": "llm",
        "instance_id": GEMMA,
        "load_time_seconds": 0.01,
        "status": "loaded",
    }
    assert second.json()["instance_id"] == f"{GEMMA}:2"
    instances = lmstudio.models[1]["loaded_instances"]
    assert [i["config"]["context_length"] for i in instances] == [8192, 4096]
    assert chat(lmstudio, model=f"{GEMMA}:2").status_code == 200
    unload = httpx.post(lmstudio.url + "/api/v1/models/unload", json={"instance_id": GEMMA})
    assert unload.json() == {"instance_id": GEMMA}
    assert [i["id"] for i in lmstudio.models[1]["loaded_instances"]] == [f"{GEMMA}:2"]
    again = httpx.post(lmstudio.url + "/api/v1/models/unload", json={"instance_id": GEMMA})
    assert again.status_code == 404
    assert again.json()["error"]["type"] == "model_not_found"
    assert load(model="nope").status_code == 404
    assert len(lmstudio.load_requests) == 3
    assert len(lmstudio.unload_requests) == 2


def test_instances_do_not_leak_between_tests(lmstudio: LMStudioDouble) -> None:
    assert lmstudio.models[1]["loaded_instances"] == []
    assert len(lmstudio.models[0]["loaded_instances"]) == 1


def test_non_stream_assembles_tool_calls(lmstudio: LMStudioDouble) -> None:
    calls = [("365174485", "get_weather", '{"city": "Paris"}'), ("2", "get_time", "{}")]
    lmstudio.chat_script = tool_call_script(calls, fragment=3)
    message = chat(lmstudio, model=QWEN).json()["choices"][0]["message"]
    assert message["tool_calls"] == [
        {"id": i, "type": "function", "function": {"name": n, "arguments": a}} for i, n, a in calls
    ]
    lmstudio.chat_script = content_script(["Hi", " there"])
    reply = chat(lmstudio, model=QWEN, stream=False).json()
    assert reply["object"] == "chat.completion"
    assert reply["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Hi there",
        "tool_calls": [],
    }
    assert reply["choices"][0]["finish_reason"] == "stop"
    assert reply["usage"]["total_tokens"] == 16


def test_non_stream_assembles_reasoning(lmstudio: LMStudioDouble) -> None:
    lmstudio.chat_script = reasoning_script(["Hm", "m."], ["Yes"], form="reasoning_content")
    message = chat(lmstudio, model=QWEN).json()["choices"][0]["message"]
    assert (message["reasoning_content"], message["content"]) == ("Hmm.", "Yes")
    lmstudio.chat_script = reasoning_script(["Hm"], ["Yes"], form="inline")
    message = chat(lmstudio, model=QWEN).json()["choices"][0]["message"]
    assert message["content"] == "<think>Hm</think>Yes"


def test_client_leaving_mid_stream_sets_disconnected(lmstudio: LMStudioDouble) -> None:
    lmstudio.chat_script = content_script(["x"] * 100)
    lmstudio.chunk_delay_seconds = 0.05
    request = {"model": QWEN, "messages": HELLO, "stream": True}
    with httpx.stream("POST", lmstudio.url + "/v1/chat/completions", json=request) as response:
        reads = response.iter_raw()  # kept referenced: collecting it would close the stream early
        next(reads)
        closed_at = time.monotonic()
    assert lmstudio.disconnected.wait(1.0)
    assert lmstudio.disconnected_at is not None
    assert 0 <= lmstudio.disconnected_at - closed_at < 1.0


def test_finished_stream_is_not_a_disconnect(lmstudio: LMStudioDouble) -> None:
    streamed(lmstudio)
    time.sleep(0.05)
    assert not lmstudio.disconnected.is_set()


def test_truncate_after_ends_without_done(lmstudio: LMStudioDouble) -> None:
    lmstudio.truncate_after = 2
    raw = b"".join(streamed(lmstudio))
    assert raw == b"".join(lmstudio.chat_script[:2])
    assert b"[DONE]" not in raw


def test_mid_stream_error_event_is_sent_verbatim(lmstudio: LMStudioDouble) -> None:
    lmstudio.chat_script = [*content_script(["a"])[:1], error_event("Input does not fit")]
    raw = b"".join(streamed(lmstudio))
    assert raw.endswith(
        b'event: error\ndata: {"error":{"message":"Input does not fit"},"message":"Input does not fit"}\n\n'
    )
