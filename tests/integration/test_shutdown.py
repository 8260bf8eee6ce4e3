"""SIGTERM: unready at once, in-flight streams finish, then the process exits cleanly."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port
from tests.support.sse_scripts import content_script

BODY = {"model": "qwen3.6-35b-a3b-mtp", "messages": [{"role": "user", "content": "hi"}]}


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            httpx.get(url + "/healthz")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("shim did not start")


def test_sigterm_drains_then_exits(lmstudio: LMStudioDouble, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lmstudio.chat_script = content_script([f"t{i} " for i in range(30)])
    lmstudio.chunk_delay_seconds = 0.05
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_PORT": str(port),
        "SHIM_STATE_DIR": str(tmp_path),
        "SHIM_SHUTDOWN_DELAY_SECONDS": "0.5",
        "SHIM_SHUTDOWN_GRACE_SECONDS": "10",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "shim", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(url, process)
        lines: list[dict] = []  # type: ignore[type-arg]
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
        time.sleep(0.1)
        readiness = httpx.get(url + "/readyz")
        assert (readiness.status_code, readiness.json()) == (503, {"status": "draining"})
        reader.join(20)
        assert lines[-1]["done"] is True, "the in-flight stream finished"
        assert len(lines) == 31
        # uvicorn re-raises the signal once it has shut down, as process managers expect.
        assert process.wait(15) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
