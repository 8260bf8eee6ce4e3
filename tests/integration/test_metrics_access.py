"""Who may read `/metrics`: nobody when off, the key's holders when on (if a key is set),
anyone when public; and several workers answer for all of them together."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.metrics import scrape, value
from tests.support.shim_process import running_shim

KEY = {"authorization": "Bearer sesame"}


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


def test_several_workers_count_together(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    state = tmp_path / "state"
    stale = state / "metrics" / "counter_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier run")
    env = {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(state),
        "SHIM_LOG_FORMAT": "json",
    }
    with running_shim(tmp_path / "log", env, "--workers", "2") as shim:
        assert not stale.exists(), "an earlier run's values are cleared at start"
        for _ in range(12):  # a new connection each time: the workers share them
            assert httpx.get(shim.url + "/api/version").status_code == 200
        access = [line for line in shim.log_lines() if line.get("path") == "/api/version"]
        assert len({line["pid"] for line in access}) == 2, "both workers served"
        samples = scrape(shim.url)
    version = {"route": "/api/version", "dialect": "ollama", "status": "200"}
    assert value(samples, "shim_requests_total", **version) == 12
