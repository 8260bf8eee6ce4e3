"""Start the stand-in, the floor, hello, shim and the peers; measure; print a markdown table.

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
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvloop

from bench import figures as f
from bench import peers
from bench.procs import Server, rss_mib, start
from bench.report import (
    COLUMNS,
    OtherLoad,
    Row,
    Value,
    cells,
    machine,
    markdown,
    wait_for_quiet,
)

T = TypeVar("T")


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
        self.peers = [name for name in peers.PEERS if name in servers]
        self._fans: dict[tuple[str, int], list[f.FanOut]] = {}
        self._rps: dict[str, float | None] = {}

    def row(self, figure: str, *values: Value) -> None:
        """A row of the table: values in column order, the columns left out shown as —."""
        row = (figure, [*values, *[None] * (len(COLUMNS) - len(values))])
        self.rows.append(row)
        print("  " + " | ".join(cells(row)), flush=True)

    def columns(
        self, floor: str = "floor", shim: str = "shim", with_peers: bool = True
    ) -> dict[str, str]:
        """Column -> the server measured in it; the peers (those present) where they apply."""
        mine = {"direct": "standin", "floor": floor, "shim": shim}
        return mine | {peer: peer for peer in self.peers if with_peers}

    def by_column(self, runs: dict[str, T], value: Callable[[T], Value]) -> list[Value]:
        return [value(runs[column]) if column in runs else None for column in COLUMNS]

    async def sequentials(
        self, direct: f.Call, call: f.Call, reps: int, warmup: int, with_peers: bool
    ) -> dict[str, f.Sequential]:
        """Column -> `reps` sequential requests (`direct` to the stand-in, `call` elsewhere)."""
        return {
            column: await f.sequential(
                self.s[name], direct if column == "direct" else call, reps, warmup
            )
            for column, name in self.columns(with_peers=with_peers).items()
        }

    async def streamed(self, label: str, direct: f.Call, call: f.Call, with_peers: bool) -> None:
        reps, chunks = self.plan.stream_reps, call.tokens * self.plan.stream_reps
        runs = await self.sequentials(direct, call, reps, 5, with_peers)
        wall = self.by_column(runs, f.Sequential.median_ms)
        self.row(f"{label}: wall ms (median of {reps})", *wall)
        base = runs["direct"].median_ms()
        self.row(f"{label}: wall / direct", *self.by_column(runs, lambda r: r.median_ms() / base))
        cpu = self.by_column(runs, lambda r: r.cpu_seconds / chunks * 1e6)
        self.row(f"{label}: server CPU µs/chunk (direct: stand-in)", *cpu)
        mine = self.by_column(runs, lambda r: r.client_cpu_seconds / chunks * 1e6)
        self.row(f"{label}: client CPU µs/chunk (bench's own)", *mine)
        self._failures(label, runs)

    async def small(self, label: str, direct: f.Call, call: f.Call, with_peers: bool) -> None:
        reps, warmup = self.plan.small_reps, self.plan.small_warmup
        runs = await self.sequentials(direct, call, reps, warmup, with_peers)
        p50 = self.by_column(runs, f.Sequential.median_ms)
        self.row(f"{label}: p50 ms ({reps} requests)", *p50)
        self.added(label, runs, f.Sequential.percentile_ms)
        cpu = self.by_column(runs, lambda r: r.cpu_seconds / reps * 1e6)
        self.row(f"{label}: server CPU µs/request (direct: stand-in)", *cpu)
        mine = self.by_column(runs, lambda r: r.client_cpu_seconds / reps * 1e6)
        self.row(f"{label}: client CPU µs/request (bench's own)", *mine)
        self._failures(label, runs)

    def added(
        self, label: str, runs: dict[str, f.Sequential], ms: Callable[[f.Sequential, float], float]
    ) -> None:
        """p50 and p99 of `ms` (a run's percentile), less direct's."""
        bridges = {column: run for column, run in runs.items() if column != "direct"}
        for name, q in (("p50", 0.5), ("p99", 0.99)):
            base = ms(runs["direct"], q)
            values = [ms(bridges[c], q) - base if c in bridges else None for c in COLUMNS]
            self.row(f"{label}: added {name} ms vs direct", *values)

    def _failures(self, label: str, runs: dict[str, f.Sequential]) -> None:
        if any(r.failures for r in runs.values()):
            self.row(f"{label}: FAILED answers", *self.by_column(runs, lambda r: r.failures))

    async def fig1(self) -> None:
        await self.streamed(
            "1 /api/chat 2000-chunk stream",
            f.openai_chat(2000, True),
            f.ollama_chat(2000, True),
            with_peers=True,
        )

    async def fig2(self) -> None:
        await self.small(
            "2 /api/chat small stream:false",
            f.openai_chat(8, False),
            f.ollama_chat(8, False),
            with_peers=True,
        )

    async def fig3(self) -> None:
        servers = self.columns(floor="hello")
        del servers["direct"]  # the stand-in has no /api/tags
        self.row(tags_label(3, ""), *self.by_column(servers, self._tags_rps))

    def _tags_rps(self, name: str) -> float | None:
        """Median of the wrk runs, measured once per server and kept for reuse."""
        if name not in self._rps:
            url = self.s[name].url + "/api/tags"
            runs = [f.wrk_rps(url, self.plan.wrk_seconds) for _ in range(self.plan.wrk_runs)]
            good = [r for r in runs if r is not None]
            self._rps[name] = statistics.median(good) if len(good) == len(runs) else None
        return self._rps[name]

    async def fig4(self) -> None:
        await self.fan_out(200, self.plan.fanout_runs, "shim", "", with_peers=True)
        # shim's admission limits at work, and long runs on two cores: at 200 only for the peers
        await self.fan_out(1000, 1, "shim", "")
        await self.fan_out(1000, 1, "roomy", ", shim with SHIM_MAX_QUEUE=1024")

    async def fan_out(
        self,
        streams: int,
        runs: int,
        shim: str,
        note: str,
        figure: int = 4,
        with_peers: bool = False,
    ) -> None:
        servers = self.columns(shim=shim, with_peers=with_peers)
        results = {
            column: await self._fanned(name, streams, runs) for column, name in servers.items()
        }
        label = f"{figure} {streams} concurrent 200-chunk streams{note}"
        wall, base = fan_ms("seconds"), fan_ms("seconds")(results["direct"])
        self.row(f"{label}: wall ms", *self.by_column(results, wall))
        self.row(f"{label}: wall / direct", *self.by_column(results, lambda r: wall(r) / base))
        cpu = self.by_column(results, fan_ms("cpu_seconds"))
        self.row(f"{label}: server CPU ms (direct: stand-in)", *cpu)
        mine = self.by_column(results, fan_ms("client_cpu_seconds"))
        self.row(f"{label}: client CPU ms (bench's own)", *mine)
        self.row(f"{label}: errors", *self.by_column(results, errors))

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
        await self.streamed("6 /v1 chat 2000-chunk stream", stream, stream, with_peers=False)
        await self.small("6 /v1 chat small stream:false", small, small, with_peers=False)

    async def fig7(self) -> None:
        """Figures 3 and 4 again with shim as two worker processes (CPU and RSS: all of them)."""
        pair = self._tags_rps("pair")
        self.row(tags_label(7, ", shim with SHIM_WORKERS=2"), None, self._tags_rps("hello"), pair)
        await self.fan_out(200, self.plan.fanout_runs, "pair", ", SHIM_WORKERS=2", figure=7)
        each = [rss_mib(pid) for pid in self.s["pair"].pids()]
        spelt = " + ".join(f"{mib:.1f}" for mib in each) + f" = {sum(each):.1f}"
        self.row("7 RSS MiB: the parent + its children (workers, resource tracker)", *NONE, spelt)

    async def fig8(self) -> None:
        """When the first line of a stream arrives: a bridge that held lines back would show it."""
        reps, warmup = self.plan.small_reps, self.plan.small_warmup
        label, direct = "8 /api/chat 200-chunk stream", f.openai_chat(200, True)
        runs = await self.sequentials(direct, f.ollama_chat(200, True), reps, warmup, True)
        first = self.by_column(runs, lambda r: r.first_line_ms(0.5))
        self.row(f"{label}: first line, p50 ms (direct: first SSE event; {reps} requests)", *first)
        self.added(f"{label}: first line", runs, f.Sequential.first_line_ms)
        whole = self.by_column(runs, f.Sequential.median_ms)
        self.row(f"{label}: whole stream, p50 ms", *whole)
        self._failures(label, runs)


def tags_label(figure: int, note: str) -> str:
    label = f"{figure} /api/tags req/s (wrk -t1 -c32; floor: hello{note})"
    if shutil.which("wrk") is None:
        label += ": wrk is not installed (apt-get install -y wrk)"
    return label


def fan_ms(timing: str) -> Callable[[list[f.FanOut]], float]:
    """The median over fan-outs of one of their timings (`seconds`, `cpu_seconds`, ...), in ms."""
    return lambda runs: statistics.median(getattr(run, timing) for run in runs) * 1000


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
        print("peers:", flush=True)
        guests = await peers.start(temp, servers)
        print(f"shim bench ({kind}): {machine()}", flush=True)
        bench, others = Bench(servers, plan), list[str]()
        for number in [args.only] if args.only else [1, 2, 8, 3, 4, 6, 7, 5]:
            figure: Callable[[], Coroutine[Any, Any, None]] = getattr(bench, f"fig{number}")
            print(f"  {await wait_for_quiet(servers.values(), args.quiet_wait)}", flush=True)
            during = OtherLoad(servers.values())
            try:
                async with asyncio.timeout(600):
                    await figure()
            except Exception as error:  # one broken figure must not hide the others
                failed = True
                bench.row(f"{number} FAILED: {type(error).__name__}: {error}")
            others.append(f"figure {number}: {during.share():.0f}%")
            print(f"  ({others[-1]} of a core used by other processes)")
            for name, server in servers.items():
                if server.proc.poll() is not None and name not in gone:
                    failed = True
                    gone.add(name)  # a negative code is the signal that ended it
                    exit_code = server.proc.returncode
                    bench.row(f"{name} EXITED ({exit_code}) during figure {number}")
        rss = bench.by_column(bench.columns(), lambda name: servers[name].rss_mib())
        bench.row("RSS MiB after the run (direct: stand-in)", *rss)
        print(f"\n### shim benchmark ({kind} run)\n\n{machine()}")
        print(f"\nPeers: {'; '.join(guests)}.")
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
    parser.add_argument("--only", type=int, choices=range(1, 9), help="run one figure")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        metavar="S",
        help="longest wait for a quiet machine before each figure",
    )
    parser.add_argument("--shim-env", action="append", default=[], metavar="NAME=VALUE")
    uvloop.run(main(parser.parse_args()))
