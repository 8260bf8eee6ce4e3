"""Does shim's memory come back after a load? Its Python heap (traced) and RSS, before and after.

shim runs in this process, in a thread, with tracemalloc on; the load comes from a separate
client process, so only shim's own allocations are traced. RSS alone cannot tell a leak from
memory the allocator keeps for reuse; the traced heap can.

    .venv/bin/python -m bench.memory [--streams 1000] [--requests 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

from bench.figures import fan_out, load, ollama_chat
from bench.procs import Server, free_port, python

if TYPE_CHECKING:
    from shim.main.server import EmbeddedShim

MiB = 1024 * 1024


class Remote:
    """Just enough of bench.procs.Server for the client side: a port, and no CPU readings."""

    def __init__(self, port: int) -> None:
        self.port = port

    def cpu_seconds(self) -> float:
        return 0.0


def client(port: int, streams: int, requests: int) -> None:
    remote = Remote(port)
    if streams:
        result = asyncio.run(fan_out(remote, ollama_chat(200, stream=True), streams))  # type: ignore[arg-type]
        print(sum(result.errors.values()))
    if requests:
        print(asyncio.run(load(remote, [ollama_chat(8, stream=False)], requests)))  # type: ignore[arg-type]


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _malloc_trim() -> str:
    """How much of the retained RSS the C allocator gives back when asked (glibc only)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return "not glibc: skipped"
    libc.malloc_trim(0)
    return "memory the allocator kept for reuse, handed back"


def heap_mib() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / MiB


def drive(port: int, streams: int = 0, requests: int = 0) -> str:
    argv = [
        sys.executable,
        "-m",
        "bench.memory",
        "--client",
        str(port),
        "--streams",
        str(streams),
        "--requests",
        str(requests),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=True)
    return done.stdout.strip().replace("\n", ", ")


def serve_shim(standin: str, state: str) -> tuple[EmbeddedShim, int]:
    from shim.main.config import Settings
    from shim.main.logging_setup import configure_logging
    from shim.main.server import EmbeddedShim

    configure_logging("warning", "json")
    port = free_port()
    settings = Settings(
        lmstudio_url=standin,
        port=port,
        state_dir=state,
        host_check=False,
        max_queue=2048,
        log_level="warning",
    )
    server = EmbeddedShim(settings)
    threading.Thread(target=asyncio.run, args=(server.run(),), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return server, port


def measure(streams: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        standin = Server("standin", python("-m", "bench.standin", "{port}"), {}, logs=Path(temp))
        try:
            asyncio.run(standin.ready("/v1/models"))
            tracemalloc.start()
            server, port = serve_shim(standin.url, temp)
            drive(port, streams=50, requests=500)  # warm-up: pools, caches, first imports
            rows = [("after warm-up", heap_mib(), rss_mib(), "")]
            errors = drive(port, streams=streams)
            rows.append(
                (f"after {streams} concurrent streams", heap_mib(), rss_mib(), f"errors: {errors}")
            )
            errors = drive(port, streams=streams)
            rows.append(
                (f"after {streams} more streams", heap_mib(), rss_mib(), f"errors: {errors}")
            )
            errors = drive(port, requests=requests)
            rows.append(
                (f"after {requests} more requests", heap_mib(), rss_mib(), f"errors: {errors}")
            )
            trimmed = _malloc_trim()
            rows.append(("after glibc malloc_trim(0)", heap_mib(), rss_mib(), trimmed))
            server.stop()
        finally:
            standin.proc.terminate()
            standin.proc.wait(10)
    print("| point | shim's Python heap MiB (traced) | RSS MiB (this process) | |")
    print("|---|---:|---:|---|")
    for point, heap, rss, note in rows:
        print(f"| {point} | {heap:.2f} | {rss:.1f} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(args.client, args.streams, args.requests)
    else:
        measure(args.streams, args.requests)


if __name__ == "__main__":
    main()
