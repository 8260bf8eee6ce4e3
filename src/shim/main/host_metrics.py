"""The metrics of each LM Studio host, labelled `host` by its URL: the calls its client makes,
and, with several hosts, whether it answers, what runs on it and how many models it lists."""

from __future__ import annotations

import re

from shim.adapters.upstream_http import UpstreamWatch
from shim.domain.hosts import HostStatus
from shim.main.metric_maker import LATENCY_BUCKETS, Maker

# `user:password@` before the host: a credential never becomes a label.
_USERINFO = re.compile(r"(?<=://)[^/@]*@")


def host_label(url: str) -> str:
    return _USERINFO.sub("", url, count=1).rstrip("/")


class HostMetrics:
    def __init__(self, make: Maker) -> None:
        self.calls = make.counter(
            "shim_upstream_calls", "Calls to LM Studio, by host and status (0: no answer)",
            "host", "method", "route", "status",
        )  # fmt: skip
        self.seconds = make.histogram(
            "shim_upstream_duration_seconds", "Time of a call to LM Studio (to its headers)",
            LATENCY_BUCKETS, "host", "route",
        )  # fmt: skip
        self.errors = make.counter(
            "shim_upstream_errors", "Calls to LM Studio that failed in transport",
            "host", "route", "kind",
        )  # fmt: skip
        # Each worker checks every host on its own: its latest sight of a host is the truest.
        self.up = make.gauge(
            "shim_host_up", "Whether an LM Studio host answers (1) or not (0)", "host",
            mode="livemostrecent",
        )  # fmt: skip
        self.in_flight = make.gauge(
            "shim_host_requests_in_flight", "Requests running on an LM Studio host", "host"
        )
        self.models = make.gauge(
            "shim_host_models", "Models an LM Studio host listed (0 while down)", "host",
            mode="livemostrecent",
        )  # fmt: skip

    def watch_for(self, url: str) -> UpstreamWatch:
        """What the client of the host at `url` tells, counted under its label."""
        return HostCalls(self, host_label(url))

    def changed(self, status: HostStatus) -> None:
        host = host_label(status.url)
        self.up.labels(host).set(1 if status.up else 0)
        self.in_flight.labels(host).set(status.in_flight)
        self.models.labels(host).set(status.models)


class HostCalls(UpstreamWatch):
    """One host's view of the metrics, so that its client need not know which host it is."""

    def __init__(self, metrics: HostMetrics, host: str) -> None:
        self._metrics = metrics
        self._host = host

    def called(self, method: str, route: str, status: int, seconds: float) -> None:
        self._metrics.calls.labels(self._host, method, route, str(status)).inc()
        self._metrics.seconds.labels(self._host, route).observe(seconds)

    def failed(self, route: str, kind: str) -> None:
        self._metrics.errors.labels(self._host, route, kind).inc()
