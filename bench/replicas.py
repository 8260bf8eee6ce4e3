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
from bench.report import OtherLoad, machine, wait_for_quiet

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


Row = tuple[str, list[f.FanOut], float | None, float]  # label, runs, shims' CPU, others' load


async def measure(servers: dict[str, Server], streams: int, runs: int) -> None:
    """Each setup after a wait for a quiet machine, with the share of a core other processes
    took meanwhile: on a shared machine that share, not shim, can decide a row."""
    call, rows = f.ollama_chat(200, True), list[Row]()
    shims = [servers[f"shim-{n}"] for n in range(1, max(REPLICAS) + 1)]
    setups = [("stand-in alone", servers["standin"], f.openai_chat(200, True))]
    for count in REPLICAS:
        label = f"{count} shim{'s' * (count > 1)} behind nginx"
        setups.append((label, servers[f"nginx-{count}"], call))
    for label, front, request in setups:
        print(f"  {label}: {await wait_for_quiet(servers.values(), 30)}", flush=True)
        await f.fan_out(front, request, streams)  # warm-up: connections, caches
        before, others = sum(shim.cpu_seconds() for shim in shims), OtherLoad(servers.values())
        fans = [await f.fan_out(front, request, streams) for _ in range(runs)]
        spent = (sum(shim.cpu_seconds() for shim in shims) - before) / runs
        rows.append((label, fans, None if front is servers["standin"] else spent, others.share()))
    report(rows, streams, runs)


def report(rows: list[Row], streams: int, runs: int) -> None:
    base = streams / median(rows[1][1])
    print(f"\n### {streams} concurrent 200-chunk /api/chat streams through nginx ({runs} runs)\n")
    print(f"{machine()}\n")
    print(
        "| Setup | wall ms | streams/s | / 1 shim | shims' CPU ms per run | errors | others' load |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, fans, cpu, others in rows:
        rate = streams / median(fans)
        shown = "—" if cpu is None else f"{cpu * 1000:,.0f}"
        print(
            f"| {label} | {median(fans) * 1000:,.0f} | {rate:,.1f} | {rate / base:.2f} "
            f"| {shown} | {errors(fans)} | {others:.0f}% of a core |"
        )


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
