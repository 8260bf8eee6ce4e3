"""The official `openai` client (sync and async) on shim's /v1, against the LM Studio double: the
answers Ollama's `/v1` layer gives, made by shim from the domain's."""

import array
import base64
import json
import math
import re
import time
from collections.abc import AsyncIterator

import httpx
import openai
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.lmstudio_extras import vector
from tests.support.log_capture import LogCapture
from tests.support.openai_sdk import client
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"
NOMIC = "text-embedding-nomic-embed-text-v1.5"
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    """The module's shim, in front of a double reset for this test."""
    return module_shim


@pytest.fixture
async def async_client(shim: str) -> AsyncIterator[openai.AsyncOpenAI]:
    """Closed at the test's end: left to the collector, it would close its connections on a
    loop that is gone, and fail whichever test is running then."""
    async with openai.AsyncOpenAI(base_url=shim + "/v1", api_key="x", max_retries=0) as opened:
        yield opened


def float32s(encoded: str) -> list[float]:
    return array.array("f", base64.b64decode(encoded)).tolist()


def as_float32(values: list[float]) -> list[float]:
    return array.array("f", values).tolist()


# --- models ---------------------------------------------------------------------------------


def test_models_are_listed_and_retrieved_under_ollama_names(shim: str) -> None:
    listed = client(shim).models.list()
    assert [m.id for m in listed.data] == [
        f"{MODEL}:latest",
        "google/gemma-4-12b-qat:latest",
        f"{NOMIC}:latest",
    ]
    assert all(m.object == "model" and isinstance(m.created, int) for m in listed.data)
    retrieved = client(shim).models.retrieve(f"{MODEL}:latest")
    assert (retrieved.id, retrieved.owned_by) == (f"{MODEL}:latest", "library")


def test_model_answers_are_written_as_ollamas_v1_layer_writes_them(shim: str) -> None:
    """middleware/openai.go's writers: a bare `application/json`, Go's encoder's final newline."""
    listed = httpx.get(shim + "/v1/models")
    retrieved = httpx.get(shim + f"/v1/models/{MODEL}:latest")
    for reply in (listed, retrieved):
        assert reply.headers["content-type"] == "application/json"
        assert reply.content.endswith(b"}\n")
    assert json.loads(retrieved.content) == {
        "id": f"{MODEL}:latest",
        "object": "model",
        "created": listed.json()["data"][0]["created"],
        "owned_by": "library",
    }


def test_no_models_is_a_null_list_as_in_ollama(lmstudio: LMStudioDouble, start_shim) -> None:
    """openai.go `ToListCompletion` appends to a nil slice; with nothing to list it stays nil."""
    lmstudio.models = []
    url = start_shim()
    reply = httpx.get(url + "/v1/models")
    assert reply.json() == {"object": "list", "data": None}
    assert list(client(url).models.list()) == [], "the official client reads it as empty"


@pytest.mark.anyio
async def test_async_client_lists_and_retrieves_models(
    async_client: openai.AsyncOpenAI,
) -> None:
    models = async_client.models
    assert len((await models.list()).data) == 3
    assert (await models.retrieve("google/gemma-4-12b-qat")).owned_by == "google"
    with pytest.raises(openai.NotFoundError) as raised:
        await models.retrieve("missing")
    assert raised.value.status_code == 404
    assert raised.value.message.endswith("model 'missing:latest' not found")


# --- chat -----------------------------------------------------------------------------------

# What LM Studio is asked for a plain chat: always a stream with usage, and Ollama's forced
# sampling defaults (openai.go `FromChatRequest` sends temperature and top_p 1.0 when absent).
PLAIN_CHAT = {
    "model": MODEL,
    "messages": HELLO,
    "stream": True,
    "stream_options": {"include_usage": True},
    "temperature": 1.0,
    "top_p": 1.0,
}


