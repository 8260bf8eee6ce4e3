"""A real redis-server on a free loopback port, its files in a temporary directory."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.programs import program
from tests.support.servers import free_port


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Yield the server's URL while it runs; nothing it holds is saved."""
    port = free_port()
    command = [program("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--dir", str(directory), "--save", "", "--appendonly", "no"]
    with (directory / "redis.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for_redis(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def wait_for_redis(url: str, process: subprocess.Popen[bytes]) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    try:
        while True:
            assert process.poll() is None, "redis-server exited at start"
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.02)
    finally:
        client.close()
