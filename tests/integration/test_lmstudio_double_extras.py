"""The LM Studio double's embeddings, download and header-recording routes."""

from __future__ import annotations

import math
import re
from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble

QWEN = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
GRANITE = "ibm/granite-4-micro"


def post(lmstudio: LMStudioDouble, path: str, **body: Any) -> httpx.Response:
    return httpx.post(lmstudio.url + path, json=body)


def poll(lmstudio: LMStudioDouble, job_id: str) -> httpx.Response:
    return httpx.get(f"{lmstudio.url}/api/v1/models/download/status/{job_id}")


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


def test_last_headers_of_inference_calls_only(lmstudio: LMStudioDouble) -> None:
    headers = {"Authorization": "Bearer client-secret", "X-Trace": "abc"}
    httpx.post(
        lmstudio.url + "/v1/embeddings", json={"model": NOMIC, "input": "a"}, headers=headers
    )
    httpx.get(lmstudio.url + "/api/v1/models", headers={"X-Trace": "listing"})
    assert lmstudio.last_headers["authorization"] == "Bearer client-secret"
    assert lmstudio.last_headers["x-trace"] == "abc"
    lmstudio.required_token = "sk-lm-secret"
    refused = httpx.post(lmstudio.url + "/v1/embeddings", json={"model": NOMIC, "input": "a"})
    assert refused.status_code == 401
    assert "authorization" not in lmstudio.last_headers
