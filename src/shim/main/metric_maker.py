"""Metrics made in one registry, with the buckets and worker modes shim's metrics share."""

from __future__ import annotations

from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Model loads and first tokens take seconds to minutes; requests from milliseconds up.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

# How a gauge reads with several workers, each writing its own value: summed over the live ones
# (what each of them carries adds up), or the live worker's that was set last (what each of them
# saw of one shared thing, the latest sight being the truest).
WorkerMode = Literal["livesum", "livemostrecent"]


class Maker:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def counter(self, name: str, doc: str, *labels: str) -> Counter:
        return Counter(name, doc, labels, registry=self._registry)

    def histogram(self, name: str, doc: str, buckets: tuple[float, ...], *labels: str) -> Histogram:
        return Histogram(name, doc, labels, buckets=buckets, registry=self._registry)

    def gauge(self, name: str, doc: str, *labels: str, mode: WorkerMode = "livesum") -> Gauge:
        return Gauge(name, doc, labels, registry=self._registry, multiprocess_mode=mode)
