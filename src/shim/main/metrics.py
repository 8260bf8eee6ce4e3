"""shim's Prometheus metrics, every one named `shim_…`, fed by the domain's and the client's
hooks; only this layer knows prometheus_client.

With several workers each process writes its values to files in the directory
`shared_metrics` prepares, and a scrape of any worker reads them all (the library's
multiprocess mode); alone, a process answers from its own registry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from shim.adapters.upstream_http import UpstreamWatch
from shim.domain.completion import Completed
from shim.domain.hosts import OnHostChanged
from shim.domain.watch import GateWatch, OnAnswered, OnLoaded, OnRefreshed, Outcome
from shim.main.config import Settings
from shim.main.host_metrics import HostMetrics
from shim.main.metric_maker import LATENCY_BUCKETS, Maker
from shim.main.shared_metrics import shared_metrics_dir

NS_PER_SECOND = 1e9
RATE_BUCKETS = (1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500)

MEDIA_TYPE = CONTENT_TYPE_LATEST


class Metrics(GateWatch):
    def __init__(self, shared_dir: Path | None = None) -> None:
        self._shared_dir = shared_dir
        self._registry = registry = CollectorRegistry()
        make = Maker(registry)
        self.requests = make.counter(
            "shim_requests", "Requests, by route, dialect and status (0: none sent)",
            "route", "dialect", "status",
        )  # fmt: skip
        self.request_seconds = make.histogram(
            "shim_request_duration_seconds", "Time from a request's arrival to its last byte",
            LATENCY_BUCKETS, "route", "dialect",
        )  # fmt: skip
        self.streams = make.gauge("shim_streams_in_flight", "Streamed answers being written")
        self.first_token_seconds = make.histogram(
            "shim_time_to_first_token_seconds", "Time from a request to its first token",
            LATENCY_BUCKETS, "model",
        )  # fmt: skip
        self.tokens_per_second = make.histogram(
            "shim_tokens_per_second", "Generation speed of each answer", RATE_BUCKETS, "model"
        )
        self.tokens = make.counter(
            "shim_tokens", "Tokens read (prompt) and written (completion)", "model", "kind"
        )
        self.hosts = HostMetrics(make)
        self.queued = make.gauge("shim_queue_depth", "Requests waiting for a slot")
        self.busy = make.counter("shim_busy_refusals", "Requests refused (503): queue full")
        self.refreshes = make.counter(
            "shim_catalog_refreshes", "Model lists fetched from the backend", "outcome"
        )
        self.loads = make.counter(
            "shim_model_loads", "Requests that load a model", "model", "outcome"
        )

    def exposition(self) -> bytes:
        """The text a scrape reads: this process's registry, or every worker's files."""
        if self._shared_dir is None:
            return generate_latest(self._registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self._shared_dir))  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    def requested(self, route: str, dialect: str, status: int, seconds: float) -> None:
        self.requests.labels(route, dialect, str(status)).inc()
        self.request_seconds.labels(route, dialect).observe(seconds)

    def queue_depth(self, waiting: int) -> None:
        self.queued.set(waiting)

    def refused(self) -> None:
        self.busy.inc()

    def answered(self, model: str, completed: Completed) -> None:
        first_token_ns = completed.load_ns + completed.prompt_eval_ns
        self.first_token_seconds.labels(model).observe(first_token_ns / NS_PER_SECOND)
        written = completed.completion_tokens or 0
        self.tokens.labels(model, "prompt").inc(completed.prompt_tokens or 0)
        self.tokens.labels(model, "completion").inc(written)
        if written and completed.eval_ns:
            rate = written * NS_PER_SECOND / completed.eval_ns
            self.tokens_per_second.labels(model).observe(rate)

    def refreshed(self, outcome: Outcome) -> None:
        self.refreshes.labels(outcome).inc()

    def loaded(self, model: str, outcome: Outcome) -> None:
        self.loads.labels(model, outcome).inc()


class Hooks(NamedTuple):
    """What each service is handed to tell the metrics; all None when metrics are off."""

    gate: GateWatch | None = None
    upstream_for: Callable[[str], UpstreamWatch] | None = None  # each host's, by its URL
    host_changed: OnHostChanged | None = None
    answered: OnAnswered | None = None
    refreshed: OnRefreshed | None = None
    loaded: OnLoaded | None = None

    def upstream_of(self, url: str) -> UpstreamWatch | None:
        """The watch of the client of the host at `url`."""
        return None if self.upstream_for is None else self.upstream_for(url)


NO_HOOKS = Hooks()


def metrics_for(settings: Settings) -> Metrics | None:
    if settings.metrics == "off":
        return None
    shared_dir = shared_metrics_dir(settings)
    if shared_dir is not None:
        forget_dead_workers(shared_dir, os.getpid())
    return Metrics(shared_dir)


def forget_dead_workers(directory: Path, pid: int) -> None:
    """A worker that died leaves its gauges behind (a stream it was writing would count for
    ever): each new worker drops those of the workers no longer running, then names itself."""
    workers = directory / "workers"
    workers.mkdir(parents=True, exist_ok=True)
    for entry in workers.iterdir():
        if entry.name.isdigit() and not is_running(int(entry.name)):
            mark_process_dead(int(entry.name), str(directory))  # type: ignore[no-untyped-call]
            entry.unlink(missing_ok=True)
    (workers / str(pid)).touch()


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX: no signal sent, only asked whether it exists (workers fork)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's
        return True
    return True


def hooks_of(metrics: Metrics | None) -> Hooks:
    if metrics is None:
        return NO_HOOKS
    return Hooks(
        gate=metrics,
        upstream_for=metrics.hosts.watch_for,
        host_changed=metrics.hosts.changed,
        answered=metrics.answered,
        refreshed=metrics.refreshed,
        loaded=metrics.loaded,
    )
