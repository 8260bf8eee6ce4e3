"""The printed side: table cells, the markdown table, the machine, and other processes' load."""

from __future__ import annotations

import asyncio
import datetime
import os
import platform
import resource
import time
from collections.abc import Iterable
from pathlib import Path

from bench.procs import TICK, Server

Value = float | int | str | None
COLUMNS = ("direct", "floor", "shim", "k0in", "swappo")  # the last two: the peers (peers.py)
Row = tuple[str, list[Value]]  # the figure, and a value per column


def show(value: Value) -> str:
    if value is None:
        return "—"
    if not isinstance(value, float):
        return str(value)
    if abs(value) < 10:
        return f"{value:.3f}"
    return f"{value:,.0f}" if abs(value) > 999 else f"{value:.1f}"


def cells(row: Row) -> list[str]:
    """The row's values and shim/floor, when both are numbers."""
    floor, shim = row[1][1], row[1][2]
    numbers = isinstance(floor, int | float) and isinstance(shim, int | float)
    ratio = f"{shim / floor:.2f}" if numbers and floor else "—"  # type: ignore[operator]
    return [row[0], *(show(value) for value in row[1]), ratio]


def markdown(rows: Iterable[Row]) -> str:
    lines = [
        f"| figure | {' | '.join(COLUMNS)} | shim/floor |",
        "|---" + "|---:" * (len(COLUMNS) + 1) + "|",
    ]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {when}"


class OtherLoad:
    """CPU the machine spent outside this bench (its servers, itself, wrk) while it ran."""

    def __init__(self, servers: Iterable[Server]) -> None:
        self._servers = list(servers)
        self._wall = time.monotonic()
        self._busy, self._own = self._machine_busy(), self._own_cpu()

    def _machine_busy(self) -> float:
        """user + nice + system: irq and softirq time (loopback TCP, mostly this bench's own
        traffic) is left out, as it is not charged to any process."""
        user, nice, system = (int(x) for x in Path("/proc/stat").read_text().split()[1:4])
        return (user + nice + system) / TICK

    def _own_cpu(self) -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
        servers = sum(s.cpu_seconds() for s in self._servers if s.proc.poll() is None)
        return servers + time.process_time() + children.ru_utime + children.ru_stime

    def share(self) -> float:
        """Percent of one core that other processes used since this object was made."""
        wall = time.monotonic() - self._wall
        other = (self._machine_busy() - self._busy) - (self._own_cpu() - self._own)
        return max(other, 0.0) / max(wall, 1e-9) * 100


async def wait_for_quiet(servers: Iterable[Server], limit: float = 60.0) -> str:
    """Wait (at most `limit` s) until other processes use under 10% of a core for 2 s."""
    started = time.monotonic()
    while True:
        probe = OtherLoad(servers)
        await asyncio.sleep(2)
        share = probe.share()
        waited = time.monotonic() - started
        if share < 10 or waited >= limit:
            return f"other processes at {share:.0f}% of a core after waiting {waited:.0f} s"
