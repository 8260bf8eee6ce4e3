"""`python -m shim serve` as a child process: started, waited for, inspected, stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.servers import free_port


@dataclass
class ShimProcess:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines written so far (the service logs JSON when not on a terminal)."""
        lines = self.log_path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def wait_for_line(self, event: str) -> dict[str, Any]:
        """The first line of `event`, waiting for it to be written (lines from background work
        come when that work is done)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = [line for line in self.log_lines() if line["event"] == event]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no {event} line in {self.log_path.read_text()}")

    def worker_pids(self) -> set[int]:
        """The worker processes: the service's children."""
        return children_of(self.process.pid)

    def wait_until_workers_serve(self, workers: set[int]) -> None:
        """Each worker logs `shim.serving` once its app is built: started is not yet serving."""
        deadline = time.monotonic() + 30
        while not workers <= self.serving_pids():
            assert time.monotonic() < deadline, f"workers never served: {workers}"
            time.sleep(0.1)

    def wait_until_serving_workers(self, count: int) -> set[int]:
        deadline = time.monotonic() + 30
        while len(serving := self.serving_pids() & self.worker_pids()) < count:
            assert time.monotonic() < deadline, f"serving workers: {serving}"
            time.sleep(0.1)
        return serving

    def serving_pids(self) -> set[int]:
        return {line["pid"] for line in self.log_lines() if line["event"] == "shim.serving"}


def children_of(parent: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
            continue
        # The fields after the command name (which may hold spaces): state, then the parent id.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.add(int(entry.name))
    return children


@contextmanager
def running_shim(log_path: Path, env: dict[str, str], *args: str) -> Iterator[ShimProcess]:
    """Serve on a free port until the block ends, then stop with SIGTERM (SIGKILL if stuck)."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "shim", "serve", "--port", str(port), *args],
            # No start-up look unless a test asks: it would add calls to the double's counts.
            env={**os.environ, "SHIM_STARTUP_CHECK": "false", **env},
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group, so that no worker outlives a test
        )
    shim = ShimProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until_serving(shim)
        yield shim
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL for whatever of its process group is left."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def wait_until_serving(shim: ShimProcess) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert shim.process.poll() is None, shim.log_path.read_text()
        try:
            httpx.get(shim.url + "/healthz")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("shim did not start")
