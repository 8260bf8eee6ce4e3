"""Throughput with 1, 2 and 3 shims behind nginx (deploy/nginx.conf) on one Redis, against the
stand-in, beside the stand-in alone (the ceiling): prints the figures and their ratios.

`.venv/bin/python bench/replicas.py [--quick]`. Needs nginx and redis-server (Debian's packages);
without them it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop

from bench import figures as f
from bench.nginx import nginx_command
from bench.procs import SERVE, Server, free_port, python, runtime_python
from bench.report import machine

REPLICAS = (1, 2, 3)
SBIN = "/usr/sbin:/usr/local/sbin"


def programs() -> tuple[str, str] | None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path=SBIN)
    redis = shutil.which("redis-server") or shutil.which("redis-server", path=SBIN)
    if nginx is None or redis is None:
        print("replicas: nginx and redis-server are needed (apt-get install -y nginx redis-server)")
        return None
    return nginx, redis


async def start(temp: Path, nginx: str, redis: str, servers: dict[str, Server]) -> None:
    """The stand-in, Redis, three shims on it, and one nginx per replica count."""
    servers["standin"] = Server("standin", python("-m", "bench.standin", "{port}"), {}, temp)
    redis_argv = [
        redis,
        "--port",
        "{port}",
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--dir",
        str(temp),
    ]
    servers["redis"] = Server("redis", redis_argv, {}, temp)
    await servers["standin"].ready("/v1/models")
    env = {
        "SHIM_LMSTUDIO_URL": servers["standin"].url,
        "SHIM_PORT": "{port}",
        "SHIM_STATE_BACKEND": "redis",
        "SHIM_REDIS_URL": f"redis://127.0.0.1:{servers['redis'].port}/0",
        "SHIM_SHUTDOWN_DELAY_SECONDS": "0",
    }
    shim = [runtime_python(), *SERVE]
    for n in range(1, max(REPLICAS) + 1):
        state = {"SHIM_STATE_DIR": str(temp / f"state-{n}")}
        servers[f"shim-{n}"] = Server(f"shim-{n}", shim, env | state, temp)
    for n in range(1, max(REPLICAS) + 1):
        await servers[f"shim-{n}"].ready("/api/tags")
    for count in REPLICAS:
        upstreams = [f"127.0.0.1:{servers[f'shim-{n}'].port}" for n in range(1, count + 1)]
        port, where = free_port(), temp / f"nginx-{count}"
        where.mkdir()
        argv = nginx_command(nginx, upstreams, port, where)
        servers[f"nginx-{count}"] = Server(f"nginx-{count}", argv, {}, temp, port=port)
        await servers[f"nginx-{count}"].ready("/api/tags")


async def measure(servers: dict[str, Server], streams: int, runs: int) -> None:
    call = f.ollama_chat(200, True)
    direct = await fanned(servers["standin"], f.openai_chat(200, True), streams, runs)
    rows: list[tuple[str, list[f.FanOut], float | None]] = [("stand-in alone", direct, None)]
    shims = [servers[f"shim-{n}"] for n in range(1, max(REPLICAS) + 1)]
    for count in REPLICAS:
        front = servers[f"nginx-{count}"]
        await f.fan_out(front, call, streams)  # warm-up: connections, caches
        before = sum(shim.cpu_seconds() for shim in shims)
        fans = [await f.fan_out(front, call, streams) for _ in range(runs)]
        spent = (sum(shim.cpu_seconds() for shim in shims) - before) / runs
        rows.append((f"{count} shim{'s' * (count > 1)} behind nginx", fans, spent))
    base = streams / median(rows[1][1])
    print(f"\n### {streams} concurrent 200-chunk /api/chat streams through nginx ({runs} runs)\n")
    print(f"{machine()}\n")
    print("| Setup | wall ms | streams/s | / 1 shim | shims' CPU ms per run | errors |")
    print("|---|---|---|---|---|---|")
    for label, fans, cpu in rows:
        rate = streams / median(fans)
        shown = "—" if cpu is None else f"{cpu * 1000:,.0f}"
        print(
            f"| {label} | {median(fans) * 1000:,.0f} | {rate:,.1f} | {rate / base:.2f} "
            f"| {shown} | {errors(fans)} |"
        )


async def fanned(server: Server, call: f.Call, streams: int, runs: int) -> list[f.FanOut]:
    await f.fan_out(server, call, streams)  # warm-up: connections, caches
    return [await f.fan_out(server, call, streams) for _ in range(runs)]


def median(fans: list[f.FanOut]) -> float:
    return statistics.median(fan.seconds for fan in fans)


def errors(fans: list[f.FanOut]) -> str:
    total: Counter[str] = sum((fan.errors for fan in fans), Counter())
    return ", ".join(f"{kind}: {n}" for kind, n in total.items()) or "0"


async def main(quick: bool) -> int:
    found = programs()
    if found is None:
        return 0
    temp = Path(tempfile.mkdtemp(prefix="shim-replicas-"))
    servers: dict[str, Server] = {}
    try:
        await start(temp, *found, servers)
        await measure(servers, streams=60 if quick else 200, runs=1 if quick else 5)
    finally:
        for server in servers.values():
            server.stop()
    shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer streams, one run")
    sys.exit(uvloop.run(main(parser.parse_args().quick)))
