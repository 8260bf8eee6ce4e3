"""Three shim processes on one Redis behind nginx (deploy/nginx.conf): requests spread over them,
and a replica stopped with SIGTERM while streams run finishes every stream nginx gave it while
new requests go to the others."""

import concurrent.futures
import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.nginx import running_nginx
from tests.support.shim_process import ShimProcess, running_shim
from tests.support.sse_scripts import content_script

CHUNKS = 30
BODY = {"model": "qwen3.6-35b-a3b-mtp", "messages": [{"role": "user", "content": "hi"}]}
SHOW = {"model": "qwen3.6-35b-a3b-mtp"}  # a POST, as quick as the streams are slow


@dataclass
class Deployment:
    nginx: str
    shims: list[ShimProcess]

    def served(self, shim: ShimProcess, path: str) -> list[str]:
        """The request ids of the requests to `path` that `shim` answered."""
        return [
            line.get("request_id", "")
            for line in shim.log_lines()
            if line["event"] == "request" and line["path"] == path
        ]

    def counts_once_logged(self, path: str, total: int) -> list[int]:
        """Requests to `path` per shim, once all `total` are in the logs (a shim writes its line
        just after the answer is out)."""
        deadline = time.monotonic() + 10
        while sum(counts := [len(self.served(shim, path)) for shim in self.shims]) < total:
            assert time.monotonic() < deadline, f"only {counts} logged"
            time.sleep(0.05)
        return counts


@pytest.fixture
def deployment(lmstudio: LMStudioDouble, redis_url: str, tmp_path: Path) -> Iterator[Deployment]:
    env = {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_BACKEND": "redis",
        "SHIM_REDIS_URL": redis_url,
        "SHIM_LOG_FORMAT": "json",
        "SHIM_SHUTDOWN_DELAY_SECONDS": "1",
        "SHIM_SHUTDOWN_GRACE_SECONDS": "20",
    }
    with ExitStack() as stack:
        shims = [
            stack.enter_context(
                running_shim(
                    tmp_path / f"shim-{n}.log",
                    {**env, "SHIM_STATE_DIR": str(tmp_path / f"state-{n}")},
                )
            )
            for n in range(3)
        ]
        (tmp_path / "nginx").mkdir()
        upstreams = [shim.url.removeprefix("http://") for shim in shims]
        nginx = stack.enter_context(running_nginx(upstreams, tmp_path / "nginx"))
        yield Deployment(nginx, shims)


def test_requests_spread_over_every_replica(deployment: Deployment) -> None:
    for _ in range(12):
        assert httpx.get(deployment.nginx + "/api/tags").status_code == 200
    counts = deployment.counts_once_logged("/api/tags", 12)
    assert sum(counts) == 12
    assert all(counts), f"a replica got nothing: {counts}"


def stream(nginx: str, request_id: str) -> list[dict[str, object]]:
    headers = {"x-request-id": request_id}
    with httpx.stream(
        "POST", nginx + "/api/chat", json=BODY, headers=headers, timeout=30
    ) as response:
        assert response.status_code == 200
        return [json.loads(line) for line in response.iter_lines()]


def readiness_after_signal(shim: ShimProcess) -> tuple[int, str]:
    """What the replica's own /readyz says once it has heard the signal, while it still accepts
    connections (SHIM_SHUTDOWN_DELAY_SECONDS)."""
    deadline = time.monotonic() + 5
    while (answer := httpx.get(shim.url + "/readyz")).status_code == 200:
        assert time.monotonic() < deadline, "the replica never said it was draining"
        time.sleep(0.02)
    return answer.status_code, answer.json()["status"]


def test_a_replica_stopped_mid_stream_finishes_its_streams_and_new_requests_go_elsewhere(
    lmstudio: LMStudioDouble, deployment: Deployment
) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(CHUNKS)])
    lmstudio.chunk_delay_seconds = 0.1  # three seconds per stream
    ids = [uuid.uuid4().hex for _ in range(6)]
    stopping = deployment.shims[0]
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        streams = [pool.submit(stream, deployment.nginx, rid) for rid in ids]
        time.sleep(1.0)  # every stream under way
        stopping.process.send_signal(signal.SIGTERM)
        assert readiness_after_signal(stopping) == (503, "draining")
        later: list[int] = []
        while stopping.process.poll() is None:  # new requests all the while it drains
            later.append(httpx.post(deployment.nginx + "/api/show", json=SHOW).status_code)
            time.sleep(0.05)
        answers = {rid: future.result() for rid, future in zip(ids, streams, strict=True)}
    assert stopping.process.returncode in (0, -signal.SIGTERM)
    routed_there = set(deployment.served(stopping, "/api/chat")) & set(ids)
    assert routed_there, "nginx gave the stopped replica none of the streams"
    for rid, lines in answers.items():
        assert len(lines) == CHUNKS + 1, f"stream {rid} was cut"
        assert lines[-1]["done"] is True
    assert later, "no request was made while the replica drained"
    assert set(later) == {200}, Counter(later)
    after = [httpx.post(deployment.nginx + "/api/show", json=SHOW) for _ in range(6)]
    assert [response.status_code for response in after] == [200] * 6
