"""Metrics per LM Studio host: two doubles behind one shim, `/metrics` read back with
prometheus_client's parser while the official ollama client sends requests and a host goes
away and comes back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import ollama
import pytest

from tests.conftest import StartShim
from tests.support.double_hosts import DoubleHost, double_hosts, eventually, model, urls_of
from tests.support.lmstudio_models import NOMIC_EMBED, QWEN_MOE
from tests.support.metrics import scrape, total, value
from tests.support.shim_process import running_shim
from tests.support.sse_scripts import content_script

QWEN, NOMIC = QWEN_MOE["key"], NOMIC_EMBED["key"]
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def hosts() -> Iterator[list[DoubleHost]]:
    """a: Qwen, loaded; b: the embedder."""
    with double_hosts(2) as started:
        a, b = (host.double for host in started)
        a.models = [model(QWEN_MOE, loaded=True)]
        b.models = [model(NOMIC_EMBED, loaded=False)]
        yield started


def gauge(shim: str, name: str, host: DoubleHost) -> float | None:
    return scrape(shim).get((name, frozenset({("host", host.url)})))


def test_each_hosts_calls_are_counted_under_its_url(
    hosts: list[DoubleHost], start_shim: StartShim
) -> None:
    a, b = hosts
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=3600)
    client = ollama.Client(host=shim)
    client.chat(model=QWEN, messages=HELLO)
    client.embed(model=NOMIC, input="hi")
    samples = scrape(shim)
    chat = {"method": "POST", "route": "/v1/chat/completions", "status": "200"}
    assert value(samples, "shim_upstream_calls_total", host=a.url, **chat) == 1
    assert value(samples, "shim_upstream_calls_total", host=b.url, **chat) == 0
    assert total(samples, "shim_upstream_calls_total", host=a.url, method="POST") == 1
    assert total(samples, "shim_upstream_calls_total", host=b.url, method="POST") == 1
    assert total(samples, "shim_upstream_duration_seconds_count", host=b.url) >= 2
    for host in hosts:
        assert value(samples, "shim_host_up", host=host.url) == 1
        assert value(samples, "shim_host_models", host=host.url) == 1
        assert value(samples, "shim_host_requests_in_flight", host=host.url) == 0


def test_a_stopped_host_is_down_with_its_errors_counted_then_up_once_back(
    hosts: list[DoubleHost], start_shim: StartShim
) -> None:
    a, b = hosts
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=0.1)
    eventually(lambda: gauge(shim, "shim_host_up", b) == 1)
    b.stop()
    eventually(lambda: gauge(shim, "shim_host_up", b) == 0)
    samples = scrape(shim)
    assert total(samples, "shim_upstream_errors_total", host=b.url, kind="unreachable") >= 1
    assert total(samples, "shim_upstream_errors_total", host=a.url) == 0
    assert value(samples, "shim_host_models", host=b.url) == 0
    assert value(samples, "shim_host_up", host=a.url) == 1
    b.start()
    eventually(lambda: gauge(shim, "shim_host_up", b) == 1)
    assert gauge(shim, "shim_host_models", b) == 1


def test_a_stream_counts_in_flight_on_its_host_alone(
    hosts: list[DoubleHost], start_shim: StartShim
) -> None:
    a, b = hosts
    a.double.chat_script = content_script(["a", "b", "c", "d"])
    a.double.chunk_delay_seconds = 0.5
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=3600)
    ollama.Client(host=shim).list()
    started, done = threading.Event(), threading.Event()

    def stream() -> None:
        for _ in ollama.Client(host=shim).chat(model=QWEN, messages=HELLO, stream=True):
            started.set()
        done.set()

    reader = threading.Thread(target=stream)
    reader.start()
    assert started.wait(10)
    samples = scrape(shim)
    reader.join(10)
    assert done.is_set()
    assert value(samples, "shim_host_requests_in_flight", host=a.url) == 1
    assert value(samples, "shim_host_requests_in_flight", host=b.url) == 0
    assert gauge(shim, "shim_host_requests_in_flight", a) == 0


def test_several_workers_each_checking_read_as_one_view_of_each_host(
    hosts: list[DoubleHost], tmp_path: Path
) -> None:
    a, b = hosts
    env = {
        "SHIM_LMSTUDIO_URL": urls_of(hosts),
        "SHIM_LMSTUDIO_CHECK_SECONDS": "0.1",
        "SHIM_STATE_DIR": str(tmp_path / "state"),
        "SHIM_LOG_FORMAT": "json",
    }
    with running_shim(tmp_path / "log", env, "--workers", "2") as shim:
        shim.wait_until_serving_workers(2)  # both check, and both tell what they see
        eventually(lambda: gauge(shim.url, "shim_host_up", b) == 1)
        b.stop()
        eventually(lambda: gauge(shim.url, "shim_host_up", b) == 0)
        samples = scrape(shim.url)
        assert value(samples, "shim_host_up", host=a.url) == 1, "one host, not one per worker"
        assert value(samples, "shim_host_models", host=a.url) == 1
        assert total(samples, "shim_upstream_errors_total", host=b.url, kind="unreachable") >= 1
        b.start()
        eventually(lambda: gauge(shim.url, "shim_host_up", b) == 1)
