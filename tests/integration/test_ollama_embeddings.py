"""The official `ollama` client embeds through shim: /api/embed normalises, /api/embeddings does not."""

import math
from typing import Any

import httpx
import ollama
import pytest

from tests.support import lmstudio_extras
from tests.support.lmstudio_double import ROUTES, LMStudioDouble
from tests.support.lmstudio_extras import vector

NOMIC = "text-embedding-nomic-embed-text-v1.5"
QWEN = "qwen3.6-35b-a3b-mtp"
WIDTH = 8  # the double's default embedding width


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    """The module's shim, in front of a double reset for this test."""
    return module_shim


def raw(text: str, size: int = WIDTH) -> list[float]:
    """The vector the double answers for `text`: deterministic and deliberately not unit length."""
    return vector(text, size)


def unit(values: list[float]) -> list[float]:
    norm = math.sqrt(sum(value * value for value in values))
    return [value / norm for value in values]


def norm_of(values: list[float]) -> float:
    return math.sqrt(sum(value * value for value in values))


def assert_close(got: list[float], want: list[float]) -> None:
    assert len(got) == len(want)
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(got, want, strict=True))


def embedding_calls(lmstudio: LMStudioDouble) -> int:
    return sum(count for call, count in lmstudio.calls.items() if call.endswith("/embeddings"))


