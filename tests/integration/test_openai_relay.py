"""The `openai` client on /v1 through shim: names rewritten, bytes relayed, errors in OpenAI's shape."""

import time

import httpx
import openai
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, tool_call_script

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]


def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=url + "/v1", api_key="ollama", max_retries=0)


def test_models_are_listed_under_ollama_names(shim: str) -> None:
    models = client(shim).models.list()
    assert [m.id for m in models.data] == [
        "qwen3.6-35b-a3b-mtp:latest",
        "google/gemma-4-12b-qat:latest",
        "text-embedding-nomic-embed-text-v1.5:latest",
    ]
    assert models.data[1].owned_by == "google"
    assert models.data[0].owned_by == "library"


def test_a_model_is_retrieved_by_any_of_its_names(shim: str) -> None:
    assert client(shim).models.retrieve("google/gemma-4-12b-qat").id == "google/gemma-4-12b-qat"
    with pytest.raises(openai.NotFoundError) as raised:
        client(shim).models.retrieve("missing")
    assert raised.value.body == {
        "message": "model 'missing:latest' not found",
        "type": "not_found_error",
        "param": None,
        "code": None,
    }


@pytest.mark.parametrize("name", [MODEL, MODEL + ":latest", "QWEN3.6-35B-A3B-MTP"])
def test_chat_rewrites_only_the_model(lmstudio: LMStudioDouble, shim: str, name: str) -> None:
    lmstudio.chat_script = content_script(["Hi", "!"])
    completion = client(shim).chat.completions.create(model=name, messages=HELLO, temperature=0.3)  # type: ignore[arg-type]
    assert completion.choices[0].message.content == "Hi!"
    sent = lmstudio.chat_requests[-1]
    assert sent == {"model": MODEL, "messages": HELLO, "temperature": 0.3}


def test_chat_streams_with_usage_and_tools(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = tool_call_script([("7", "get_weather", '{"city":"Paris"}')])
    tools = [
        {
            "type": "function",
            "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
        }
    ]
    chunks = list(
        client(shim).chat.completions.create(
            model=MODEL + ":latest",
            messages=HELLO,
            tools=tools,
            stream=True,  # type: ignore[arg-type]
            stream_options={"include_usage": True},
        )
    )
    fragments = [
        c.choices[0].delta.tool_calls for c in chunks if c.choices and c.choices[0].delta.tool_calls
    ]
    assert fragments[0][0].function.name == "get_weather"  # type: ignore[index,union-attr]
    assert "".join(f[0].function.arguments or "" for f in fragments) == '{"city":"Paris"}'  # type: ignore[index,union-attr]
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens == 12
    assert lmstudio.chat_requests[-1]["stream_options"] == {"include_usage": True}


def test_relayed_stream_is_byte_for_byte(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["a", "b"])
    body = {"model": MODEL, "messages": HELLO, "stream": True}
    response = httpx.post(shim + "/v1/chat/completions", json=body)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.content == b"".join(lmstudio.chat_script)


def test_legacy_completions_and_embeddings(lmstudio: LMStudioDouble, shim: str) -> None:
    text = client(shim).completions.create(model=MODEL, prompt="2+2=")
    assert text.choices[0].text == "Hello!"
    vectors = client(shim).embeddings.create(
        model="text-embedding-nomic-embed-text-v1.5:latest", input=["a", "b"]
    )
    assert len(vectors.data) == 2


def test_unknown_model_is_a_404_openai_error(shim: str) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client(shim).chat.completions.create(model="missing", messages=HELLO)  # type: ignore[arg-type]
    assert raised.value.body == {
        "message": "model 'missing' not found",
        "type": "not_found_error",
        "param": None,
        "code": None,
    }


def test_lm_studio_string_errors_become_openai_envelopes(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.reject = (400, {"error": "'messages' field is required"})
    response = httpx.post(shim + "/v1/chat/completions", json={"model": MODEL})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": "'messages' field is required",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def test_invalid_json_is_a_400_openai_error(shim: str) -> None:
    response = httpx.post(shim + "/v1/chat/completions", content=b"{oops")
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_unreachable_lm_studio_is_a_503_openai_error(start_shim) -> None:
    from tests.support.servers import free_port

    url = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}")
    response = httpx.post(url + "/v1/chat/completions", json={"messages": HELLO})
    assert response.status_code == 503
    assert response.json()["error"]["type"] == "api_error"


def test_disconnect_cancels_the_relay_within_a_second(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script([f"t{i}" for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "messages": HELLO, "stream": True}
    with (
        httpx.Client() as http,
        http.stream("POST", shim + "/v1/chat/completions", json=body) as response,
    ):
        next(response.iter_raw())
        left_at = time.monotonic()
    assert lmstudio.disconnected.wait(timeout=2)
    assert lmstudio.disconnected_at is not None
    assert lmstudio.disconnected_at - left_at < 1.0
