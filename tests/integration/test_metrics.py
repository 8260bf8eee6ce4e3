"""`GET /metrics`: Prometheus text from a running shim, read back with prometheus_client's parser,
after real traffic from the official clients against the LM Studio double."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import ollama
import openai
import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.metrics import scrape, total, value
from tests.support.servers import free_port
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"
UNLOADED = "google/gemma-4-12b-qat"
HELLO = [{"role": "user", "content": "hello"}]


def test_every_metric_is_named_shim(shim: str) -> None:
    httpx.get(shim + "/api/tags")
    names = {name for name, _ in scrape(shim)}
    assert names
    assert all(name.startswith("shim_") for name in names), names


def test_requests_are_counted_by_route_dialect_and_status(
    shim: str, lmstudio: LMStudioDouble
) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo"], usage=(12, 4))
    ollama.Client(host=shim).chat(model=MODEL, messages=HELLO)
    openai_client = openai.OpenAI(base_url=shim + "/v1", api_key="x")
    openai_client.models.list()
    lmstudio.chat_script = content_script(["Hi"])
    openai_client.responses.create(model=MODEL, input="hello")
    httpx.get(shim + "/api/nothing-here")
    samples = scrape(shim)
    ok = {"status": "200"}
    assert value(samples, "shim_requests_total", route="/api/chat", dialect="ollama", **ok) == 1
    assert value(samples, "shim_requests_total", route="/v1/models", dialect="openai", **ok) == 1
    assert value(samples, "shim_requests_total", route="/v1/responses", dialect="openai", **ok) == 1
    unrouted = {"route": "unrouted", "dialect": "ollama", "status": "404"}
    assert value(samples, "shim_requests_total", **unrouted) == 1
    chat_latency = {"route": "/api/chat", "dialect": "ollama"}
    assert value(samples, "shim_request_duration_seconds_count", **chat_latency) == 1


def test_an_answer_counts_its_tokens_first_token_and_speed(
    shim: str, lmstudio: LMStudioDouble
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c"], usage=(12, 4))
    ollama.Client(host=shim).chat(model=MODEL, messages=HELLO)
    samples = scrape(shim)
    assert value(samples, "shim_tokens_total", model=MODEL, kind="prompt") == 12
    assert value(samples, "shim_tokens_total", model=MODEL, kind="completion") == 4
    assert value(samples, "shim_time_to_first_token_seconds_count", model=MODEL) == 1
    assert value(samples, "shim_tokens_per_second_count", model=MODEL) == 1
    assert value(samples, "shim_tokens_per_second_sum", model=MODEL) > 0


def test_a_model_is_one_series_whatever_its_spelling(shim: str, lmstudio: LMStudioDouble) -> None:
    client = ollama.Client(host=shim)
    for spelling in (MODEL, MODEL.upper(), MODEL + ":latest"):
        lmstudio.chat_script = content_script(["a"])
        client.chat(model=spelling, messages=HELLO)
    samples = scrape(shim)
    assert value(samples, "shim_time_to_first_token_seconds_count", model=MODEL) == 3


def test_upstream_calls_and_catalog_refreshes_are_counted(
    shim: str, lmstudio: LMStudioDouble
) -> None:
    ollama.Client(host=shim).list()
    samples = scrape(shim)
    listed = {"host": lmstudio.url, "method": "GET", "status": "200"}
    assert total(samples, "shim_upstream_calls_total", **listed) >= 1
    assert total(samples, "shim_upstream_duration_seconds_count", host=lmstudio.url) >= 1
    assert value(samples, "shim_catalog_refreshes_total", outcome="ok") >= 1


def test_an_unreachable_lm_studio_is_an_upstream_error_of_its_kind(
    start_shim: StartShim,
) -> None:
    shim = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}", discovery_retries=0)
    assert httpx.get(shim + "/api/tags").status_code >= 500
    samples = scrape(shim)
    assert total(samples, "shim_upstream_errors_total", kind="unreachable") >= 1
    assert total(samples, "shim_upstream_calls_total", status="0") >= 1
    assert value(samples, "shim_catalog_refreshes_total", outcome="error") >= 1


def test_each_of_several_hosts_is_counted(start_shim: StartShim, lmstudio: LMStudioDouble) -> None:
    gone = f"http://127.0.0.1:{free_port()}"
    shim = start_shim(lmstudio_url=f"{lmstudio.url},{gone}", discovery_retries=0)
    ollama.Client(host=shim).list()
    samples = scrape(shim)
    assert total(samples, "shim_upstream_calls_total", host=lmstudio.url, status="200") >= 1
    assert total(samples, "shim_upstream_calls_total", host=gone, status="200") == 0
    assert total(samples, "shim_upstream_errors_total", host=gone, kind="unreachable") >= 1
    assert total(samples, "shim_upstream_errors_total", host=lmstudio.url) == 0


def test_a_request_that_loads_a_model_is_counted(shim: str, lmstudio: LMStudioDouble) -> None:
    lmstudio.chat_script = content_script(["hi"], model=UNLOADED)
    ollama.Client(host=shim).chat(model=UNLOADED, messages=HELLO)
    samples = scrape(shim)
    assert value(samples, "shim_model_loads_total", model=UNLOADED, outcome="ok") == 1


@pytest.fixture
def held_stream(shim: str, lmstudio: LMStudioDouble) -> Iterator[None]:
    """A chat stream that stays open (the double pauses between frames) until the test ends."""
    lmstudio.chat_script = content_script(["a", "b", "c", "d"])
    lmstudio.chunk_delay_seconds = 0.5
    started = threading.Event()

    def stream() -> None:
        for _ in ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True):
            started.set()

    reader = threading.Thread(target=stream)
    reader.start()
    assert started.wait(10)
    yield
    reader.join(10)


def test_a_stream_being_written_is_in_flight(shim: str, held_stream: None) -> None:
    assert value(scrape(shim), "shim_streams_in_flight") == 1


def test_an_ended_stream_is_no_longer_in_flight(shim: str, lmstudio: LMStudioDouble) -> None:
    lmstudio.chat_script = content_script(["a"])
    list(ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True))
    assert value(scrape(shim), "shim_streams_in_flight") == 0


def test_a_full_queue_counts_each_503(start_shim: StartShim, lmstudio: LMStudioDouble) -> None:
    shim = start_shim(max_concurrent_requests=1, max_queue=0)
    lmstudio.chat_script = content_script(["a", "b", "c", "d"])
    lmstudio.chunk_delay_seconds = 0.5
    started = threading.Event()

    def stream() -> None:
        for _ in ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True):
            started.set()

    reader = threading.Thread(target=stream)
    reader.start()
    assert started.wait(10)
    refused = httpx.post(shim + "/api/chat", json={"model": MODEL, "messages": HELLO})
    reader.join(10)
    assert refused.status_code == 503
    samples = scrape(shim)
    assert value(samples, "shim_busy_refusals_total") == 1
    assert value(samples, "shim_queue_depth") == 0
