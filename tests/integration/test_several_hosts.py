"""Several LM Studio doubles behind one shim, driven by the official ollama client: one catalog,
requests routed to the host that has the model loaded, failover when a host dies mid-run, and
the host back once it answers again."""

from __future__ import annotations

import concurrent.futures
import socket
from collections.abc import Iterator

import httpx
import ollama
import pytest

from tests.support.double_hosts import DoubleHost, double_hosts, eventually, model, urls_of
from tests.support.lmstudio_models import GEMMA_VISION, NOMIC_EMBED, QWEN_MOE

QWEN, GEMMA, NOMIC = QWEN_MOE["key"], GEMMA_VISION["key"], NOMIC_EMBED["key"]
HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def hosts() -> Iterator[list[DoubleHost]]:
    """a: Qwen (not loaded) and Gemma; b: Qwen loaded and the embedder; c: Qwen (not loaded)."""
    with double_hosts(3) as started:
        a, b, c = (host.double for host in started)
        a.models = [model(QWEN_MOE, loaded=False), model(GEMMA_VISION, loaded=False)]
        b.models = [model(QWEN_MOE, loaded=True), model(NOMIC_EMBED, loaded=False)]
        c.models = [model(QWEN_MOE, loaded=False)]
        yield started


def chats(hosts: list[DoubleHost]) -> list[int]:
    return [len(host.double.chat_requests) for host in hosts]


def host_states(shim: str) -> list[str]:
    return [host["status"] for host in httpx.get(shim + "/readyz").json()["hosts"]]


def tags(shim: str) -> list[str]:
    return sorted(m.model or "" for m in ollama.Client(host=shim).list().models)


def test_the_catalog_is_the_union_each_model_once(hosts: list[DoubleHost], start_shim) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts))
    assert tags(shim) == sorted(f"{key}:latest" for key in (QWEN, GEMMA, NOMIC))
    running = ollama.Client(host=shim).ps().models
    assert [m.model for m in running] == [f"{QWEN}:latest"], "loaded on b, shown once"
    ready = httpx.get(shim + "/readyz").json()
    assert (ready["status"], ready["models"]) == ("ready", 3)
    assert [(h["url"], h["status"], h["models"]) for h in ready["hosts"]] == [
        (hosts[0].url, "up", 2),
        (hosts[1].url, "up", 2),
        (hosts[2].url, "up", 1),
    ]
    assert ready["hosts"][1]["loaded"] == [QWEN]


def test_requests_go_to_the_host_with_the_model_loaded_or_the_only_one_with_it(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts))
    client = ollama.Client(host=shim)
    assert client.chat(model=QWEN, messages=HELLO).message.content == "Hello!"
    assert chats(hosts) == [0, 1, 0]
    client.chat(model=GEMMA, messages=HELLO)
    assert chats(hosts) == [1, 1, 0]
    assert len(client.embed(model=NOMIC, input="hi").embeddings) == 1
    assert [len(h.double.embedding_requests) for h in hosts] == [0, 1, 0]


def test_among_hosts_with_the_model_loaded_the_least_busy_gets_the_request(
    hosts: list[DoubleHost], start_shim
) -> None:
    for host in hosts:
        host.double.models = [model(QWEN_MOE, loaded=True)]
    hosts[0].double.chunk_delay_seconds = 0.2
    shim = start_shim(lmstudio_url=urls_of(hosts))
    client = ollama.Client(host=shim)
    stream = client.chat(model=QWEN, messages=HELLO, stream=True)
    next(stream)  # a's answer is under way
    assert chats(hosts) == [1, 0, 0]
    client.chat(model=QWEN, messages=HELLO)
    assert chats(hosts) == [1, 1, 0], "a is busy, b is next in the list"
    assert "".join(chunk.message.content for chunk in stream) == "!"


