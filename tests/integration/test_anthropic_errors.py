"""Failures on /v1/messages as the official `anthropic` client sees them: its exception types,
carrying Ollama's texts in Anthropic's envelope (anthropic.go `NewError`); after the first byte,
one `error` event that the client raises on; a client that leaves cancels LM Studio's request;
the API key as Anthropic's clients send it."""

from __future__ import annotations

import re
import time
from typing import Any

import anthropic
import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port
from tests.support.sse_scripts import content_script, data_error, error_event

MODEL = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
HELLO: list[Any] = [{"role": "user", "content": "hello"}]


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def client(url: str, key: str = "ollama") -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=url, api_key=key, max_retries=0)


def create_error(url: str, **fields: Any) -> anthropic.APIStatusError:
    asked: dict[str, Any] = {"model": MODEL, "max_tokens": 64, "messages": HELLO, **fields}
    with pytest.raises(anthropic.APIStatusError) as raised:
        client(url).messages.create(**asked)
    return raised.value


def detail(error: anthropic.APIStatusError) -> dict[str, Any]:
    body: Any = error.body
    assert body["type"] == "error"
    assert re.fullmatch(r"req_[0-9a-f]{24}", body["request_id"])
    return dict(body["error"])


def test_an_unknown_model_is_a_not_found_error(shim: str) -> None:
    error = create_error(shim, model="missing")
    assert isinstance(error, anthropic.NotFoundError)
    assert detail(error) == {"type": "not_found_error", "message": "model 'missing' not found"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_tokens": 0}, "max_tokens is required and must be positive"),
        ({"messages": []}, "messages is required"),
        ({"model": ""}, "model is required"),
        ({"model": NOMIC}, f'"{NOMIC}" does not support chat'),
        (
            {"messages": [{"role": "user", "content": [{"type": "tool_use", "name": "f"}]}]},
            "tool_use block missing required 'id' field",
        ),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "image", "source": {"type": "url", "url": "https://x.test/a"}}
                        ],
                    }
                ]
            },
            "invalid image source type: url. Only base64 images are supported.",
        ),
    ],
)
def test_bad_requests_are_bad_request_errors_in_ollamas_words(
    shim: str, fields: dict[str, Any], message: str
) -> None:
    error = create_error(shim, **fields)
    assert isinstance(error, anthropic.BadRequestError)
    assert detail(error) == {"type": "invalid_request_error", "message": message}


@pytest.mark.parametrize(
    "body", [b"{oops", b"", b'{"model":"m","messages":[]}', b'{"max_tokens":"x"}']
)
def test_bodies_that_cannot_be_read_are_400_in_anthropics_envelope(shim: str, body: bytes) -> None:
    reply = httpx.post(shim + "/v1/messages", content=body)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["error"]["type"] == "invalid_request_error"


def test_a_web_search_tool_is_refused_honestly(shim: str) -> None:
    error = create_error(shim, tools=[{"type": "web_search_20250305", "name": "web_search"}])
    assert error.status_code == 501
    assert detail(error)["type"] == "api_error"


def test_count_tokens_is_not_served_as_ollama_serves_no_such_route(shim: str) -> None:
    reply = httpx.post(shim + "/v1/messages/count_tokens", json={"model": MODEL, "messages": HELLO})
    assert (reply.status_code, reply.text) == (404, "404 page not found")
    with pytest.raises(anthropic.NotFoundError):
        client(shim).messages.count_tokens(model=MODEL, messages=HELLO)


def test_unreachable_lm_studio_is_a_503_overloaded_error(start_shim) -> None:
    url = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}")
    error = create_error(url)
    assert isinstance(error, anthropic.InternalServerError)
    assert error.status_code == 503
    assert detail(error)["type"] == "overloaded_error"
    assert detail(error)["message"].startswith("cannot reach LM Studio at")


def test_a_failure_without_a_stream_is_a_502_api_error(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = [*content_script(["partial"])[:2], error_event("boom")]
    error = create_error(shim)
    assert error.status_code == 502
    assert detail(error) == {"type": "api_error", "message": "LM Studio: boom"}


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
    body = {"model": MODEL, "max_tokens": 9, "messages": HELLO, "stream": True}
    raw = httpx.post(shim + "/v1/messages", json=body)
    assert raw.status_code == 200
    *_, last = raw.text.removesuffix("\n\n").split("\n\n")
    assert last == (
        'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"'
        + message
        + '"}}'
    )
    assert "message_stop" not in raw.text
    seen: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError) as raised,
        client(shim).messages.stream(model=MODEL, max_tokens=9, messages=HELLO) as stream,
    ):
        seen.extend(stream.text_stream)
    assert seen == ["Hel", "lo"]
    assert raised.value.body == {
        "type": "error",
        "error": {"type": "api_error", "message": message},
    }


def test_leaving_cancels_lm_studios_request_within_a_second(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script([f"t{i}" for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "max_tokens": 900, "messages": HELLO, "stream": True}
    with httpx.Client() as http, http.stream("POST", shim + "/v1/messages", json=body) as response:
        next(response.iter_raw())
        left_at = time.monotonic()
    assert lmstudio.disconnected.wait(timeout=2)
    assert lmstudio.disconnected_at is not None
    assert lmstudio.disconnected_at - left_at < 1.0


# --- the API key --------------------------------------------------------------------------------


@pytest.fixture
def guarded(start_shim) -> str:
    return start_shim(api_key="s3cret")


def test_a_wrong_key_is_an_authentication_error_in_anthropics_envelope(guarded: str) -> None:
    error = create_error(guarded)
    assert isinstance(error, anthropic.AuthenticationError)
    assert detail(error) == {"type": "authentication_error", "message": "unauthorized"}


def test_the_key_is_taken_as_x_api_key_or_as_a_bearer_token(guarded: str) -> None:
    message = client(guarded, "s3cret").messages.create(model=MODEL, max_tokens=9, messages=HELLO)
    assert message.content
    bearer = anthropic.Anthropic(base_url=guarded, auth_token="s3cret", max_retries=0)
    assert bearer.messages.create(model=MODEL, max_tokens=9, messages=HELLO).content


def test_other_routes_keep_ollamas_401_and_take_x_api_key_too(guarded: str) -> None:
    refused = httpx.get(guarded + "/api/tags")
    assert (refused.status_code, refused.json()) == (401, {"error": "unauthorized"})
    assert httpx.get(guarded + "/api/tags", headers={"x-api-key": "s3cret"}).status_code == 200
