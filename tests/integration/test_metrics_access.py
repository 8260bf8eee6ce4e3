"""Who may read `/metrics`: nobody when off, the key's holders when on (if a key is set),
anyone when public; and several workers answer for all of them together."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import ollama
import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.metrics import scrape, value
from tests.support.shim_process import ShimProcess, running_shim
from tests.support.sse_scripts import content_script

KEY = {"authorization": "Bearer sesame"}
MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]


def test_off_serves_no_metrics(start_shim: StartShim) -> None:
    shim = start_shim(metrics="off")
    assert httpx.get(shim + "/metrics").status_code == 404
    assert httpx.get(shim + "/api/version").status_code == 200


def test_on_without_a_key_is_open(start_shim: StartShim) -> None:
    shim = start_shim(metrics="on")
    assert scrape(shim)


def test_on_with_a_key_wants_the_key(start_shim: StartShim) -> None:
    shim = start_shim(metrics="on", api_key="sesame")
    refused = httpx.get(shim + "/metrics")
    assert refused.status_code == 401
    assert refused.json() == {"error": "unauthorized"}
    samples = scrape(shim, headers=KEY)
    refusal = {"route": "/metrics", "dialect": "ops", "status": "401"}
    assert value(samples, "shim_requests_total", **refusal) == 1


def test_public_is_open_even_with_a_key(start_shim: StartShim) -> None:
    shim = start_shim(metrics="public", api_key="sesame")
    assert scrape(shim)
    assert httpx.get(shim + "/api/tags").status_code == 401


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_metrics_are_only_read(start_shim: StartShim, method: str) -> None:
    shim = start_shim()
    assert httpx.request(method, shim + "/metrics").status_code in (404, 405)


def worker_env(lmstudio: LMStudioDouble, state: Path) -> dict[str, str]:
    return {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(state),
        "SHIM_LOG_FORMAT": "json",
    }


def test_several_workers_count_together(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    state = tmp_path / "state"
    stale = state / "metrics" / "counter_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier run")
    with running_shim(tmp_path / "log", worker_env(lmstudio, state), "--workers", "2") as shim:
        assert not stale.exists(), "an earlier run's values are cleared at start"
        shim.wait_until_serving_workers(2)
        for _ in range(12):  # a new connection each time: the workers share them
            assert httpx.get(shim.url + "/api/version").status_code == 200
        access = [line for line in shim.log_lines() if line.get("path") == "/api/version"]
        assert len({line["pid"] for line in access}) == 2, "both workers served"
        samples = scrape(shim.url)
    version = {"route": "/api/version", "dialect": "ollama", "status": "200"}
    assert value(samples, "shim_requests_total", **version) == 12


def wait_for_new_workers(shim: ShimProcess, gone: set[int]) -> None:
    deadline = time.monotonic() + 30
    while len(shim.worker_pids() - gone) < 2:
        assert time.monotonic() < deadline, "the workers were not replaced"
        time.sleep(0.1)
    while True:  # serving, not only started
        try:
            if httpx.get(shim.url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the new workers do not serve"
            time.sleep(0.1)


def test_a_dead_workers_streams_are_no_longer_in_flight(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    lmstudio.chat_script = content_script(["a", "b", "c", "d", "e", "f"])
    lmstudio.chunk_delay_seconds = 1.0
    started = threading.Event()

    def stream(url: str) -> None:
        try:
            for _ in ollama.Client(host=url).chat(model=MODEL, messages=HELLO, stream=True):
                started.set()
        except (httpx.HTTPError, ollama.ResponseError):
            pass  # its worker is killed under it

    env = worker_env(lmstudio, tmp_path / "state")
    with running_shim(tmp_path / "log", env, "--workers", "2") as shim:
        reader = threading.Thread(target=stream, args=(shim.url,))
        reader.start()
        assert started.wait(15)
        assert value(scrape(shim.url), "shim_streams_in_flight") == 1
        workers = shim.worker_pids()
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        wait_for_new_workers(shim, workers)
        reader.join(15)
        assert value(scrape(shim.url), "shim_streams_in_flight") == 0
