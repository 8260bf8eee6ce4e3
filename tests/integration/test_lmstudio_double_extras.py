"""The LM Studio double's embeddings, download, relay and header-recording routes."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble

QWEN = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
GRANITE = "ibm/granite-4-micro"
RESPONSE_EVENTS = [
    "response.created",
    *["response.output_text.delta"] * 2,
    "response.output_text.done",
    "response.completed",
]
MESSAGE_EVENTS = ["message_start", "content_block_start", *["content_block_delta"] * 2]
MESSAGE_EVENTS += ["content_block_stop", "message_delta", "message_stop"]


def post(lmstudio: LMStudioDouble, path: str, **body: Any) -> httpx.Response:
    return httpx.post(lmstudio.url + path, json=body)


def poll(lmstudio: LMStudioDouble, job_id: str) -> httpx.Response:
    return httpx.get(f"{lmstudio.url}/api/v1/models/download/status/{job_id}")


def events(lmstudio: LMStudioDouble, path: str, **body: Any) -> list[tuple[str, dict[str, Any]]]:
    request = {"model": QWEN, "stream": True, **body}
    with httpx.stream("POST", lmstudio.url + path, json=request) as response:
        assert response.status_code == 200
        raw = response.read().decode()
    assert "[DONE]" not in raw
    pairs = []
    for block in raw.strip().split("\n\n"):
        name, data = block.split("\n")
        pairs.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return pairs


def test_embeddings_are_deterministic_text_dependent_and_not_normalised(
    lmstudio: LMStudioDouble,
) -> None:
    reply = post(lmstudio, "/v1/embeddings", model=NOMIC, input=["hello there", "bye"])
    again = post(lmstudio, "/api/v0/embeddings", model=NOMIC, input="hello there")
    body = reply.json()
    assert (body["object"], body["model"]) == ("list", NOMIC)
    assert body["usage"] == {"prompt_tokens": 3, "total_tokens": 3}
    first, second = (item["embedding"] for item in body["data"])
    assert [item["index"] for item in body["data"]] == [0, 1]
    assert {item["object"] for item in body["data"]} == {"embedding"}
    assert len(first) == 8
    assert first != second
    assert again.json()["data"][0]["embedding"] == first
    assert all(-3 <= value <= 3 for value in first + second)
    assert all(abs(math.hypot(*vector) - 1) > 0.5 for vector in (first, second))
    assert [request["input"] for request in lmstudio.embedding_requests] == [
        ["hello there", "bye"],
        "hello there",
    ]


def test_embeddings_honour_dimensions_and_jit_load(lmstudio: LMStudioDouble) -> None:
    full = post(lmstudio, "/v1/embeddings", model=NOMIC, input="a").json()["data"][0]["embedding"]
    short = post(lmstudio, "/v1/embeddings", model=NOMIC, input="a", dimensions=3).json()
    assert short["data"][0]["embedding"] == full[:3]
    assert lmstudio.models[2]["loaded_instances"][0]["id"] == NOMIC
    lmstudio.embedding_dimensions = 20
    wide = post(lmstudio, "/v1/embeddings", model=NOMIC, input="a").json()["data"][0]
    assert wide["embedding"][:8] == full
    assert len(wide["embedding"]) == 20


@pytest.mark.parametrize("tokens", [[1, 2, 3], [[1, 2], [3]], 7])
def test_embeddings_reject_token_arrays(lmstudio: LMStudioDouble, tokens: object) -> None:
    reply = post(lmstudio, "/v1/embeddings", model=NOMIC, input=tokens)
    assert reply.status_code == 400
    assert reply.json() == {"error": "'input' field must be a string or an array of strings"}


def test_embeddings_refuse_llms_and_unknown_models(lmstudio: LMStudioDouble) -> None:
    llm = post(lmstudio, "/v1/embeddings", model=QWEN, input="x")
    assert llm.status_code == 404
    assert llm.json() == {
        "error": {
            "message": f'Failed to load model "{QWEN}". Error: Model is not embedding.',
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    }
    unknown = post(lmstudio, "/v1/embeddings", model="nope", input="x")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"].startswith('Invalid model identifier "nope".')


def test_download_progresses_to_a_new_model(lmstudio: LMStudioDouble) -> None:
    started = post(lmstudio, "/api/v1/models/download", model=GRANITE).json()
    assert set(started) == {"job_id", "status", "total_size_bytes", "started_at"}
    assert re.fullmatch(r"job_[0-9a-f]{10}", started["job_id"])
    assert (started["status"], started["total_size_bytes"]) == ("downloading", 3_000_000)
    replies = [poll(lmstudio, started["job_id"]).json() for _ in range(3)]
    assert [r["downloaded_bytes"] for r in replies] == [1_000_000, 2_000_000, 3_000_000]
    assert [r["status"] for r in replies] == ["downloading", "downloading", "completed"]
    assert {"bytes_per_second", "estimated_completion", "started_at"} <= set(replies[0])
    assert ["completed_at" in reply for reply in replies] == [False, False, True]
    granite = lmstudio.models[-1]
    assert (granite["key"], granite["type"], granite["size_bytes"]) == (GRANITE, "llm", 3_000_000)
    listing = httpx.get(lmstudio.url + "/v1/models").json()["data"]
    assert GRANITE in [model["id"] for model in listing]
    assert post(lmstudio, "/api/v1/models/download", model=GRANITE).json() == {
        "status": "already_downloaded"
    }
    assert len(lmstudio.download_requests) == 2
    assert lmstudio.status_polls == 3


def test_download_failure_and_unknowns(lmstudio: LMStudioDouble) -> None:
    lmstudio.downloadable["bad/model"] = {"size": 5_000_000, "fail": "Network error"}
    job_id = post(lmstudio, "/api/v1/models/download", model="bad/model").json()["job_id"]
    first, second = poll(lmstudio, job_id).json(), poll(lmstudio, job_id).json()
    assert first["status"] == "downloading"
    assert (second["status"], second["error_message"]) == ("failed", "Network error")
    assert post(lmstudio, "/api/v1/models/download", model=QWEN).json() == {
        "status": "already_downloaded"
    }
    missing = post(lmstudio, "/api/v1/models/download", model="no/such")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "type": "model_not_found",
        "message": 'Model "no/such" not found in the catalog',
    }
    lost = poll(lmstudio, "job_0000000000")
    assert (lost.status_code, lost.json()["error"]["type"]) == (404, "job_not_found")
    assert lmstudio.status_polls == 3


def test_downloads_are_missing_in_v0_mode(lmstudio: LMStudioDouble) -> None:
    lmstudio.api = "v0"
    reply = post(lmstudio, "/api/v1/models/download", model=GRANITE)
    assert reply.status_code == 200
    assert reply.json()["error"].startswith("Unexpected endpoint or method.")
    assert poll(lmstudio, "job_x").json()["error"].startswith("Unexpected endpoint")
    assert lmstudio.download_requests == []


def test_responses_non_stream_and_stream(lmstudio: LMStudioDouble) -> None:
    body = post(lmstudio, "/v1/responses", model=QWEN, input="hi").json()
    assert (body["id"][:5], body["object"]) == ("resp_", "response")
    assert (body["status"], body["model"]) == ("completed", QWEN)
    message = body["output"][0]
    assert message["id"].startswith("msg_")
    assert message["content"] == [{"type": "output_text", "text": "Hello!", "annotations": []}]
    assert body["usage"] == {"input_tokens": 12, "output_tokens": 4, "total_tokens": 16}
    pairs = events(lmstudio, "/v1/responses", input="hi")
    assert [name for name, _ in pairs] == RESPONSE_EVENTS
    assert all(payload["type"] == name for name, payload in pairs)
    assert [payload["delta"] for _, payload in pairs[1:3]] == ["Hel", "lo!"]
    assert pairs[-1][1]["response"]["output"][0]["content"][0]["text"] == "Hello!"
    assert lmstudio.relay_requests[0] == ("/v1/responses", {"model": QWEN, "input": "hi"})


def test_messages_non_stream_and_stream(lmstudio: LMStudioDouble) -> None:
    body = post(lmstudio, "/v1/messages", model=QWEN, max_tokens=9, messages=[]).json()
    assert body["id"].startswith("msg_")
    del body["id"]
    assert body == {
        "type": "message",
        "role": "assistant",
        "model": QWEN,
        "content": [{"type": "text", "text": "Hello!"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 4},
    }
    pairs = events(lmstudio, "/v1/messages", max_tokens=9, messages=[])
    assert [name for name, _ in pairs] == MESSAGE_EVENTS
    assert [payload["delta"]["text"] for _, payload in pairs[2:4]] == ["Hel", "lo!"]
    assert [path for path, _ in lmstudio.relay_requests] == ["/v1/messages"] * 2


def test_relay_streams_use_the_stream_knobs(lmstudio: LMStudioDouble) -> None:
    lmstudio.split_frames = True
    with httpx.stream(
        "POST", lmstudio.url + "/v1/messages", json={"model": QWEN, "stream": True}
    ) as response:
        reads = list(response.iter_raw())
    assert max(len(read) for read in reads) <= 3
    assert b"".join(reads).endswith(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')


def test_relay_refuses_models_as_chat_does(lmstudio: LMStudioDouble) -> None:
    for path in ("/v1/responses", "/v1/messages"):
        unknown = post(lmstudio, path, model="nope", input="x", stream=True)
        assert unknown.status_code == 400
        assert unknown.json()["error"]["code"] == "model_not_found"
        embedding = post(lmstudio, path, model=NOMIC, input="x")
        assert embedding.status_code == 404
        assert embedding.json()["error"]["message"].endswith("Error: Model is not a LLM.")


@pytest.mark.parametrize("api", ["v0", "openai"])
def test_messages_exist_only_in_v1_mode(lmstudio: LMStudioDouble, api: str) -> None:
    lmstudio.api = api
    reply = post(lmstudio, "/v1/messages", model=QWEN, messages=[])
    if api == "v0":
        assert reply.status_code == 200
        assert reply.json()["error"].startswith("Unexpected endpoint or method.")
    else:
        assert reply.status_code == 404
    assert post(lmstudio, "/v1/responses", model=QWEN, input="hi").json()["status"] == "completed"
    assert lmstudio.relay_requests[0][0] == "/v1/responses"


def test_last_headers_of_inference_calls_only(lmstudio: LMStudioDouble) -> None:
    headers = {"Authorization": "Bearer client-secret", "X-Trace": "abc"}
    httpx.post(lmstudio.url + "/v1/responses", json={"model": QWEN}, headers=headers)
    httpx.get(lmstudio.url + "/api/v1/models", headers={"X-Trace": "listing"})
    assert lmstudio.last_headers["authorization"] == "Bearer client-secret"
    assert lmstudio.last_headers["x-trace"] == "abc"
    lmstudio.required_token = "sk-lm-secret"
    refused = httpx.post(lmstudio.url + "/v1/embeddings", json={"model": NOMIC, "input": "a"})
    assert refused.status_code == 401
    assert "authorization" not in lmstudio.last_headers
