"""Optional OpenTelemetry traces: Litestar's OpenTelemetry plugin, a span per request sent over
OTLP/HTTP, each carrying shim's request id.

Everything OpenTelemetry is imported only when `SHIM_TRACES=otlp` asks for it: the libraries
are the `otel` extra, not part of the base install.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from litestar.plugins import PluginProtocol

from shim.api.request_context import current_request_id

REQUEST_ID_ATTRIBUTE = "shim.request_id"
# Probes and scrapes come every few seconds; a span for each would bury the requests.
UNTRACED_PATHS = ["/healthz", "/readyz", "/metrics"]


class Tracing(NamedTuple):
    """The plugin the app adds, and what sends the spans still buffered when it stops."""

    plugin: PluginProtocol
    shutdown: Callable[[], None]


def otlp_tracing(endpoint: str, version: str) -> Tracing:
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": "shim", "service.version": version})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    config = OpenTelemetryConfig(
        tracer_provider=provider,
        server_request_hook_handler=_tag_request_id,
        exclude=UNTRACED_PATHS,
        # One span per request, not one more per chunk of a stream.
        exclude_spans=["receive", "send"],
    )
    return Tracing(OpenTelemetryPlugin(config), provider.shutdown)


def _tag_request_id(span: Any, _: dict[str, Any]) -> None:
    request_id = current_request_id.get()
    if request_id is not None and span.is_recording():
        span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)
