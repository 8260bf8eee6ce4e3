"""/api/generate: prompts and system prompts through chat, raw prompts through /v1/completions."""

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import completion_script, content_script

MODEL = "qwen3.6-35b-a3b-mtp"


def test_streamed_generate(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Once", " upon"], usage=(8, 2))
    chunks = list(
        ollama.Client(host=shim).generate(
            model=MODEL, prompt="story", system="be poetic", stream=True
        )
    )
    assert [c.response for c in chunks] == ["Once", " upon", ""]
    assert (chunks[-1].done, chunks[-1].eval_count, chunks[-1].prompt_eval_count) == (True, 2, 8)
    assert lmstudio.chat_requests[-1]["messages"] == [
        {"role": "system", "content": "be poetic"},
        {"role": "user", "content": "story"},
    ]


@pytest.mark.anyio
async def test_async_generate(lmstudio: LMStudioDouble, shim: str) -> None:
    response = await ollama.AsyncClient(host=shim).generate(model=MODEL, prompt="hi")
    assert (response.response, response.done_reason) == ("Hello!", "stop")


def test_raw_prompts_skip_the_chat_template(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.completion_script = completion_script(["4"], usage=(6, 1))
    response = ollama.Client(host=shim).generate(
        model=MODEL, prompt="2+2=", raw=True, options={"num_predict": 1}
    )
    assert (response.response, response.eval_count) == ("4", 1)
    sent = lmstudio.completion_requests[-1]
    assert (sent["prompt"], sent["max_tokens"], sent["stream"]) == ("2+2=", 1, True)
    assert not lmstudio.chat_requests


def test_raw_with_system_is_refused(shim: str) -> None:
    body = {"model": MODEL, "prompt": "x", "raw": True, "system": "s"}
    response = httpx.post(shim + "/api/generate", json=body)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "raw mode does not support template, system, or context"},
    )


def test_suffix_is_an_honest_400(lmstudio: LMStudioDouble, shim: str) -> None:
    response = httpx.post(
        shim + "/api/generate", json={"model": MODEL, "prompt": "def f(", "suffix": ")"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {"error": f'"{MODEL}" does not support insert'},
    )
    assert not lmstudio.chat_requests


def test_empty_prompt_loads_the_model(lmstudio: LMStudioDouble, shim: str) -> None:
    response = ollama.Client(host=shim).generate(
        model="google/gemma-4-12b-qat", prompt="", keep_alive="30m"
    )
    assert (response.done, response.done_reason, response.response) == (True, "load", "")
    assert lmstudio.chat_requests[-1]["ttl"] == 1800, (
        "loaded by a one-token JIT request with the TTL"
    )
    ps = ollama.Client(host=shim).ps()
    assert "google/gemma-4-12b-qat:latest" in [m.model for m in ps.models], (
        "/api/ps sees it at once"
    )


def test_keep_alive_forever_loads_explicitly(lmstudio: LMStudioDouble, shim: str) -> None:
    httpx.post(shim + "/api/generate", json={"model": "google/gemma-4-12b-qat", "keep_alive": -1})
    assert lmstudio.load_requests == [{"model": "google/gemma-4-12b-qat"}]


def test_empty_prompt_with_keep_alive_zero_unloads(lmstudio: LMStudioDouble, shim: str) -> None:
    response = httpx.post(shim + "/api/generate", json={"model": MODEL, "keep_alive": 0})
    assert response.json()["done_reason"] == "unload"
    assert lmstudio.unload_requests == [{"instance_id": MODEL}]
    assert MODEL + ":latest" not in [
        m["model"] for m in httpx.get(shim + "/api/ps").json()["models"]
    ]


def test_chat_with_no_messages_loads(lmstudio: LMStudioDouble, shim: str) -> None:
    response = httpx.post(shim + "/api/chat", json={"model": MODEL, "messages": []})
    assert response.json() == {
        **response.json(),
        "done": True,
        "done_reason": "load",
        "message": {"role": "assistant", "content": ""},
    }


def test_unloading_needs_lm_studio_0_4(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.api = "v0"
    response = httpx.post(shim + "/api/generate", json={"model": MODEL, "keep_alive": 0})
    assert response.status_code == 501
    assert "LM Studio 0.4" in response.json()["error"]


def test_missing_model_is_404_as_in_ollama(shim: str) -> None:
    response = httpx.post(shim + "/api/generate", json={"prompt": "hi"})
    assert (response.status_code, response.json()) == (404, {"error": "model '' not found"})
