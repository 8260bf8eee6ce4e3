"""Failures on /v1 as the official `openai` client sees them: its exception types, carrying
Ollama's texts in OpenAI's envelope (openai.go `NewError`); after the first byte, one SSE error
event that the client raises on; a client that leaves cancels LM Studio's request."""

import time
from typing import Any

import httpx
import openai
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.openai_sdk import client, envelope
from tests.support.servers import free_port
from tests.support.sse_scripts import content_script, data_error, error_event

MODEL = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def chat_error(url: str, **body: Any) -> openai.APIStatusError:
    asked: dict[str, Any] = {"model": MODEL, "messages": HELLO, **body}
    with pytest.raises(openai.APIStatusError) as raised:
        client(url).chat.completions.create(**asked)
    return raised.value


@pytest.mark.parametrize("name", [MODEL, MODEL + ":latest", "QWEN3.6-35B-A3B-MTP"])
def test_any_name_shim_knows_reaches_lm_studio_as_its_key(
    lmstudio: LMStudioDouble, shim: str, name: str
) -> None:
    completion = client(shim).chat.completions.create(model=name, messages=HELLO)  # type: ignore[arg-type]
    assert completion.model == name
    assert lmstudio.chat_requests[-1]["model"] == MODEL


def test_an_unknown_model_is_a_not_found_error(shim: str) -> None:
    error = chat_error(shim, model="missing")
    assert isinstance(error, openai.NotFoundError)
    assert error.body == envelope("model 'missing' not found", "not_found_error")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": []}, "[] is too short - 'messages'"),
        ({"model": ""}, "model is required"),
        ({"reasoning_effort": "extreme"}, 'invalid reasoning value: "extreme" (must be'),
        ({"top_logprobs": 42}, "top_logprobs must be between 0 and 20"),
        ({"model": NOMIC}, f'"{NOMIC}" does not support chat'),
        (
            {"messages": [{"role": "user", "content": 2}]},
            "invalid message content type: float64",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}
                        ],
                    }
                ]
            },
            "image URLs are not currently supported, please use base64 encoded data instead",
        ),
    ],
)
def test_bad_requests_are_bad_request_errors_in_ollamas_words(
    shim: str, body: dict[str, Any], message: str
) -> None:
    error = chat_error(shim, **body)
    assert isinstance(error, openai.BadRequestError)
    assert error.body["type"] == "invalid_request_error"  # type: ignore[index]
    assert error.body["message"].startswith(message)  # type: ignore[index]


def test_invalid_json_is_a_400_in_openais_envelope(shim: str) -> None:
    response = httpx.post(shim + "/v1/chat/completions", content=b"{oops")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_lm_studio_refusing_the_request_passes_its_status_and_words_on(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.reject = (422, {"error": "'messages' must not be empty"})
    error = chat_error(shim)
    assert isinstance(error, openai.UnprocessableEntityError)
    assert "'messages' must not be empty" in error.body["message"]  # type: ignore[index]


def test_unreachable_lm_studio_is_a_503_api_error(start_shim) -> None:
    url = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}")
    error = chat_error(url)
    assert isinstance(error, openai.InternalServerError)
    assert error.status_code == 503
    assert error.body["type"] == "api_error"  # type: ignore[index]
    assert error.body["message"].startswith("cannot reach LM Studio at")  # type: ignore[index]


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (error_event("Model has crashed"), "LM Studio: Model has crashed"),
        (data_error("out of memory"), "LM Studio: out of memory"),
    ],
)
def test_a_failure_mid_stream_is_one_last_error_event_the_client_raises(
    lmstudio: LMStudioDouble, shim: str, tail: bytes, message: str
) -> None:
    lmstudio.chat_script = [*content_script(["Hel", "lo"])[:2], tail]
    raw = httpx.post(
        shim + "/v1/chat/completions", json={"model": MODEL, "messages": HELLO, "stream": True}
    )
    assert raw.status_code == 200
    *_, last = raw.content.decode().removesuffix("\n\n").split("\n\n")
    assert last == (
        'data: {"error":{"message":"' + message + '","type":"api_error","param":null,"code":null}}'
    )
    assert b"[DONE]" not in raw.content
    stream = client(shim).chat.completions.create(model=MODEL, messages=HELLO, stream=True)  # type: ignore[arg-type]
    seen: list[str | None] = []

    def read_all() -> None:
        seen.extend(chunk.choices[0].delta.content for chunk in stream)

    with pytest.raises(openai.APIError) as raised:
        read_all()
    assert seen == ["Hel", "lo"]
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("knob", "message"),
    [
        ("truncate_after", "LM Studio closed the stream before finishing the answer"),
        ("abort_after", "LM Studio failed on /v1/chat/completions"),
    ],
)
def test_a_stream_lm_studio_leaves_unfinished_ends_with_an_error_event(
    lmstudio: LMStudioDouble, shim: str, knob: str, message: str
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"])
    setattr(lmstudio, knob, 2)
    body = {"model": MODEL, "messages": HELLO, "stream": True}
    events = httpx.post(shim + "/v1/chat/completions", json=body).text.split("\n\n")
    assert events[0].startswith('data: {"id":"chatcmpl-')
    assert events[-2].startswith('data: {"error":{"message":"' + message)
    assert events[-1] == ""


def test_a_failure_without_a_stream_is_a_502(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = [*content_script(["partial"])[:2], error_event("boom")]
    error = chat_error(shim)
    assert error.status_code == 502
    assert error.body == envelope("LM Studio: boom", "api_error")


def test_a_full_queue_is_503_busy_in_ollamas_words(lmstudio: LMStudioDouble, start_shim) -> None:
    url = start_shim(max_concurrent_requests=1, max_queue=0)
    lmstudio.chat_script = content_script([f"t{i}" for i in range(20)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "messages": HELLO, "stream": True}
    with (
        httpx.Client() as http,
        http.stream("POST", url + "/v1/chat/completions", json=body) as held,
    ):
        lines = held.iter_lines()
        next(lines)
        error = chat_error(url)
    assert error.status_code == 503
    assert error.body == envelope(
        "server busy, please try again.  maximum pending requests exceeded", "api_error"
    )


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/completions"])
def test_leaving_cancels_lm_studios_request_within_a_second(
    lmstudio: LMStudioDouble, shim: str, path: str
) -> None:
    lmstudio.chat_script = content_script([f"t{i}" for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "messages": HELLO, "prompt": "Once", "stream": True}
    with httpx.Client() as http, http.stream("POST", shim + path, json=body) as response:
        next(response.iter_raw())
        left_at = time.monotonic()
    assert lmstudio.disconnected.wait(timeout=2)
    assert lmstudio.disconnected_at is not None
    assert lmstudio.disconnected_at - left_at < 1.0
