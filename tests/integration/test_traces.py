"""OpenTelemetry traces with the `otel` extra: a running shim sends its spans over OTLP/HTTP to
a local receiver, each with the request id; the base install serves without it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from shim.main.config import Settings
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port, serve, serve_shim


class OTLPReceiver:
    """An OTLP/HTTP traces endpoint that keeps what it is sent."""

    def __init__(self) -> None:
        self.exports: list[ExportTraceServiceRequest] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/v1/traces":
            self.exports.append(ExportTraceServiceRequest.FromString(body))
        headers = [(b"content-type", b"application/x-protobuf")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def spans(self) -> list[tuple[dict[str, Any], Any]]:
        """Each span with its resource's attributes."""
        found = []
        for export in self.exports:
            for resource_spans in export.resource_spans:
                resource = attributes(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    found += [(resource, span) for span in scope_spans.spans]
        return found


def attributes(pairs: Any) -> dict[str, Any]:
    return {pair.key: pair.value.string_value for pair in pairs}


def test_each_request_is_a_span_with_its_request_id(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    receiver = OTLPReceiver()
    with serve(receiver) as collector:  # type: ignore[arg-type]
        settings = Settings(
            lmstudio_url=lmstudio.url,
            port=free_port(),
            state_dir=str(tmp_path),
            traces="otlp",
            otlp_endpoint=collector + "/v1/traces",
        )
        with serve_shim(settings) as shim:
            assert httpx.get(shim + "/api/tags", headers={"x-request-id": "tags-1"}).is_success
            assert httpx.get(shim + "/healthz").is_success
        # Stopping the app sends the spans still buffered.
    spans = receiver.spans()
    [(resource, span)] = [(r, s) for r, s in spans if "/api/tags" in s.name]
    assert resource["service.name"] == "shim"
    assert attributes(span.attributes)["shim.request_id"] == "tags-1"
    assert not [s for _, s in spans if "/healthz" in s.name], "probes are not traced"


# Run before shim is imported: as if the `otel` extra were not installed.
WITHOUT_OTEL = """
import importlib.abc, sys

class NoOpenTelemetry(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "opentelemetry":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoOpenTelemetry())
"""


def run_without_otel(program: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WITHOUT_OTEL + program, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_otlp_without_the_extra_is_refused_at_start() -> None:
    program = "from shim.main.cli import main; sys.exit(main(sys.argv[1:]))"
    shim = run_without_otel(program, "serve", "--backend", "fake", "--traces", "otlp")
    _, stderr = shim.communicate(timeout=30)
    assert shim.returncode == 2
    assert "invalid --traces='otlp': it needs the otel extra: pip install 'shim[otel]'" in stderr


def test_the_base_install_serves_without_opentelemetry() -> None:
    port = free_port()
    program = "from shim.main.cli import main; sys.exit(main(sys.argv[1:]))"
    shim = run_without_otel(program, "serve", "--backend", "fake", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert shim.poll() is None, shim.communicate()[1]
            try:
                reply = httpx.get(url + "/api/version")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "shim did not start"
                time.sleep(0.05)
        assert reply.status_code == 200
        assert httpx.get(url + "/metrics").status_code == 200
    finally:
        shim.terminate()
        shim.communicate(timeout=30)