def test_a_host_killed_mid_run_is_failed_over_and_leaves_the_catalog(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=3600)
    client = ollama.Client(host=shim)
    client.chat(model=QWEN, messages=HELLO)
    hosts[1].stop()  # the host with Qwen loaded, before the next request reaches it
    replies = [client.chat(model=QWEN, messages=HELLO).message.content for _ in range(3)]
    assert replies == ["Hello!"] * 3, "no request was lost: none had reached the dead host"
    assert sum(chats([hosts[0], hosts[2]])) == 3
    assert host_states(shim) == ["up", "down", "up"], "the refused connection marked it down"
    assert NOMIC + ":latest" not in tags(shim)


def test_a_host_stopping_mid_stream_finishes_it_while_new_requests_go_elsewhere(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_check_seconds=3600)
    hosts[1].double.chunk_delay_seconds = 0.2
    client = ollama.Client(host=shim)
    stream = client.chat(model=QWEN, messages=HELLO, stream=True)
    pieces = [next(stream).message.content]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        stopping = pool.submit(hosts[1].stop)  # returns once the stream it serves has ended
        eventually(lambda: refuses(hosts[1].port))
        assert client.chat(model=QWEN, messages=HELLO).message.content == "Hello!"
        pieces += [chunk.message.content for chunk in stream]
        stopping.result()
    assert "".join(pieces) == "Hello!"
    assert chats(hosts) == [1, 1, 0], "the stream ran once, the new request on another host"


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_stream_cut_by_its_host_is_not_run_again_on_another(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(lmstudio_url=urls_of(hosts))
    hosts[1].double.abort_after = 1
    with pytest.raises(ollama.ResponseError):
        list(ollama.Client(host=shim).chat(model=QWEN, messages=HELLO, stream=True))
    assert chats(hosts) == [0, 1, 0]


def test_a_host_back_after_a_failure_rejoins_once_a_check_sees_it(
    hosts: list[DoubleHost], start_shim
) -> None:
    shim = start_shim(
        lmstudio_url=urls_of(hosts), lmstudio_check_seconds=0.1, model_cache_ttl_seconds=0
    )
    hosts[1].stop()
    eventually(lambda: host_states(shim) == ["up", "down", "up"])
    assert NOMIC + ":latest" not in tags(shim)
    with pytest.raises(ollama.ResponseError):
        ollama.Client(host=shim).embed(model=NOMIC, input="hi")
    hosts[1].start()
    eventually(lambda: host_states(shim) == ["up", "up", "up"])
    assert NOMIC + ":latest" in tags(shim)
    assert len(ollama.Client(host=shim).embed(model=NOMIC, input="hi").embeddings) == 1


def test_ready_while_one_host_answers_and_unavailable_when_none_does(
    hosts: list[DoubleHost], start_shim
) -> None:
    hosts[0].stop()
    hosts[1].stop()
    shim = start_shim(lmstudio_url=urls_of(hosts), model_cache_ttl_seconds=0)
    ready = httpx.get(shim + "/readyz")
    assert ready.status_code == 200, "a host down at start-up does not stop the others"
    assert [h["status"] for h in ready.json()["hosts"]] == ["down", "down", "up"]
    assert tags(shim) == [f"{QWEN}:latest"]
    hosts[2].stop()
    gone = httpx.get(shim + "/readyz")
    assert gone.status_code == 503
    assert gone.json()["status"] == "unavailable"
    assert "cannot reach LM Studio" in gone.json()["error"]
    assert [h["status"] for h in gone.json()["hosts"]] == ["down", "down", "down"]


def test_each_host_gets_its_own_token(hosts: list[DoubleHost], start_shim) -> None:
    for host, token in zip(hosts, ("sk-a", None, "sk-c"), strict=True):
        host.double.required_token = token
    shim = start_shim(lmstudio_url=urls_of(hosts), lmstudio_api_token="sk-a,,sk-c")
    assert len(tags(shim)) == 3
    assert [host.double.authorizations[-1] for host in hosts] == ["Bearer sk-a", "", "Bearer sk-c"]