def test_embed_one_string_gives_one_unit_vector_in_the_raw_direction(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    response = ollama.Client(host=shim).embed(model=NOMIC, input="hello world")
    assert response.model == NOMIC
    (only,) = response.embeddings
    assert abs(norm_of(list(only)) - 1.0) < 1e-6
    assert_close(list(only), unit(raw("hello world")))
    assert abs(norm_of(raw("hello world")) - 1.0) > 0.1, (
        "the double's raw vector is not unit length"
    )


def test_embed_a_list_keeps_order_and_reports_lm_studio_usage(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    texts = ["the quick fox", "jumps", "over the lazy dog"]
    response = ollama.Client(host=shim).embed(model=NOMIC, input=texts)
    assert len(response.embeddings) == 3
    for got, text in zip(response.embeddings, texts, strict=True):
        assert abs(norm_of(list(got)) - 1.0) < 1e-6
        assert_close(list(got), unit(raw(text)))
    # The double counts words as tokens: 3 + 1 + 4.
    assert response.prompt_eval_count == 8
    assert isinstance(response.total_duration, int)
    assert response.total_duration > 0
    assert isinstance(response.load_duration, int)
    assert response.load_duration > 0
    assert response.total_duration >= response.load_duration


def test_embed_estimates_the_prompt_tokens_when_lm_studio_reports_none(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.embedding_tokens_counted = False
    response = ollama.Client(host=shim).embed(model=NOMIC, input=["the quick fox", "jumps"])
    assert response.prompt_eval_count == 4, "an estimate: one token per short word"


def test_legacy_embeddings_name_an_unknown_model_as_ollama_does(shim: str) -> None:
    reply = httpx.post(shim + "/api/embeddings", json={"model": "x", "prompt": "hi"})
    assert (reply.status_code, reply.json()) == (
        404,
        {"error": 'model "x" not found, try pulling it first'},
    )


def test_vectors_follow_the_inputs_even_when_lm_studio_answers_out_of_order(
    lmstudio: LMStudioDouble, shim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def reversed_embeddings(double: LMStudioDouble, body: bytes) -> tuple[int, Any]:
        status, payload = await lmstudio_extras.embeddings(double, body)
        payload["data"].reverse()
        return status, payload

    monkeypatch.setitem(ROUTES, ("POST", "/v1/embeddings"), reversed_embeddings)
    texts = ["one", "two", "three"]
    response = ollama.Client(host=shim).embed(model=NOMIC, input=texts)
    for got, text in zip(response.embeddings, texts, strict=True):
        assert_close(list(got), unit(raw(text)))


def test_the_same_text_gives_the_same_vector_within_and_across_calls(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client = ollama.Client(host=shim)
    first, second, other = client.embed(model=NOMIC, input=["same", "same", "different"]).embeddings
    again = client.embed(model=NOMIC, input="same").embeddings[0]
    assert list(first) == list(second) == list(again)
    assert list(other) != list(first)


def test_dimensions_shortens_then_renormalises(lmstudio: LMStudioDouble, shim: str) -> None:
    response = ollama.Client(host=shim).embed(model=NOMIC, input=["a", "b"], dimensions=3)
    for got, text in zip(response.embeddings, ["a", "b"], strict=True):
        assert len(got) == 3
        assert abs(norm_of(list(got)) - 1.0) < 1e-6
        assert_close(list(got), unit(raw(text)[:3]))


def test_lm_studio_gets_the_model_key_and_a_list_of_inputs(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client = ollama.Client(host=shim)
    client.embed(model=NOMIC + ":latest", input="one text")
    client.embed(model=NOMIC.upper(), input=["x", "y"])
    assert [request["model"] for request in lmstudio.embedding_requests] == [NOMIC, NOMIC]
    assert [request["input"] for request in lmstudio.embedding_requests] == [
        ["one text"],
        ["x", "y"],
    ]


def test_echoes_the_model_name_as_the_client_wrote_it(lmstudio: LMStudioDouble, shim: str) -> None:
    response = ollama.Client(host=shim).embed(model=NOMIC + ":latest", input="x")
    assert response.model == NOMIC + ":latest"


@pytest.mark.anyio
async def test_async_client_embeds_and_uses_the_legacy_route(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client = ollama.AsyncClient(host=shim)
    batch = await client.embed(model=NOMIC, input=["alpha", "beta"])
    assert [len(v) for v in batch.embeddings] == [WIDTH, WIDTH]
    assert_close(list(batch.embeddings[1]), unit(raw("beta")))
    legacy = await client.embeddings(model=NOMIC, prompt="alpha")
    assert list(legacy.embedding) == raw("alpha")


def test_legacy_embeddings_is_one_raw_vector_not_normalised(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    response = ollama.Client(host=shim).embeddings(model=NOMIC, prompt="hello world")
    assert list(response.embedding) == raw("hello world")
    assert abs(norm_of(list(response.embedding)) - 1.0) > 0.1
    assert lmstudio.embedding_requests[-1] == {"model": NOMIC, "input": ["hello world"]}


def test_legacy_reply_has_only_the_embedding(shim: str) -> None:
    reply = httpx.post(shim + "/api/embeddings", json={"model": NOMIC, "prompt": "x"})
    assert reply.status_code == 200
    assert set(reply.json()) == {"embedding"}


@pytest.mark.parametrize("empty", ["", []])
def test_empty_input_gives_no_vectors_and_no_upstream_call(
    lmstudio: LMStudioDouble, shim: str, empty: object
) -> None:
    response = ollama.Client(host=shim).embed(model=NOMIC, input=empty)  # type: ignore[arg-type]
    assert response.embeddings == []
    assert response.model == NOMIC
    assert lmstudio.embedding_requests == []
    assert embedding_calls(lmstudio) == 0


def test_legacy_empty_prompt_gives_an_empty_vector_without_an_upstream_call(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    assert ollama.Client(host=shim).embeddings(model=NOMIC, prompt="").embedding == []
    assert embedding_calls(lmstudio) == 0


@pytest.mark.parametrize("route", ["embed", "embeddings"])
def test_a_chat_model_asked_to_embed_is_a_400_in_ollamas_words(
    lmstudio: LMStudioDouble, shim: str, route: str
) -> None:
    client = ollama.Client(host=shim)
    ask = {
        "embed": lambda: client.embed(model=QWEN, input="x"),
        "embeddings": lambda: client.embeddings(model=QWEN, prompt="x"),
    }[route]
    with pytest.raises(ollama.ResponseError) as raised:
        ask()
    assert raised.value.status_code == 400
    assert raised.value.error == f'"{QWEN}" does not support embedding'
    assert "Failed to load" not in raised.value.error
    assert "LM Studio" not in raised.value.error


@pytest.mark.anyio
async def test_async_client_sees_unknown_models_as_404(shim: str) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        await ollama.AsyncClient(host=shim).embed(model="x", input="hello")
    assert (raised.value.status_code, raised.value.error) == (
        404,
        'model "x" not found, try pulling it first',
    )


def test_unknown_model_is_a_404_without_asking_lm_studio_to_embed(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=shim).embed(model="x", input="hello")
    assert (raised.value.status_code, raised.value.error) == (
        404,
        'model "x" not found, try pulling it first',
    )
    assert embedding_calls(lmstudio) == 0


def test_embed_without_a_model_is_a_404_naming_the_empty_model(shim: str) -> None:
    reply = httpx.post(shim + "/api/embed", json={"input": "x"})
    assert (reply.status_code, reply.json()) == (404, {"error": "model '' not found"})


@pytest.mark.parametrize(
    "bad_input",
    [5, 1.5, True, [1, 2, 3], [[1, 2], [3]], [["a"]], ["a", 1], {"text": "a"}],
    ids=["int", "float", "bool", "tokens", "token-lists", "nested", "mixed", "object"],
)
def test_invalid_input_types_are_a_400(
    lmstudio: LMStudioDouble, shim: str, bad_input: object
) -> None:
    reply = httpx.post(shim + "/api/embed", json={"model": NOMIC, "input": bad_input})
    assert (reply.status_code, reply.json()) == (400, {"error": "invalid input type"})
    assert embedding_calls(lmstudio) == 0


def test_legacy_embeddings_without_a_model_is_a_400(lmstudio: LMStudioDouble, shim: str) -> None:
    reply = httpx.post(shim + "/api/embeddings", json={"prompt": "hello"})
    assert (reply.status_code, reply.json()) == (400, {"error": "model is required"})
    assert embedding_calls(lmstudio) == 0


def test_shims_lm_studio_token_goes_with_the_embeddings_call(
    lmstudio: LMStudioDouble, start_shim
) -> None:
    lmstudio.required_token = "sk-lm-1"
    url = start_shim(lmstudio_api_token="sk-lm-1")
    response = ollama.Client(host=url, headers={"Authorization": "Bearer client"}).embed(
        model=NOMIC, input="x"
    )
    assert_close(list(response.embeddings[0]), unit(raw("x")))
    assert lmstudio.last_headers["authorization"] == "Bearer sk-lm-1"


def test_embeddings_work_against_an_lm_studio_0_3(lmstudio: LMStudioDouble, start_shim) -> None:
    lmstudio.api = "v0"
    url = start_shim()
    client = ollama.Client(host=url)
    assert_close(list(client.embed(model=NOMIC, input="x").embeddings[0]), unit(raw("x")))
    with pytest.raises(ollama.ResponseError) as raised:
        client.embed(model=QWEN, input="x")
    assert (raised.value.status_code, raised.value.error) == (
        400,
        f'"{QWEN}" does not support embedding',
    )
    assert lmstudio.calls["GET /api/v0/models"] >= 1