def test_chat_answers_whole_as_ollamas_chat_completion(lmstudio: LMStudioDouble, shim: str) -> None:
    asked = f"{MODEL}:latest"
    completion = client(shim).chat.completions.create(model=asked, messages=HELLO)  # type: ignore[arg-type]
    assert re.fullmatch(r"chatcmpl-\d{1,3}", completion.id)
    assert (completion.object, completion.model) == ("chat.completion", asked)
    assert completion.system_fingerprint == "fp_ollama"
    (choice,) = completion.choices
    assert (choice.message.role, choice.message.content) == ("assistant", "Hello!")
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.model_dump(exclude_none=True) == {
        "prompt_tokens": 12,
        "completion_tokens": 4,
        "total_tokens": 16,
    }
    assert lmstudio.chat_requests[-1] == PLAIN_CHAT


def test_a_whole_chat_answer_is_byte_for_byte_what_ollama_writes(shim: str) -> None:
    reply = httpx.post(shim + "/v1/chat/completions", json={"model": MODEL, "messages": HELLO})
    assert reply.headers["content-type"] == "application/json"
    answer = reply.json()
    expected = (
        b'{"id":"%s","object":"chat.completion","created":%d,"model":"%s",'
        b'"system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant",'
        b'"content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,'
        b'"completion_tokens":4,"total_tokens":16}}\n'
    ) % (answer["id"].encode(), answer["created"], MODEL.encode())
    assert reply.content == expected
    assert abs(answer["created"] - time.time()) < 5


