"""Two shims (separate processes' worth: each its own app, cache and state directory) sharing one
Redis: what one changes the other serves at once, and first requests load a model once."""

import concurrent.futures
from pathlib import Path

import httpx
import ollama
import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble

LOADED = "qwen3.6-35b-a3b-mtp"
UNLOADED = "google/gemma-4-12b-qat"
HELLO = [{"role": "user", "content": "hello"}]
LONG_CACHE = 60.0  # far longer than any test: only word of a change can refresh a list


@pytest.fixture
def two_shims(start_shim: StartShim, redis_url: str, tmp_path: Path) -> tuple[str, str]:
    return (
        start_shim(
            state_backend="redis",
            redis_url=redis_url,
            state_dir=str(tmp_path / "first"),
            model_cache_ttl_seconds=LONG_CACHE,
        ),
        start_shim(
            state_backend="redis",
            redis_url=redis_url,
            state_dir=str(tmp_path / "second"),
            model_cache_ttl_seconds=LONG_CACHE,
        ),
    )


def names(url: str) -> list[str]:
    return [model.model for model in ollama.Client(host=url).list().models]


def test_an_alias_made_through_one_shim_is_served_by_the_other_at_once(
    two_shims: tuple[str, str],
) -> None:
    first, second = two_shims
    assert "helper:latest" not in names(second)  # the second shim's list is cached now
    ollama.Client(host=first).copy(LOADED, "helper")
    answer = ollama.Client(host=second).chat(model="helper", messages=HELLO)
    assert answer.message.content == "Hello!"
    assert "helper:latest" in names(second)


def test_an_alias_deleted_through_one_shim_is_gone_from_the_other_at_once(
    two_shims: tuple[str, str],
) -> None:
    first, second = two_shims
    ollama.Client(host=first).copy(LOADED, "helper")
    assert "helper:latest" in names(second)
    ollama.Client(host=second).delete("helper")
    assert "helper:latest" not in names(first)
    refused = httpx.post(first + "/api/chat", json={"model": "helper", "messages": HELLO})
    assert refused.status_code == 404


def test_aliases_are_kept_in_redis_not_in_the_state_directory(
    two_shims: tuple[str, str], tmp_path: Path
) -> None:
    ollama.Client(host=two_shims[0]).copy(LOADED, "helper")
    assert not list(tmp_path.glob("*/aliases.json"))


def test_first_requests_on_both_shims_load_a_model_once(
    lmstudio: LMStudioDouble, two_shims: tuple[str, str]
) -> None:
    lmstudio.jit_load_seconds = 0.3
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda n: ollama.Client(host=two_shims[n % 2]).chat(model=UNLOADED, messages=HELLO),
                range(4),
            )
        )
    assert [a.message.content for a in answers] == ["Hello!"] * 4
    assert lmstudio.jit_loads == 1
    model = next(m for m in lmstudio.models if m["key"] == UNLOADED)
    assert [i["id"] for i in model["loaded_instances"]] == [UNLOADED]


def test_a_load_through_one_shim_shows_in_the_others_ps_at_once(
    two_shims: tuple[str, str],
) -> None:
    first, second = two_shims
    assert UNLOADED + ":latest" not in [m.model for m in ollama.Client(host=second).ps().models]
    ollama.Client(host=first).generate(model=UNLOADED, keep_alive=-1)
    assert UNLOADED + ":latest" in [m.model for m in ollama.Client(host=second).ps().models]


def test_a_shim_whose_redis_is_out_of_reach_says_so_with_503(start_shim: StartShim) -> None:
    """Not ready, and requests refused as unavailable, naming Redis; never a 500."""
    url = start_shim(state_backend="redis", redis_url="redis://127.0.0.1:9/0")
    readiness = httpx.get(url + "/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["status"] == "unavailable"
    for refused in (
        httpx.get(url + "/api/tags"),
        httpx.post(url + "/api/chat", json={"model": LOADED, "messages": HELLO}),
        httpx.post(url + "/api/copy", json={"source": LOADED, "destination": "helper"}),
    ):
        assert refused.status_code == 503
        assert "cannot read aliases from Redis" in refused.json()["error"]
