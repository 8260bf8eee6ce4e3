"""Loads, unloads, pulls and /api/ps across several LM Studio doubles behind one shim."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import ollama
import pytest

from tests.support.double_hosts import DoubleHost, double_hosts, urls_of
from tests.support.lmstudio_models import GEMMA_VISION, QWEN_MOE

QWEN, GEMMA = QWEN_MOE["key"], GEMMA_VISION["key"]
HELLO = [{"role": "user", "content": "hello"}]


def unloaded(entry: dict[str, Any]) -> dict[str, Any]:
    return {**copy.deepcopy(entry), "loaded_instances": []}


@pytest.fixture
def hosts() -> Iterator[list[DoubleHost]]:
    """a: Qwen loaded and Gemma; b: Qwen loaded; c: Qwen, not loaded."""
    with double_hosts(3) as started:
        a, b, c = (host.double for host in started)
        a.models = [copy.deepcopy(QWEN_MOE), unloaded(GEMMA_VISION)]
        b.models = [copy.deepcopy(QWEN_MOE)]
        c.models = [unloaded(QWEN_MOE)]
        yield started


def running(shim: str) -> list[str]:
    return sorted(m.model or "" for m in ollama.Client(host=shim).ps().models)


def test_ps_shows_what_any_host_has_loaded_and_an_unload_frees_it_on_every_host(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts))
    assert running(shim) == [f"{QWEN}:latest"]
    ollama.Client(host=shim).generate(model=QWEN, keep_alive=0)
    assert [h.double.unload_requests for h in hosts] == [[{"instance_id": QWEN}]] * 2 + [[]]
    assert running(shim) == []


def test_a_load_goes_to_a_host_that_has_the_model_and_ps_sees_it(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts))
    ollama.Client(host=shim).generate(model=GEMMA, keep_alive=-1)
    assert [h.double.load_requests for h in hosts] == [[{"model": GEMMA}], [], []]
    assert running(shim) == sorted([f"{GEMMA}:latest", f"{QWEN}:latest"])


def test_a_load_skips_a_host_that_cannot_be_reached(hosts: list[DoubleHost], start_shim) -> None:
    for host in hosts:
        host.double.models = [unloaded(QWEN_MOE)]
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=3600)
    ollama.Client(host=shim).list()
    hosts[0].stop()
    ollama.Client(host=shim).generate(model=QWEN, keep_alive=-1)
    assert [h.double.load_requests for h in hosts[1:]] == [[{"model": QWEN}], []]


def test_a_pull_goes_to_the_first_host_that_is_up(hosts: list[DoubleHost], start_shim) -> None:
    hosts[0].stop()
    shim = start_shim(lmstudio_url=urls_of(hosts), download_poll_seconds=0.01)
    ollama.Client(host=shim).list()  # finds the first host down
    assert ollama.Client(host=shim).pull("ibm/granite-4-micro").status == "success"
    assert [len(h.double.download_requests) for h in hosts] == [0, 1, 0]
    assert "ibm/granite-4-micro:latest" in [m.model for m in ollama.Client(host=shim).list().models]
