"""Start the stand-in, the floor, hello and shim; measure every figure; print a markdown table.

`.venv/bin/python bench/run.py [--quick] [--only N] [--shim-env NAME=VALUE ...]`
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop

from bench import figures as f
from bench.procs import Server, rss_mib, start
from bench.report import OtherLoad, Row, Value, cells, machine, markdown, wait_for_quiet


@dataclass(frozen=True)
class Plan:
    stream_reps: int = 100
    small_reps: int = 1000
    small_warmup: int = 100
    wrk_seconds: int = 5
    wrk_runs: int = 3
    fanout_runs: int = 5
    rss_warmup: int = 1000
    rss_requests: int = 10_000


QUICK = Plan(20, 200, 20, 2, 1, 1, 200, 2000)
NONE = (None, None)  # no direct or floor figure to set beside shim's


class Bench:
    def __init__(self, servers: dict[str, Server], plan: Plan) -> None:
        self.s, self.plan, self.rows = servers, plan, list[Row]()
        self._fans: dict[tuple[str, int], list[f.FanOut]] = {}
        self._rps: dict[str, float | None] = {}

    def row(self, figure: str, direct: Value, floor: Value, shim: Value) -> None:
        self.rows.append((figure, direct, floor, shim))
        print("  " + " | ".join(cells((figure, direct, floor, shim))), flush=True)

    async def streamed(self, label: str, direct: f.Call, call: f.Call) -> None:
        reps, chunks = self.plan.stream_reps, call.tokens * self.plan.stream_reps
        d = await f.sequential(self.s["standin"], direct, reps, warmup=5)
        fl = await f.sequential(self.s["floor"], call, reps, warmup=5)
        sh = await f.sequential(self.s["shim"], call, reps, warmup=5)
        self.row(f"{label}: wall ms (median of {reps})", *(r.median_ms() for r in (d, fl, sh)))
        base = d.median_ms()
        self.row(f"{label}: wall / direct", 1.0, fl.median_ms() / base, sh.median_ms() / base)
        cpu = [r.cpu_seconds / chunks * 1e6 for r in (d, fl, sh)]
        self.row(f"{label}: server CPU µs/chunk (direct: stand-in)", *cpu)
        mine = [r.client_cpu_seconds / chunks * 1e6 for r in (d, fl, sh)]
        self.row(f"{label}: client CPU µs/chunk (bench's own)", *mine)
        self._failures(label, d, fl, sh)

    async def small(self, label: str, direct: f.Call, call: f.Call) -> None:
        reps, warmup = self.plan.small_reps, self.plan.small_warmup
        d = await f.sequential(self.s["standin"], direct, reps, warmup)
        fl = await f.sequential(self.s["floor"], call, reps, warmup)
        sh = await f.sequential(self.s["shim"], call, reps, warmup)
        self.row(f"{label}: p50 ms ({reps} requests)", *(r.median_ms() for r in (d, fl, sh)))
        for name, q in (("p50", 0.5), ("p99", 0.99)):
            added = [r.percentile_ms(q) - d.percentile_ms(q) for r in (fl, sh)]
            self.row(f"{label}: added {name} ms vs direct", None, *added)
        cpu = [r.cpu_seconds / reps * 1e6 for r in (d, fl, sh)]
        self.row(f"{label}: server CPU µs/request (direct: stand-in)", *cpu)
        mine = [r.client_cpu_seconds / reps * 1e6 for r in (d, fl, sh)]
        self.row(f"{label}: client CPU µs/request (bench's own)", *mine)
        self._failures(label, d, fl, sh)

    def _failures(self, label: str, *runs: f.Sequential) -> None:
        if any(r.failures for r in runs):
            self.row(f"{label}: FAILED answers", *(r.failures for r in runs))

    async def fig1(self) -> None:
        await self.streamed(
            "1 /api/chat 2000-chunk stream", f.openai_chat(2000, True), f.ollama_chat(2000, True)
        )

    async def fig2(self) -> None:
        await self.small(
            "2 /api/chat small stream:false", f.openai_chat(8, False), f.ollama_chat(8, False)
        )

    async def fig3(self) -> None:
        self.row(tags_label(3, ""), None, self._tags_rps("hello"), self._tags_rps("shim"))

    def _tags_rps(self, name: str) -> float | None:
        """Median of the wrk runs, measured once per server and kept for reuse."""
        if name not in self._rps:
            url = self.s[name].url + "/api/tags"
            runs = [f.wrk_rps(url, self.plan.wrk_seconds) for _ in range(self.plan.wrk_runs)]
            good = [r for r in runs if r is not None]
            self._rps[name] = statistics.median(good) if len(good) == len(runs) else None
        return self._rps[name]

    async def fig4(self) -> None:
        await self.fan_out(200, self.plan.fanout_runs, "shim", "")
        await self.fan_out(1000, 1, "shim", "")
        await self.fan_out(1000, 1, "roomy", ", shim with SHIM_MAX_QUEUE=1024")

    async def fan_out(self, streams: int, runs: int, shim: str, note: str, figure: int = 4) -> None:
        results = [await self._fanned(name, streams, runs) for name in ("standin", "floor", shim)]
        walls = [statistics.median(r.seconds for r in rs) * 1000 for rs in results]
        label = f"{figure} {streams} concurrent 200-chunk streams{note}"
        self.row(f"{label}: wall ms", *walls)
        self.row(f"{label}: wall / direct", 1.0, walls[1] / walls[0], walls[2] / walls[0])
        cpu = [statistics.median(r.cpu_seconds for r in rs) * 1000 for rs in results]
        self.row(f"{label}: server CPU ms (direct: stand-in)", *cpu)
        mine = [statistics.median(r.client_cpu_seconds for r in rs) * 1000 for rs in results]
        self.row(f"{label}: client CPU ms (bench's own)", *mine)
        self.row(f"{label}: errors", *(errors(rs) for rs in results))

    async def _fanned(self, name: str, streams: int, runs: int) -> list[f.FanOut]:
        """A warm-up fan-out (pools, caches, GC), then `runs` measured; kept for reuse."""
        if (name, streams) not in self._fans:
            call = f.openai_chat(200, True) if name == "standin" else f.ollama_chat(200, True)
            await f.fan_out(self.s[name], call, streams)
            fans = [await f.fan_out(self.s[name], call, streams) for _ in range(runs)]
            self._fans[name, streams] = fans
        return self._fans[name, streams]

    async def fig5(self) -> None:
        calls = [f.ollama_chat(8, False), f.ollama_chat(16, True), f.openai_chat(8, False)]
        rss: dict[str, list[float]] = {}
        for name in ("floor", "shim"):
            server = self.s[name]
            failed = await f.load(server, calls, self.plan.rss_warmup)
            before = server.rss_mib()
            failed += await f.load(server, calls, self.plan.rss_requests)
            rss[name] = [before, server.rss_mib(), failed]
        n = self.plan.rss_requests
        self.row("5 RSS MiB after warm-up", None, rss["floor"][0], rss["shim"][0])
        self.row(f"5 RSS MiB after {n} more requests", None, rss["floor"][1], rss["shim"][1])
        growth = [f"{rss[name][1] - rss[name][0]:+.2f}" for name in ("floor", "shim")]
        self.row(f"5 RSS growth MiB over {n} requests", None, *growth)
        if rss["floor"][2] or rss["shim"][2]:
            self.row("5 FAILED requests", None, rss["floor"][2], rss["shim"][2])

    async def fig6(self) -> None:
        stream, small = f.openai_chat(2000, True), f.openai_chat(8, False)
        await self.streamed("6 /v1 relay 2000-chunk stream", stream, stream)
        await self.small("6 /v1 relay small stream:false", small, small)

    async def fig7(self) -> None:
        """Figures 3 and 4 again with shim as two worker processes (CPU and RSS: all of them)."""
        pair = self._tags_rps("pair")
        self.row(tags_label(7, ", shim with SHIM_WORKERS=2"), None, self._tags_rps("hello"), pair)
        await self.fan_out(200, self.plan.fanout_runs, "pair", ", SHIM_WORKERS=2", figure=7)
        each = [rss_mib(pid) for pid in self.s["pair"].pids()]
        spelt = " + ".join(f"{mib:.1f}" for mib in each) + f" = {sum(each):.1f}"
        self.row("7 RSS MiB: the parent + its children (workers, resource tracker)", *NONE, spelt)


def tags_label(figure: int, note: str) -> str:
    label = f"{figure} /api/tags req/s (wrk -t1 -c32; floor: hello{note})"
    if shutil.which("wrk") is None:
        label += ": wrk is not installed (apt-get install -y wrk)"
    return label


def errors(runs: list[f.FanOut]) -> int | str:
    """0, or how many failed, and how, over all the runs."""
    total: Counter[str] = sum((r.errors for r in runs), Counter())
    if not total:
        return 0
    return f"{total.total()} ({', '.join(f'{kind}: {n}' for kind, n in total.items())})"


async def main(args: argparse.Namespace) -> None:
    plan, kind = (QUICK, "quick") if args.quick else (Plan(), "full")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    temp = Path(tempfile.mkdtemp(prefix="shim-bench-"))
    servers: dict[str, Server] = {}
    failed, gone = False, set[str]()
    try:
        await start(temp, args.shim_env, servers)
        print(f"shim bench ({kind}): {machine()}", flush=True)
        bench, others = Bench(servers, plan), list[str]()
        for number in [args.only] if args.only else [1, 2, 3, 4, 6, 7, 5]:
            figure: Callable[[], Coroutine[Any, Any, None]] = getattr(bench, f"fig{number}")
            print(f"  {await wait_for_quiet(servers.values(), args.quiet_wait)}", flush=True)
            during = OtherLoad(servers.values())
            try:
                async with asyncio.timeout(600):
                    await figure()
            except Exception as error:  # one broken figure must not hide the others
                failed = True
                bench.row(f"{number} FAILED: {type(error).__name__}: {error}", None, None, None)
            others.append(f"figure {number}: {during.share():.0f}%")
            print(f"  ({others[-1]} of a core used by other processes)")
            for name, server in servers.items():
                if server.proc.poll() is not None and name not in gone:
                    failed = True
                    gone.add(name)  # a negative code is the signal that ended it
                    exit_code = server.proc.returncode
                    bench.row(f"{name} EXITED ({exit_code}) during figure {number}", *[None] * 3)
        rss = [servers[name].rss_mib() for name in ("standin", "floor", "shim")]
        bench.row("RSS MiB after the run (direct: stand-in)", *rss)
        print(f"\n### shim benchmark ({kind} run)\n\n{machine()}")
        print(
            f"\nShare of a core used by other processes during each figure: {', '.join(others)}\n"
        )
        print(markdown(bench.rows))
    except BaseException:
        failed = True
        raise
    finally:
        for server in servers.values():
            server.stop()
        if failed:
            print(f"server logs kept in {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    parser.add_argument("--only", type=int, choices=range(1, 8), help="run one figure")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        metavar="S",
        help="longest wait for a quiet machine before each figure",
    )
    parser.add_argument("--shim-env", action="append", default=[], metavar="NAME=VALUE")
    uvloop.run(main(parser.parse_args()))
