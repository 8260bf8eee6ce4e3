"""More faults: LM Studio slow to accept connections; disconnects on every streaming route."""

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"


@pytest.fixture
def unaccepting_server() -> Iterator[str]:
    """A socket that listens but never accepts, with its backlog filled: connects hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for filler in fillers:
        filler.close()
    listener.close()


def test_lm_studio_slow_to_accept_hits_the_connect_timeout(
    start_shim, unaccepting_server: str
) -> None:
    url = start_shim(
        lmstudio_url=unaccepting_server, connect_timeout_seconds=0.3, discovery_retries=0
    )
    started = time.monotonic()
    response = httpx.get(url + "/api/tags", timeout=10)
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["error"].startswith("cannot reach LM Studio")


def test_disconnect_on_generate_cancels_lm_studio(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    body = {"model": MODEL, "prompt": "go"}
    with (
        httpx.Client() as client,
        client.stream("POST", shim + "/api/generate", json=body) as response,
    ):
        next(response.iter_lines())
        left = time.monotonic()
    assert lmstudio.disconnected.wait(2)
    assert lmstudio.disconnected_at is not None
    assert lmstudio.disconnected_at - left < 1.0


def test_disconnect_on_pull_stops_polling(lmstudio: LMStudioDouble, start_shim) -> None:
    lmstudio.downloadable["ibm/granite-4-micro"]["size"] = 10**12
    url = start_shim(download_poll_seconds=0.05)
    body = {"model": "ibm/granite-4-micro"}
    with httpx.Client() as client, client.stream("POST", url + "/api/pull", json=body) as response:
        lines = response.iter_lines()
        next(lines)
        next(lines)
    time.sleep(0.3)
    polls = lmstudio.status_polls
    time.sleep(0.5)
    assert lmstudio.status_polls == polls, "nobody asks LM Studio after the client left"
