"""nginx (Debian's package) in front of shims on loopback, configured from deploy/nginx.conf:
the documented example, with the shims' and nginx's own addresses put in, and its files kept in
a temporary directory."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.programs import program
from tests.support.servers import free_port

EXAMPLE = Path(__file__).parents[2] / "deploy" / "nginx.conf"
UPSTREAM_SERVER = re.compile(r"^([ \t]*)server \d+\.\d+\.\d+\.\d+:\d+( .*;)\n", re.MULTILINE)


def configured(upstreams: Sequence[str], port: int, directory: Path) -> str:
    """The example, serving on `port` and passing to `upstreams` (host:port each)."""
    example = EXAMPLE.read_text()
    first = UPSTREAM_SERVER.search(example)
    assert first is not None, "deploy/nginx.conf lists no upstream server"
    indent, options = first.group(1), first.group(2)
    servers = "".join(f"{indent}server {upstream}{options}\n" for upstream in upstreams)
    text = UPSTREAM_SERVER.sub("", example).replace(
        "upstream shims {\n", "upstream shims {\n" + servers
    )
    text = text.replace("listen 11434;", f"listen 127.0.0.1:{port};")
    temp_paths = "".join(
        f"    {kind}_temp_path {directory / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temp_paths, 1)


@contextmanager
def running_nginx(upstreams: Sequence[str], directory: Path) -> Iterator[str]:
    """Yield nginx's URL while it runs in front of `upstreams`."""
    port = free_port()
    config = directory / "nginx.conf"
    config.write_text(configured(upstreams, port, directory))
    command = [program("nginx"), "-p", str(directory), "-c", str(config)]
    command += ["-e", str(directory / "error.log")]
    command += ["-g", f"daemon off; pid {directory / 'nginx.pid'}; user root;"]
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
