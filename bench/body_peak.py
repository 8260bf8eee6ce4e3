"""How much memory one large request body costs: a fresh shim per body, its peak RSS (VmHWM).

Each body is a shape that decodes into many small Python objects, sent to a shim on the fake
backend (no LM Studio needed); the last is one long string, for comparison.

    .venv/bin/python -m bench.body_peak [--mb 95] [--env SHIM_MAX_JSON_VALUES=50000000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.procs import free_port

MB = 1_000_000
MESSAGE = b'{"role":"user","content":"x"},'


def bodies(size: int) -> Iterator[tuple[str, str, bytes]]:
    def body(head: bytes, item: bytes, count: int, tail: bytes) -> bytes:
        return head + item * (count - 1) + item[:-1] + tail

    yield "`input`: numbers", "/api/embed", body(b'{"model":"m","input":[', b"1,", size // 2, b"]}")
    yield "`input`: `{}`", "/api/embed", body(b'{"model":"m","input":[', b"{},", size // 3, b"]}")
    messages = body(b'{"model":"m","messages":[', MESSAGE, size // len(MESSAGE), b"]}")
    yield "`messages`: small ones", "/api/chat", messages
    members = b",".join(b'"k%d":0' % index for index in range(size // 12))
    yield "`/v1`: top-level members", "/v1/chat/completions", b'{"model":"m",' + members + b"}"
    yield "one long string", "/api/chat", b'{"model":"m","prompt":"' + b"x" * size + b'"}'


def peak_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def serve(state: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    settings = {"SHIM_BACKEND": "fake", "SHIM_LOG_LEVEL": "warning", "SHIM_STATE_DIR": state}
    process = subprocess.Popen(
        [sys.executable, "-m", "shim", "serve", "--port", str(port)],
        env={**os.environ, **settings, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/healthz")
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("shim did not start")


def measure(name: str, path: str, body: bytes, env: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory() as state:
        process, url = serve(state, env)
        try:
            idle = peak_mib(process.pid)
            started = time.perf_counter()
            answer = httpx.post(url + path, content=body, timeout=600)
            took = time.perf_counter() - started
            peak = peak_mib(process.pid)
        finally:
            process.terminate()
            process.wait(15)
    size = len(body) / MB
    return f"| {name} | {size:.0f} | {idle:.0f} | {peak:.0f} | {answer.status_code} | {took:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=95)
    parser.add_argument("--env", action="append", default=[], help="NAME=value for shim")
    args = parser.parse_args()
    env = dict(pair.split("=", 1) for pair in args.env)
    print("| body | MB | peak RSS MiB idle | peak RSS MiB after | status | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path, body in bodies(int(args.mb * MB)):
        print(measure(name, path, body, env), flush=True)


if __name__ == "__main__":
    main()
