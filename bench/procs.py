"""Server subprocesses on free loopback ports, and their CPU time and memory from /proc."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tasks import uv

from bench.client import Conn

TICK = os.sysconf("SC_CLK_TCK")
BENCH = Path(__file__).resolve().parent
RUNTIME = BENCH.parent / ".bench-runtime"
# `python -m shim serve`, spelt so that a `pkill -f "shim serve"` run by someone else on a shared
# machine does not end the bench's shim mid-figure (the other servers run as `-m bench.<name>` for
# the same reason). Through runpy and shim's __main__, it names no module inside shim, so it keeps
# working wherever the command-line entry point moves.
SERVE = [
    "-c",
    "import sys, runpy; sys.argv = ['shim', 'serve']; "
    "runpy.run_module('shim', run_name='__main__')",
]


def runtime_python() -> str:
    """A Python with shim installed as `tasks.py serve` installs it: runtime dependencies only.
    The development environment also holds the test tools (pydantic, werkzeug, ...), which
    Litestar and dependency-injector import when present: some 6 MiB that a deployed shim
    does not carry."""
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(RUNTIME)}
    command = [*uv(), "sync", "--no-dev", "--locked", "--quiet"]
    subprocess.run(command, cwd=BENCH.parent, env=env, check=True)
    return str(RUNTIME / "bin" / "python")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    def __init__(
        self, name: str, argv: list[str], env: dict[str, str], logs: Path, port: int | None = None
    ) -> None:
        """`port`: where a server whose configuration names its port listens (nginx)."""
        self.name, self.port = name, port or free_port()
        self.log = logs / f"{name}.log"
        argv = [arg.replace("{port}", str(self.port)) for arg in argv]
        env = {k: v.replace("{port}", str(self.port)) for k, v in env.items()}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                argv,
                env={**os.environ, **env},
                cwd=BENCH.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.pid = self.proc.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def ready(self, path: str, status: int = 200, within: float = 30.0) -> None:
        """Wait until GET `path` answers `status` (bounded in time)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                conn = await Conn.open(self.port)
                try:
                    async with asyncio.timeout(5):
                        answered, _ = await conn.request("GET", path)
                finally:
                    conn.close()
                if answered == status:
                    return
            except Exception:  # not up yet: refused, reset, half an answer
                pass
            await asyncio.sleep(0.1)
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{self.name} did not come up on {self.url}{path}:\n{tail}")

    def pids(self) -> list[int]:
        """The server and its children: shim's worker processes, when it runs several."""
        return [self.pid, *children_of(self.pid)]

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids())

    def rss_mib(self) -> float:
        return sum(rss_mib(pid) for pid in self.pids())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):  # it ended meanwhile
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:
                children.append(int(entry.name))
    return children


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time, all threads: what /proc/<pid>/stat calls
    utime + stime, read from its CPU-time clock in ns, as stat's 10 ms ticks are too coarse
    for a 5 ms stream. Falls back to /proc/<pid>/stat."""
    try:
        return time.clock_gettime((~pid << 3) | 2)  # clock_getcpuclockid(pid)
    except OSError:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return float("nan")  # gone: run.py reports it
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / TICK


def rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


async def start(temp: Path, shim_env: list[str], servers: dict[str, Server]) -> None:
    """The stand-in, then the servers in front of it, each answering before use. Fills
    `servers` as it goes, so the caller can stop whatever started even if a later one fails."""
    servers["standin"] = Server("standin", python("-m", "bench.standin", "{port}"), {}, temp)
    await servers["standin"].ready("/v1/models")
    up = servers["standin"].url
    servers["floor"] = Server("floor", python("-m", "bench.floor", "{port}", up), {}, temp)
    servers["hello"] = Server("hello", python("-m", "bench.hello", "{port}"), {}, temp)
    env = {"SHIM_LMSTUDIO_URL": up, "SHIM_PORT": "{port}", "SHIM_HOST": "127.0.0.1"}
    # The log level as shipped (info: one access-log line per request), as the peers log too.
    env |= {"SHIM_STATE_DIR": str(temp / "state")}
    env |= {"SHIM_SHUTDOWN_DELAY_SECONDS": "0"}
    env |= dict(item.split("=", 1) for item in shim_env)
    shim = [runtime_python(), *SERVE]
    servers["shim"] = Server("shim", shim, env, temp)
    roomy = env | {"SHIM_MAX_QUEUE": "1024"}  # for 1,000 streams at once: 64 run, 936 wait
    servers["roomy"] = Server("roomy", shim, roomy, temp)
    servers["pair"] = Server("pair", shim, env | {"SHIM_WORKERS": "2"}, temp)
    await servers["floor"].ready("/", status=404)  # the floor serves POSTs only
    await servers["hello"].ready("/api/tags")
    await servers["shim"].ready("/api/tags")
    await servers["roomy"].ready("/api/tags")
    await servers["pair"].ready("/api/tags")
