"""Every log line of a request carries its request id; one access line sums the request up."""

import httpx

from tests.support.log_capture import LogCapture
from tests.support.servers import free_port


def test_upstream_and_access_lines_share_the_request_id(shim: str, log_capture: LogCapture) -> None:
    response = httpx.get(shim + "/api/tags", headers={"x-request-id": "trace-42"})
    lines = log_capture.for_request("trace-42")
    events = [line["event"] for line in lines]
    assert events == ["upstream.call", "request"]
    upstream, access = lines
    assert (upstream["path"], upstream["status"]) == ("/api/v1/models", 200)
    assert upstream["duration_ms"] >= 0
    assert (access["method"], access["path"], access["status"]) == ("GET", "/api/tags", 200)
    assert access["bytes"] == len(response.content)
    assert access["duration_ms"] > 0
    assert all(line["level"] for line in lines)


def test_an_answer_ready_before_routing_is_logged_like_any_other(
    shim: str, log_capture: LogCapture
) -> None:
    httpx.get(shim + "/api/tags")
    response = httpx.get(shim + "/api/tags", headers={"x-request-id": "trace-44"})
    (access,) = log_capture.for_request("trace-44")
    assert (access["event"], access["path"], access["status"]) == ("request", "/api/tags", 200)
    assert access["bytes"] == len(response.content)


def test_failures_are_logged_under_the_request_id(shim: str, log_capture: LogCapture) -> None:
    httpx.post(shim + "/api/show", json={"model": "ghost"}, headers={"x-request-id": "trace-43"})
    failed = [
        line for line in log_capture.for_request("trace-43") if line["event"] == "request.failed"
    ]
    assert failed == [
        {
            **failed[0],
            "status": 404,
            "error": "model 'ghost:latest' not found",
            "kind": "ModelNotFound",
        }
    ]


def test_each_request_gets_its_own_id(shim: str, log_capture: LogCapture) -> None:
    first = httpx.get(shim + "/api/version").headers["x-request-id"]
    second = httpx.get(shim + "/api/version").headers["x-request-id"]
    assert first != second
    assert [line["event"] for line in log_capture.for_request(first)] == ["request"]


def test_unknown_fields_are_named_in_a_debug_line(shim: str, log_capture: LogCapture) -> None:
    body = {"model": "qwen3.6-35b-a3b-mtp", "verbose": True, "my_extension": 1, "other": {}}
    httpx.post(shim + "/api/show", json=body, headers={"x-request-id": "unknown-1"})
    (line,) = [
        r for r in log_capture.for_request("unknown-1") if r["event"] == "request.unknown_fields"
    ]
    assert line["fields"] == ["my_extension", "other"]
    assert line["level"] == "debug"


def test_a_failed_model_listing_is_told_under_one_request_id(
    start_shim, log_capture: LogCapture
) -> None:
    url = start_shim(lmstudio_url=f"http://127.0.0.1:{free_port()}")
    response = httpx.get(url + "/api/tags")
    assert response.status_code == 503
    request_id = response.headers["x-request-id"]
    events = [line["event"] for line in log_capture.for_request(request_id)]
    assert "request.failed" in events
    assert events[-1] == "request"
    assert any(event.startswith("upstream.") for event in events), events
