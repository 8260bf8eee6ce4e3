"""Start llama.cpp's server in a child process for the duration of a `with` block."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 5.0
POLL_SECONDS = 0.05


class EngineDidNotStart(RuntimeError):
    """The server exited or stayed unhealthy; the message ends with its log."""


@contextmanager
def running_llama_server(model: Path, port: int, alias: str) -> Iterator[str]:
    """Yield the server's base URL once /health answers 200; stop the server afterwards.

    The server's output goes to a `.log` file next to the model.
    """
    log_path = model.with_suffix(".log")
    command = [
        sys.executable,
        "-m",
        "tests.engine.serve",
        "--model",
        str(model),
        "--port",
        str(port),
        "--alias",
        alias,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url, process, log_path)
        yield base_url
    finally:
        stop(process)


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineDidNotStart(
                f"llama.cpp server exited with {process.returncode}:\n{log_tail(log_path)}"
            )
        if is_healthy(base_url):
            return
        time.sleep(POLL_SECONDS)
    raise EngineDidNotStart(
        f"llama.cpp server not healthy after {READY_TIMEOUT_SECONDS:.0f} s:\n{log_tail(log_path)}"
    )


def is_healthy(base_url: str) -> bool:
    """llama-server answers 503 while it loads the model, 200 once it can serve."""
    try:
        return httpx.get(base_url + "/health", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(log_path: Path, lines: int = 40) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
