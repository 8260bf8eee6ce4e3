"""keep_alive and num_ctx drive LM Studio's loads; concurrent first requests never duplicate a model."""

import concurrent.futures
import time

import httpx
import ollama

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble

LOADED = "qwen3.6-35b-a3b-mtp"  # loaded at 32768 in the double
UNLOADED = "google/gemma-4-12b-qat"
HELLO = [{"role": "user", "content": "hello"}]


def instances(lmstudio: LMStudioDouble, key: str) -> list[str]:
    model = next(m for m in lmstudio.models if m["key"] == key)
    return [i["id"] for i in model.get("loaded_instances", [])]


def running(url: str) -> dict[str, int]:
    return {
        m["model"]: m.get("context_length", 0) for m in httpx.get(url + "/api/ps").json()["models"]
    }


def test_num_ctx_reloads_the_model_at_that_window(lmstudio: LMStudioDouble, shim: str) -> None:
    client = ollama.Client(host=shim)
    client.chat(model=LOADED, messages=HELLO, options={"num_ctx": 8192})
    assert lmstudio.unload_requests == [{"instance_id": LOADED}]
    assert lmstudio.load_requests == [{"model": LOADED, "context_length": 8192}]
    assert running(shim) == {LOADED + ":latest": 8192}
    client.chat(model=LOADED, messages=HELLO, options={"num_ctx": 8192})
    assert len(lmstudio.load_requests) == 1, "already at that window"
    assert instances(lmstudio, LOADED) == [LOADED]


def test_keep_alive_zero_unloads_after_the_answer(lmstudio: LMStudioDouble, shim: str) -> None:
    response = ollama.Client(host=shim).chat(model=LOADED, messages=HELLO, keep_alive=0)
    assert response.message.content == "Hello!"
    deadline = time.monotonic() + 2
    while not lmstudio.unload_requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lmstudio.unload_requests == [{"instance_id": LOADED}]
    assert running(shim) == {}


def test_keep_alive_forever_loads_explicitly_before_answering(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    ollama.Client(host=shim).chat(model=UNLOADED, messages=HELLO, keep_alive=-1)
    assert lmstudio.load_requests == [{"model": UNLOADED}]
    assert lmstudio.jit_loads == 0


def test_a_duration_becomes_lm_studios_ttl(lmstudio: LMStudioDouble, shim: str) -> None:
    ollama.Client(host=shim).chat(model=UNLOADED, messages=HELLO, keep_alive="90s")
    assert lmstudio.chat_requests[-1]["ttl"] == 90


def test_ps_sees_a_model_loaded_by_a_request_at_once(lmstudio: LMStudioDouble, shim: str) -> None:
    assert UNLOADED + ":latest" not in running(shim)
    ollama.Client(host=shim).chat(model=UNLOADED, messages=HELLO)
    assert UNLOADED + ":latest" in running(shim)


def test_ps_on_another_worker_sees_a_model_a_request_loaded(
    lmstudio: LMStudioDouble, start_shim: StartShim
) -> None:
    """Each worker caches the model list for a minute, yet hears of the load at once."""
    loading, asked = (start_shim(workers=2, model_cache_ttl_seconds=60) for _ in range(2))
    assert UNLOADED + ":latest" not in running(asked)
    ollama.Client(host=loading).chat(model=UNLOADED, messages=HELLO)
    assert UNLOADED + ":latest" in running(asked)


def test_the_double_does_reproduce_lm_studios_duplicate_race(lmstudio: LMStudioDouble) -> None:
    lmstudio.jit_load_seconds = 0.3
    body = {"model": UNLOADED, "messages": HELLO}
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        list(
            pool.map(
                lambda _: httpx.post(lmstudio.url + "/v1/chat/completions", json=body), range(3)
            )
        )
    assert instances(lmstudio, UNLOADED) == [UNLOADED, UNLOADED + ":2", UNLOADED + ":3"]


def test_workers_load_a_model_once_between_them(
    lmstudio: LMStudioDouble, start_shim: StartShim
) -> None:
    """Two shims on one state directory stand for two workers taking first requests at once."""
    lmstudio.jit_load_seconds = 0.3
    workers = [start_shim(workers=2) for _ in range(2)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda n: ollama.Client(host=workers[n % 2]).chat(model=UNLOADED, messages=HELLO),
                range(4),
            )
        )
    assert [a.message.content for a in answers] == ["Hello!"] * 4
    assert lmstudio.jit_loads == 1
    assert instances(lmstudio, UNLOADED) == [UNLOADED]


def test_concurrent_first_requests_load_the_model_once(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.jit_load_seconds = 0.3
    client = ollama.Client(host=shim)
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: client.chat(model=UNLOADED, messages=HELLO), range(5)))
    assert [a.message.content for a in answers] == ["Hello!"] * 5
    assert lmstudio.jit_loads == 1
    assert instances(lmstudio, UNLOADED) == [UNLOADED]
