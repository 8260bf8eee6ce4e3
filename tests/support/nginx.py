"""nginx (Debian's package) in front of shims on loopback, from deploy/nginx.conf."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench.nginx import nginx_command

from tests.support.programs import program
from tests.support.servers import free_port


@contextmanager
def running_nginx(upstreams: Sequence[str], directory: Path) -> Iterator[str]:
    """Yield nginx's URL while it runs in front of `upstreams`."""
    port = free_port()
    command = nginx_command(program("nginx"), upstreams, port, directory)
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited: {process.stderr.read() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.02)
