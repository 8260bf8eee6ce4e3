"""Each host's metrics: its calls under its own label, its gauges set from what it tells."""

import pytest
from prometheus_client import CollectorRegistry

from shim.domain.hosts import HostStatus
from shim.main.host_metrics import HostMetrics, host_label
from shim.main.metric_maker import Maker


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("http://gpu-a:1234", "http://gpu-a:1234"),
        ("http://gpu-a:1234/", "http://gpu-a:1234"),
        ("https://lms:s3cret@gpu-b/lmstudio", "https://gpu-b/lmstudio"),
    ],
)
def test_a_host_is_labelled_by_its_url_without_credentials(url: str, label: str) -> None:
    assert host_label(url) == label


def test_each_hosts_watch_counts_under_its_own_label() -> None:
    registry = CollectorRegistry()
    metrics = HostMetrics(Maker(registry))
    a, b = metrics.watch_for("http://a:1"), metrics.watch_for("http://b:2/")
    a.called("GET", "/api/v1/models", 200, 0.01)
    a.called("GET", "/api/v1/models", 200, 0.01)
    b.failed("/v1/chat/completions", "unreachable")
    calls = {"method": "GET", "route": "/api/v1/models", "status": "200"}
    assert (
        registry.get_sample_value("shim_upstream_calls_total", {"host": "http://a:1", **calls}) == 2
    )
    assert (
        registry.get_sample_value("shim_upstream_calls_total", {"host": "http://b:2", **calls})
        is None
    )
    failure = {"host": "http://b:2", "route": "/v1/chat/completions", "kind": "unreachable"}
    assert registry.get_sample_value("shim_upstream_errors_total", failure) == 1


def test_a_hosts_status_sets_its_gauges() -> None:
    registry = CollectorRegistry()
    metrics = HostMetrics(Maker(registry))
    metrics.changed(HostStatus(url="http://a:1", up=True, in_flight=2, models=3))
    metrics.changed(HostStatus(url="http://b:2", up=False, error="refused"))
    gauges = [
        registry.get_sample_value(name, {"host": host})
        for host in ("http://a:1", "http://b:2")
        for name in ("shim_host_up", "shim_host_requests_in_flight", "shim_host_models")
    ]
    assert gauges == [1, 2, 3, 0, 0, 0]
