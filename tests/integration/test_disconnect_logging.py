"""A client that leaves early is logged as gone, with the status shim actually sent, if any."""

import socket
import time
from typing import Any

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.log_capture import LogCapture
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"
BODY = {"model": MODEL, "messages": [{"role": "user", "content": "hello"}], "stream": True}


def access_line(log_capture: LogCapture, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        lines = [r for r in log_capture.for_request(request_id) if r["event"] == "request"]
        if lines:
            (line,) = lines
            return line
        time.sleep(0.02)
    raise AssertionError(f"no access line for {request_id}")


def send_then_leave(shim: str, head: bytes, body: bytes) -> None:
    host, port = shim.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as client:
        client.sendall(head + body)
        time.sleep(0.2)  # shim is now waiting for the rest of the body


@pytest.mark.parametrize("path", ["/api/chat", "/v1/chat/completions", "/api/embed"])
def test_leaving_mid_body_is_a_departure_not_a_500(
    shim: str, log_capture: LogCapture, path: str
) -> None:
    request_id = "mid-body" + path.replace("/", "-")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000\r\nX-Request-Id: {request_id}\r\n\r\n"
    )
    send_then_leave(shim, head.encode(), b'{"model":"' + MODEL.encode() + b'","mess')
    line = access_line(log_capture, request_id)
    assert (line["status"], line["bytes"], line.get("disconnected")) == (None, 0, True)


@pytest.mark.parametrize("path", ["/api/chat", "/v1/chat/completions"])
def test_leaving_mid_stream_keeps_the_status_sent(
    lmstudio: LMStudioDouble, shim: str, log_capture: LogCapture, path: str
) -> None:
    lmstudio.chat_script = content_script([f"t{i} " for i in range(200)])
    lmstudio.chunk_delay_seconds = 0.05
    request_id = "mid-stream" + path.replace("/", "-")
    headers = {"x-request-id": request_id}
    with (
        httpx.Client() as client,
        client.stream("POST", shim + path, json=BODY, headers=headers) as response,
    ):
        first = next(response.iter_lines())
    assert lmstudio.disconnected.wait(timeout=2)
    line = access_line(log_capture, request_id)
    assert (line["status"], line.get("disconnected")) == (200, True)
    assert len(first) < line["bytes"] < 200 * len(first)


def test_a_finished_request_is_not_a_departure(shim: str, log_capture: LogCapture) -> None:
    httpx.post(shim + "/api/chat", json={**BODY, "stream": False}, headers={"x-request-id": "done"})
    line = access_line(log_capture, "done")
    assert line["status"] == 200
    assert "disconnected" not in line
