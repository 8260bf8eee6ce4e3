"""`python3 tasks.py`: its help, and `serve` stopping with shim when it is stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port
from tests.support.shim_process import children_of

ROOT = Path(__file__).parents[2]


def uv_at_hand() -> bool:
    return bool(shutil.which("uv")) or (ROOT / ".tools" / "bin" / "uv").exists()


@pytest.mark.parametrize("asked", ["--help", "-h"])
def test_help_exits_0_and_names_the_tasks(asked: str) -> None:
    done = subprocess.run(
        [sys.executable, "tasks.py", asked], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0
    assert "tasks.py serve" in done.stdout
    assert "tasks.py test" in done.stdout


def test_an_unknown_task_is_refused_with_the_usage() -> None:
    done = subprocess.run(
        [sys.executable, "tasks.py", "deploy"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "tasks.py serve" in done.stderr


def descendants(pid: int) -> set[int]:
    found = children_of(pid)
    for child in set(found):
        found |= descendants(child)
    return found


def wait_until_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = {pid for pid in pids if Path(f"/proc/{pid}").exists()}
        if not alive:
            return alive
        time.sleep(0.1)
    return alive


@pytest.mark.skipif(os.name != "posix" or not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.skipif(not uv_at_hand(), reason="needs uv on PATH or in .tools/")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_tasks_serve_stops_shim(stop: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    with (tmp_path / "log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "tasks.py", "serve", "--backend", "fake", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    started: set[int] = set()
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 120  # the first run may install
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "log").read_text()
            try:
                httpx.get(url)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        started = descendants(process.pid)
        assert started, "shim runs as a child of what tasks.py became"
        process.send_signal(stop)
        process.wait(30)
        assert wait_until_gone(started) == set()
        with pytest.raises(httpx.TransportError):
            httpx.get(url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in started:  # what a failed stop left behind
            if Path(f"/proc/{pid}").exists():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not uv_at_hand(), reason="needs uv on PATH or in .tools/")
def test_tasks_doctor_runs_shims_doctor() -> None:
    done = subprocess.run(
        [sys.executable, "tasks.py", "doctor", "--backend", "fake", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shim doctor: backend fake")
