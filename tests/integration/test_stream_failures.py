"""Failures before the first byte get a status; after it, one final error line; disconnects cancel."""

import json
import time

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port
from tests.support.sse_scripts import content_script, data_error, error_event

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]
BODY = {"model": MODEL, "messages": HELLO}


def lines_of(response: httpx.Response) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in response.text.splitlines()]


def test_unknown_model_is_404_before_streaming(shim: str) -> None:
    response = httpx.post(shim + "/api/chat", json={**BODY, "model": "nope"})
    assert (response.status_code, response.json()) == (404, {"error": "model 'nope' not found"})


def test_embedding_model_cannot_chat(shim: str) -> None:
    response = httpx.post(
        shim + "/api/chat", json={**BODY, "model": "text-embedding-nomic-embed-text-v1.5"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": '"text-embedding-nomic-embed-text-v1.5" does not support chat'
    }


def test_lm_studio_refusal_keeps_its_status_and_message(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    message = "Input does not fit in context length. The input has 31430 tokens."
    lmstudio.reject = (400, {"error": {"message": message, "type": "invalid_request_error"}})
    response = httpx.post(shim + "/api/chat", json=BODY)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_lm_studio_crash_before_streaming_is_502(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.reject = (500, {"error": "engine crashed"})
    response = httpx.post(shim + "/api/chat", json=BODY)
    assert response.status_code == 502
    assert "engine crashed" in response.json()["error"]


def test_unreachable_lm_studio_is_503(start_shim) -> None:
    url = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}", backend="lmstudio")
    assert httpx.post(url + "/api/chat", json=BODY).status_code == 503


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (error_event("Context length exceeded"), "LM Studio: Context length exceeded"),
        (data_error("model crashed"), "LM Studio: model crashed"),
    ],
)
def test_error_after_first_byte_is_one_final_line(
    lmstudio: LMStudioDouble, shim: str, tail: bytes, message: str
) -> None:
    lmstudio.chat_script = [*content_script(["partial"])[:2], tail]
    response = httpx.post(shim + "/api/chat", json=BODY)
    assert response.status_code == 200
    lines = lines_of(response)
    assert lines[0]["message"]["content"] == "partial"
    assert lines[-1] == {"error": message}
    assert not any(line.get("done") for line in lines)
    with pytest.raises(ollama.ResponseError, match=r"Context length|model crashed"):
        list(ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True))


def test_truncated_stream_is_an_error_not_a_done(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"])
    lmstudio.truncate_after = 2
    lines = lines_of(httpx.post(shim + "/api/chat", json=BODY))
    assert lines[-1] == {"error": "LM Studio closed the stream before finishing the answer"}


def test_connection_dropped_mid_stream_is_a_final_error_line(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"])
    lmstudio.abort_after = 2
    lines = lines_of(httpx.post(shim + "/api/chat", json=BODY))
    assert lines[0]["message"]["content"] == "a"
    assert lines[-1]["error"].startswith("LM Studio failed on /v1/chat/completions")


def test_failure_without_streaming_is_a_status(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = [*content_script(["partial"])[:2], error_event("boom")]
    response = httpx.post(shim + "/api/chat", json={**BODY, "stream": False})
    assert (response.status_code, response.json()) == (502, {"error": "LM Studio: boom"})


def test_stalled_stream_ends_with_a_timeout_line(lmstudio: LMStudioDouble, start_shim) -> None:
    url = start_shim(read_timeout_seconds=0.5)
    lmstudio.chat_script = content_script(["a", "b", "c", "d"])
    lmstudio.chunk_delay_seconds = 0.2
    first = httpx.post(url + "/api/chat", json=BODY)
    assert lines_of(first)[-1]["done"] is True
    lmstudio.chunk_delay_seconds = 1.0
    started = time.monotonic()
    response = httpx.post(url + "/api/chat", json=BODY)
    assert time.monotonic() - started < 3
    assert "in time" in (
        response.json()["error"] if response.status_code != 200 else lines_of(response)[-1]["error"]
    )


def test_disconnect_cancels_lm_studio_within_a_second(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    with httpx.Client() as client, client.stream("POST", shim + "/api/chat", json=BODY) as response:
        lines = response.iter_lines()
        next(lines)
        next(lines)
        left_at = time.monotonic()
    assert lmstudio.disconnected.wait(timeout=2)
    assert lmstudio.disconnected_at is not None
    assert lmstudio.disconnected_at - left_at < 1.0


def test_disconnect_is_logged(lmstudio: LMStudioDouble, shim: str, log_capture) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    with (
        httpx.Client() as client,
        client.stream(
            "POST", shim + "/api/chat", json=BODY, headers={"x-request-id": "gone-1"}
        ) as response,
    ):
        next(response.iter_lines())
    assert lmstudio.disconnected.wait(timeout=2)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if any(
            r["event"] == "stream.client_disconnected" for r in log_capture.for_request("gone-1")
        ):
            break
        time.sleep(0.05)
    assert [
        r["event"] for r in log_capture.for_request("gone-1") if r["event"].startswith("stream.")
    ] == ["stream.client_disconnected"]


def test_a_full_queue_answers_busy_like_ollama(lmstudio: LMStudioDouble, start_shim) -> None:
    url = start_shim(max_concurrent_requests=1, max_queue=0)
    lmstudio.chat_script = content_script([f"t{i}" for i in range(20)])
    lmstudio.chunk_delay_seconds = 0.05
    with httpx.Client() as client, client.stream("POST", url + "/api/chat", json=BODY) as streaming:
        lines = streaming.iter_lines()  # kept: a dropped iterator closes the response
        next(lines)
        busy = httpx.post(url + "/api/chat", json=BODY)
        openai_busy = httpx.post(url + "/v1/chat/completions", json=BODY)
    assert (busy.status_code, busy.json()) == (
        503,
        {"error": "server busy, please try again.  maximum pending requests exceeded"},
    )
    assert openai_busy.status_code == 503
    lmstudio.chunk_delay_seconds = 0
    assert httpx.post(url + "/api/chat", json={**BODY, "stream": False}).status_code == 200, (
        "the slot came back"
    )
