"""Every route fuzzed from shim's own OpenAPI document: no 500, no traceback, JSON errors."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from shim.api.openapi import openapi_document
from shim.main.config import Settings
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port, serve, serve_shim

schema = schemathesis.openapi.from_dict(openapi_document("0.32.15"))


@pytest.fixture(scope="module")
def fuzzed_shim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    double = LMStudioDouble()
    with serve(double) as lmstudio_url:
        settings = Settings(
            lmstudio_url=lmstudio_url,
            port=free_port(),
            state_dir=str(Path(tmp_path_factory.mktemp("fuzz-state"))),
            download_poll_seconds=0.001,
        )
        with serve_shim(settings) as url:
            yield url


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_ever_fails_with_a_server_error(case: schemathesis.Case, fuzzed_shim: str) -> None:
    response = case.call(base_url=fuzzed_shim, timeout=30)
    assert response.status_code != 500, response.text[:500]
    assert "Traceback" not in response.text
    if response.status_code >= 400 and response.text and case.method != "HEAD":
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith(("application/json", "text/plain"))
