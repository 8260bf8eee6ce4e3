"""The measurements: sequential runs, fan-outs, wrk and memory; each bounded in count and time."""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass

import msgspec

from bench.client import Conn, HTTPError, Pool, intact
from bench.procs import Server

MODEL = "bench/model"
REQUEST_TIMEOUT = 60.0


@dataclass(frozen=True)
class Call:
    """One kind of request: where it goes, its body, and how to check the answer."""

    path: str
    body: bytes
    kind: str  # "sse", "ndjson" or "json": what the answer is
    tokens: int


def ollama_chat(tokens: int, stream: bool) -> Call:
    body = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Count for me."}],
        "stream": stream,
        "options": {"num_predict": tokens},
    }
    return Call("/api/chat", msgspec.json.encode(body), "ndjson" if stream else "json", tokens)


def openai_chat(tokens: int, stream: bool) -> Call:
    body = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Count for me."}],
        "stream": stream,
        "max_tokens": tokens,
    }
    return Call(
        "/v1/chat/completions", msgspec.json.encode(body), "sse" if stream else "json", tokens
    )


def anthropic_messages(tokens: int) -> Call:
    body = {
        "model": MODEL,
        "max_tokens": tokens,
        "messages": [{"role": "user", "content": "Count for me."}],
        "stream": True,
    }
    return Call("/v1/messages", msgspec.json.encode(body), "anthropic-sse", tokens)


def openai_responses(tokens: int) -> Call:
    body = {"model": MODEL, "input": "Count for me.", "max_output_tokens": tokens, "stream": True}
    return Call("/v1/responses", msgspec.json.encode(body), "responses-sse", tokens)


@dataclass
class Sequential:
    seconds: list[float]  # wall time of each request
    first_line: list[float]  # from the start of each request to its answer's first line
    cpu_seconds: float  # the server's CPU over all timed requests
    client_cpu_seconds: float  # this process's CPU over the same requests
    failures: int

    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    def percentile_ms(self, fraction: float) -> float:
        return percentile_ms(self.seconds, fraction)

    def first_line_ms(self, fraction: float) -> float:
        return percentile_ms(self.first_line, fraction)


def percentile_ms(seconds: list[float], fraction: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def sequential(server: Server, call: Call, reps: int, warmup: int) -> Sequential:
    """`reps` requests one after another on one keep-alive connection; answers checked untimed."""
    pool = Pool(server.port)
    try:
        for _ in range(warmup):
            async with asyncio.timeout(REQUEST_TIMEOUT):
                await pool.request("POST", call.path, call.body)
        seconds, first_line, failures, client = [], [], 0, 0.0
        cpu = server.cpu_seconds()
        for _ in range(reps):
            async with asyncio.timeout(REQUEST_TIMEOUT):
                mine, started = time.process_time(), time.perf_counter()
                status, body = await pool.request("POST", call.path, call.body)
                seconds.append(time.perf_counter() - started)
                client += time.process_time() - mine
                first_line.append(pool.first_line_at - started)
            failures += status != 200 or not intact(call.kind, body, call.tokens)
        return Sequential(seconds, first_line, server.cpu_seconds() - cpu, client, failures)
    finally:
        pool.close()


@dataclass
class FanOut:
    seconds: float
    cpu_seconds: float
    client_cpu_seconds: float
    errors: Counter[str]


async def fan_out(server: Server, call: Call, streams: int) -> FanOut:
    """`streams` requests at once, each on its own connection; every answer checked afterwards."""

    async def one() -> tuple[int, bytes]:
        async with asyncio.timeout(REQUEST_TIMEOUT * 2):
            conn = await Conn.open(server.port)
            try:
                return await conn.request("POST", call.path, call.body)
            finally:
                conn.close()

    cpu, mine, started = server.cpu_seconds(), time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(one() for _ in range(streams)), return_exceptions=True)
    seconds, cpu = time.perf_counter() - started, server.cpu_seconds() - cpu
    mine = time.process_time() - mine
    errors: Counter[str] = Counter()
    for result in results:
        if isinstance(result, BaseException):
            errors[type(result).__name__] += 1
        elif result[0] != 200:
            errors[f"HTTP {result[0]}"] += 1
        elif not intact(call.kind, result[1], call.tokens):
            errors["broken or out of order"] += 1
    return FanOut(seconds, cpu, mine, errors)


def wrk_rps(url: str, seconds: int, connections: int = 32) -> float | None:
    """Requests/sec from `wrk -t1`; None when wrk is not installed or the run had errors."""
    if shutil.which("wrk") is None:
        return None
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=False
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found is None or "Non-2xx" in output or "Socket errors" in output:
        print(f"  wrk against {url} went wrong:\n{output}")
        return None
    return float(found.group(1))


async def load(server: Server, calls: list[Call], total: int, concurrency: int = 8) -> int:
    """`total` requests cycling through `calls`, `concurrency` at a time; returns the failures."""
    failures = 0

    async def worker(offset: int) -> None:
        nonlocal failures
        pool = Pool(server.port)
        try:
            for n in range(offset, total, concurrency):
                call = calls[n % len(calls)]
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT):
                        status, body = await pool.request("POST", call.path, call.body)
                    failures += status != 200 or not intact(call.kind, body, call.tokens)
                except (OSError, TimeoutError, ValueError, HTTPError):
                    failures += 1
        finally:
            pool.close()

    await asyncio.gather(*(worker(offset) for offset in range(concurrency)))
    return failures
