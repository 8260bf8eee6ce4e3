"""Failures on /v1/responses as the official `openai` client sees them: its exception types,
carrying Ollama's texts in OpenAI's envelope (middleware/openai.go `ResponsesMiddleware`,
openai.go `NewError`); after the first byte, one last `response.failed` event in the shape
Ollama fails a Responses stream with; a client that leaves cancels LM Studio's request."""

from typing import Any

import httpx
import msgspec
import openai
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.openai_sdk import client, envelope
from tests.support.sse_scripts import content_script, error_event

MODEL = "qwen3.6-35b-a3b-mtp"


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


def refusal(url: str, **asked: Any) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as raised:
        client(url).responses.create(**{"model": MODEL, "input": "hi", **asked})
    return raised.value


def test_an_unknown_model_is_a_not_found_error(shim: str) -> None:
    error = refusal(shim, model="nope")
    assert isinstance(error, openai.NotFoundError)
    assert error.body == envelope("model 'nope' not found", "not_found_error")


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ({"input": [{"type": "bogus"}]}, 'input[0]: unknown input item type: "bogus"'),
        ({"reasoning": {"effort": "huge"}}, 'invalid reasoning value: "huge" (must be "minimal", "low", "medium", "high", "xhigh", "ultra", "max", or "none")'),
        ({"model": ""}, "model is required"),
    ],
)  # fmt: skip
def test_bad_requests_are_bad_request_errors_in_ollamas_words(
    shim: str, asked: dict[str, Any], message: str
) -> None:
    error = refusal(shim, **asked)
    assert isinstance(error, openai.BadRequestError)
    assert error.body == envelope(message, "invalid_request_error")


def test_invalid_json_is_a_400_in_openais_envelope(shim: str) -> None:
    raw = httpx.post(shim + "/v1/responses", content=b"{nope")
    assert raw.status_code == 400
    assert raw.json()["error"]["type"] == "invalid_request_error"


def test_the_web_search_tool_is_refused_as_not_implemented(shim: str) -> None:
    error = refusal(shim, tools=[{"type": "web_search"}])
    assert error.status_code == 501
    assert error.body == envelope(
        "web_search is not supported: shim has no web search to run it with", "api_error"
    )


def test_a_failure_without_a_stream_is_a_502(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = [*content_script(["partial"])[:2], error_event("boom")]
    error = refusal(shim)
    assert isinstance(error, openai.InternalServerError)
    assert (error.status_code, error.body) == (502, envelope("LM Studio: boom", "api_error"))


def test_a_failure_mid_stream_is_one_last_response_failed_event(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = [*content_script(["Hel", "lo"])[:2], error_event("Model has crashed")]
    events = list(client(shim).responses.create(model=MODEL, input="hi", stream=True))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Hel", "lo"]
    failed = events[-1]
    assert failed.type == "response.failed"
    assert failed.sequence_number == len(events) - 1
    assert failed.response.status == "failed"
    assert failed.response.error is not None
    assert failed.response.error.message == "LM Studio: Model has crashed"


def test_a_stream_lm_studio_leaves_unfinished_ends_failed(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"])
    lmstudio.truncate_after = 2
    body = {"model": MODEL, "input": "hi", "stream": True}
    events = httpx.post(shim + "/v1/responses", json=body).text.split("\n\n")
    name, data = events[-2].split("\n")
    assert name == "event: response.failed"
    failure = msgspec.json.decode(data.removeprefix("data: "))["response"]["error"]
    assert failure == {
        "code": "api_error",
        "message": "LM Studio closed the stream before finishing the answer",
    }


def test_leaving_mid_stream_cancels_lm_studios_request(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script([f"t{i}" for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "input": "Once", "stream": True}
    with (
        httpx.Client() as http,
        http.stream("POST", shim + "/v1/responses", json=body) as response,
    ):
        next(response.iter_raw())
    # Two hundred pieces take ten seconds to send; LM Studio sees the request dropped first.
    assert lmstudio.disconnected.wait(timeout=10)
