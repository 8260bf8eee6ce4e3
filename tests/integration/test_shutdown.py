"""SIGTERM: unready at once, in-flight streams finish, then the process exits cleanly; the same
with several worker processes behind one port."""

import json
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.shim_process import running_shim
from tests.support.sse_scripts import content_script

BODY = {"model": "qwen3.6-35b-a3b-mtp", "messages": [{"role": "user", "content": "hi"}]}


def wait_for_draining(url: str) -> httpx.Response:
    """A single server drains at once; a worker supervisor reads its signals every half second."""
    deadline = time.monotonic() + 2
    while (readiness := httpx.get(url + "/readyz")).status_code == 200:
        assert time.monotonic() < deadline, "never reported draining"
        time.sleep(0.05)
    return readiness


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_drains_then_exits(lmstudio: LMStudioDouble, tmp_path: Path, workers: str) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(30)])
    lmstudio.chunk_delay_seconds = 0.05
    env = {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(tmp_path),
        "SHIM_SHUTDOWN_DELAY_SECONDS": "1",
        "SHIM_SHUTDOWN_GRACE_SECONDS": "10",
        "SHIM_WORKERS": workers,
    }
    with running_shim(tmp_path / "log", env) as shim:
        url, process = shim.url, shim.process
        lines: list[dict[str, object]] = []
        started = threading.Event()

        def stream() -> None:
            with httpx.stream("POST", url + "/api/chat", json=BODY, timeout=20) as response:
                for line in response.iter_lines():
                    lines.append(json.loads(line))
                    started.set()

        reader = threading.Thread(target=stream)
        reader.start()
        assert started.wait(10)
        process.send_signal(signal.SIGTERM)
        readiness = wait_for_draining(url)
        assert (readiness.status_code, readiness.json()) == (503, {"status": "draining"})
        reader.join(20)
        assert lines[-1]["done"] is True, "the in-flight stream finished"
        assert len(lines) == 31
        # uvicorn re-raises the signal once it has shut down, as process managers expect.
        assert process.wait(15) in (0, -signal.SIGTERM)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stream_still_open_when_the_grace_period_ends_gets_an_error_line(
    lmstudio: LMStudioDouble, tmp_path: Path, workers: str
) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05  # ten seconds of answer; the grace is one
    env = {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(tmp_path),
        "SHIM_SHUTDOWN_DELAY_SECONDS": "0",
        "SHIM_SHUTDOWN_GRACE_SECONDS": "1",
        "SHIM_WORKERS": workers,
    }
    with running_shim(tmp_path / "log", env) as shim:
        with httpx.stream("POST", shim.url + "/api/chat", json=BODY, timeout=20) as response:
            lines = response.iter_lines()
            first = json.loads(next(lines))
            shim.process.send_signal(signal.SIGTERM)
            rest = [json.loads(line) for line in lines]
        assert first["done"] is False
        assert rest[-1] == {"error": "shim is shutting down"}
        assert all("error" not in line for line in rest[:-1])
        assert len(rest) < 100, "ended by the grace period, not by the answer's end"
        assert shim.process.wait(15) in (0, -signal.SIGTERM)


def test_a_responses_stream_cut_by_the_grace_period_ends_with_response_failed(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05  # ten seconds of answer; the grace is one
    env = {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(tmp_path),
        "SHIM_SHUTDOWN_DELAY_SECONDS": "0",
        "SHIM_SHUTDOWN_GRACE_SECONDS": "1",
    }
    body = {"model": BODY["model"], "input": "hi", "stream": True}
    with running_shim(tmp_path / "log", env) as shim:
        with httpx.stream("POST", shim.url + "/v1/responses", json=body, timeout=20) as response:
            lines = response.iter_lines()
            assert next(lines) == "event: response.created"
            shim.process.send_signal(signal.SIGTERM)
            rest = list(lines)
        names = [line for line in rest if line.startswith("event: ")]
        assert names[-1] == "event: response.failed"
        assert "response.completed" not in " ".join(names)
        failure = json.loads(rest[rest.index(names[-1]) + 1].removeprefix("data: "))
        assert failure["response"]["error"]["message"] == "shim is shutting down"
        assert shim.process.wait(15) in (0, -signal.SIGTERM)