def test_chat_streams_role_first_then_pieces_a_finish_and_usage(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo", " there"], usage=(21, 3))
    chunks = list(
        client(shim).chat.completions.create(
            model=MODEL,
            messages=HELLO,  # type: ignore[arg-type]
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert [c.choices[0].delta.content for c in chunks if c.choices] == [
        "Hel",
        "lo",
        " there",
        None,
    ]
    assert [c.choices[0].delta.role for c in chunks if c.choices] == ["assistant", None, None, None]
    assert [c.choices[0].finish_reason for c in chunks if c.choices] == [None, None, None, "stop"]
    assert len({(c.id, c.created, c.model, c.system_fingerprint) for c in chunks}) == 1
    assert chunks[0].model == MODEL
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (21, 3)


def test_a_stream_is_ollamas_sse_byte_for_byte(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["a", "b"], usage=(5, 2))
    body = {"model": MODEL, "messages": HELLO, "stream": True}
    reply = httpx.post(
        shim + "/v1/chat/completions", json={**body, "stream_options": {"include_usage": True}}
    )
    assert reply.headers["content-type"] == "text/event-stream"
    first = json.loads(reply.content.split(b"\n\n")[0].removeprefix(b"data: "))
    head = (
        b'data: {"id":"%s","object":"chat.completion.chunk","created":%d,"model":"%s",'
        b'"system_fingerprint":"fp_ollama","choices":'
    ) % (first["id"].encode(), first["created"], MODEL.encode())
    assert reply.content == (
        head
        + b'[{"index":0,"delta":{"role":"assistant","content":"a"},"finish_reason":null}]}\n\n'
        + head
        + b'[{"index":0,"delta":{"content":"b"},"finish_reason":null}]}\n\n'
        + head
        + b'[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
        + head
        + b'[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}\n\n'
        + b"data: [DONE]\n\n"
    )
    without_usage = httpx.post(shim + "/v1/chat/completions", json=body)
    assert b'"usage"' not in without_usage.content
    assert without_usage.content.endswith(b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')


@pytest.mark.anyio
async def test_async_client_streams_chat(
    lmstudio: LMStudioDouble, async_client: openai.AsyncOpenAI
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"])
    stream = await async_client.chat.completions.create(
        model=MODEL,
        messages=HELLO,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "abc"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == 16


def test_sampling_options_reach_lm_studio_as_ollama_maps_them(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client(shim).chat.completions.create(
        model=MODEL,
        messages=HELLO,  # type: ignore[arg-type]
        temperature=0.3,
        top_p=0.8,
        max_tokens=32,
        seed=11,
        stop=["END", "STOP"],
        presence_penalty=0.5,
        frequency_penalty=0.25,
    )
    sent = lmstudio.chat_requests[-1]
    picked = {k: sent[k] for k in ("temperature", "top_p", "max_tokens", "seed", "stop")}
    assert picked == {
        "temperature": 0.3,
        "top_p": 0.8,
        "max_tokens": 32,
        "seed": 11,
        "stop": ["END", "STOP"],
    }
    assert (sent["presence_penalty"], sent["frequency_penalty"]) == (0.5, 0.25)


def test_what_ollama_ignores_is_not_sent_and_is_logged(
    lmstudio: LMStudioDouble, shim: str, log_capture: LogCapture
) -> None:
    """Ollama reads neither `max_completion_tokens`, `n` nor `tool_choice`."""
    headers = {"x-request-id": "ignored-fields"}
    body = {
        **PLAIN_CHAT,
        "stream": False,
        "n": 2,
        "max_completion_tokens": 9,
        "tool_choice": "none",
    }
    del body["stream_options"], body["temperature"], body["top_p"]
    reply = httpx.post(shim + "/v1/chat/completions", json=body, headers=headers)
    assert len(reply.json()["choices"]) == 1
    assert lmstudio.chat_requests[-1] == PLAIN_CHAT
    (line,) = [
        r
        for r in log_capture.for_request("ignored-fields")
        if r["event"] == "request.ignored_fields"
    ]
    assert line["fields"] == ["n", "tool_choice", "max_completion_tokens"]


def unit(values: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


# --- embeddings -----------------------------------------------------------------------------


def test_embeddings_asked_as_base64_by_default_decode_to_normalised_vectors(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    """Ollama's /v1 layer normalises, and answers base64 itself: LM Studio ignores the format."""
    reply = client(shim).embeddings.create(model=f"{NOMIC}:latest", input=["first", "second"])
    sent = lmstudio.embedding_requests[-1]
    assert sent == {"model": NOMIC, "input": ["first", "second"]}
    assert [item.index for item in reply.data] == [0, 1]
    for item, text in zip(reply.data, ["first", "second"], strict=True):
        assert as_float32(item.embedding) == as_float32(unit(vector(text, 8)))
    assert reply.usage.prompt_tokens == 2


def test_embeddings_of_an_unknown_model_are_a_404_in_ollamas_words(shim: str) -> None:
    with pytest.raises(openai.NotFoundError, match='model "x" not found, try pulling it first'):
        client(shim).embeddings.create(model="x", input="hi")


def test_embeddings_count_tokens_when_lm_studio_reports_none(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.embedding_tokens_counted = False
    reply = client(shim).embeddings.create(model=NOMIC, input=["the quick fox", "jumps"])
    assert reply.usage.prompt_tokens == 4


@pytest.mark.anyio
async def test_async_client_embeds_as_float_when_asked(
    lmstudio: LMStudioDouble, async_client: openai.AsyncOpenAI
) -> None:
    reply = await async_client.embeddings.create(
        model=NOMIC, input="hello world", encoding_format="float"
    )
    assert reply.data[0].embedding == pytest.approx(unit(vector("hello world", 8)))


def test_embeddings_explicitly_asked_as_base64_come_back_as_base64(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    reply = client(shim).embeddings.create(model=NOMIC, input="x", encoding_format="base64")
    encoded = reply.data[0].embedding
    assert isinstance(encoded, str)
    assert float32s(encoded) == as_float32(unit(vector("x", 8)))


def test_unknown_encoding_format_is_a_400_as_in_ollama(shim: str) -> None:
    body = {"model": NOMIC, "input": "x", "encoding_format": "int8"}
    reply = httpx.post(shim + "/v1/embeddings", json=body)
    assert reply.status_code == 400
    assert reply.json()["error"]["message"] == (
        "Invalid value for 'encoding_format' = int8. Supported values: ['float', 'base64']."
    )


# --- legacy completions ---------------------------------------------------------------------


def test_completions_answer_whole_through_the_chat_template(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    """Ollama's /v1/completions is /api/generate without `raw`: the prompt is a user turn."""
    whole = client(shim).completions.create(model=f"{MODEL}:latest", prompt="2+2=")
    assert re.fullmatch(r"cmpl-\d{1,3}", whole.id)
    assert (whole.object, whole.model, whole.system_fingerprint) == (
        "text_completion",
        f"{MODEL}:latest",
        "fp_ollama",
    )
    assert [(c.text, c.index, c.finish_reason) for c in whole.choices] == [("Hello!", 0, "stop")]
    assert whole.usage is not None
    assert whole.usage.total_tokens == 16
    sent = lmstudio.chat_requests[-1]
    assert sent["messages"] == [{"role": "user", "content": "2+2="}]
    assert (sent["presence_penalty"], sent["frequency_penalty"]) == (0.0, 0.0)
    assert lmstudio.completion_requests == []


def test_completions_stream_pieces_then_an_empty_finishing_chunk(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["4", " (four)"], usage=(6, 2))
    streamed = list(
        client(shim).completions.create(
            model=MODEL, prompt="2+2=", stream=True, stream_options={"include_usage": True}
        )
    )
    assert [(c.choices[0].text, c.choices[0].finish_reason) for c in streamed if c.choices] == [
        ("4", None),
        (" (four)", None),
        ("", "stop"),
    ]
    assert all(c.object == "text_completion" and c.model == MODEL for c in streamed)
    zeros = [c.usage.total_tokens for c in streamed[:-1] if c.usage is not None]
    assert zeros == [0, 0, 0], "with usage asked for, every chunk carries zeros first"
    assert streamed[-1].usage is not None
    assert (streamed[-1].usage.prompt_tokens, streamed[-1].usage.completion_tokens) == (6, 2)


def test_a_suffix_is_refused_as_ollama_refuses_it_for_such_models(shim: str) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client(shim).completions.create(model=MODEL, prompt="def f(", suffix="return x")
    assert raised.value.body == {
        "message": f'"{MODEL}" does not support insert',
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }


def test_an_empty_prompt_loads_the_model(lmstudio: LMStudioDouble, shim: str) -> None:
    loaded = client(shim).completions.create(model=MODEL, prompt="")
    assert [(c.text, c.finish_reason) for c in loaded.choices] == [("", "load")]
    assert lmstudio.chat_requests == []


# --- names, aliases and credentials ---------------------------------------------------------


def test_an_alias_reaches_lm_studio_as_the_models_key(lmstudio: LMStudioDouble, start_shim) -> None:
    url = start_shim(model_aliases={"fast": MODEL})
    completion = client(url).chat.completions.create(model="fast", messages=HELLO)  # type: ignore[arg-type]
    assert (completion.model, completion.choices[0].message.content) == ("fast", "Hello!")
    assert lmstudio.chat_requests[-1]["model"] == MODEL


def test_the_clients_credentials_are_not_forwarded_to_lm_studio(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client(shim).chat.completions.create(model=MODEL, messages=HELLO)  # type: ignore[arg-type]
    assert lmstudio.last_headers, "the double saw the call"
    assert "authorization" not in lmstudio.last_headers
    client(shim).embeddings.create(model=NOMIC, input="x")
    assert "authorization" not in lmstudio.last_headers


def test_shims_own_lm_studio_token_is_sent_instead_of_the_clients(
    lmstudio: LMStudioDouble, start_shim
) -> None:
    lmstudio.required_token = "sk-lm-1"
    url = start_shim(lmstudio_api_token="sk-lm-1")
    completion = client(url).chat.completions.create(model=MODEL, messages=HELLO)  # type: ignore[arg-type]
    assert completion.choices[0].message.content == "Hello!"
    assert lmstudio.last_headers["authorization"] == "Bearer sk-lm-1"
    embedded = client(url).embeddings.create(model=NOMIC, input="x", encoding_format="float")
    assert embedded.data[0].embedding == pytest.approx(unit(vector("x", 8)))
    assert lmstudio.last_headers["authorization"] == "Bearer sk-lm-1"


@pytest.mark.parametrize("bad", [[], [1, 2], [[1, 2]], None])
def test_empty_or_token_inputs_are_400_invalid_input(shim: str, bad: object) -> None:
    reply = httpx.post(shim + "/v1/embeddings", json={"model": NOMIC, "input": bad})
    assert reply.status_code == 400
    assert reply.json()["error"] == {
        "message": "invalid input",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
