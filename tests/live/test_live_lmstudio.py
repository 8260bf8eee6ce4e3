"""The official clients through shim against a real LM Studio (opt-in; loads a model if needed)."""

import math

import httpx
import ollama
import openai
import pytest

from tests.live.conftest import first_with

pytestmark = pytest.mark.live
TIMEOUT = 600  # a first request may wait for LM Studio to load the model


def test_discovery(live_shim: str, live_models: list[dict[str, object]]) -> None:
    client = ollama.Client(host=live_shim, timeout=TIMEOUT)
    assert client.list().models
    for model in live_models:
        shown = client.show(str(model["model"]))
        assert shown.capabilities
        assert shown.modelinfo is not None
    client.ps()


def test_chat_and_generate(live_shim: str, live_models: list[dict[str, object]]) -> None:
    model = first_with(live_models, "completion")
    client = ollama.Client(host=live_shim, timeout=TIMEOUT)
    messages = [{"role": "user", "content": "Say hello in one word."}]
    chunks = list(
        client.chat(model=model, messages=messages, stream=True, options={"num_predict": 64})
    )
    assert chunks[-1].done
    assert chunks[-1].eval_count
    answer = client.generate(model=model, prompt="Say hi.", options={"num_predict": 32})
    assert answer.done


def test_embeddings(live_shim: str, live_models: list[dict[str, object]]) -> None:
    model = first_with(live_models, "embedding")
    vectors = (
        ollama.Client(host=live_shim, timeout=TIMEOUT)
        .embed(model=model, input=["a", "b"])
        .embeddings
    )
    assert len(vectors) == 2
    assert math.isclose(sum(v * v for v in vectors[0]), 1.0, rel_tol=1e-4)


def test_openai_chat(live_shim: str, live_models: list[dict[str, object]]) -> None:
    model = first_with(live_models, "completion")
    client = openai.OpenAI(base_url=live_shim + "/v1", api_key="unused", timeout=TIMEOUT)
    assert client.models.list().data
    reply = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Say hello."}], max_tokens=32
    )
    assert reply.choices
    assert (reply.model, reply.system_fingerprint) == (model, "fp_ollama")


def test_health(live_shim: str) -> None:
    assert httpx.get(live_shim + "/readyz").json()["status"] == "ready"
