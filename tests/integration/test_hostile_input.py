"""Hostile bodies get a 400 and a JSON error, never a crash or a traceback."""

import httpx
import pytest

DEEP = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
MODEL = "qwen3.6-35b-a3b-mtp"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", b'{"model":"' + MODEL.encode() + b'","messages":[],"options":' + DEEP + b"}"),
        ("/api/generate", b'{"model":"m","format":' + DEEP + b"}"),
        ("/api/show", b"[" * 100_000 + b"]" * 100_000),
        ("/api/create", b'{"model":"x","from":"y","parameters":' + DEEP + b"}"),
        ("/v1/chat/completions", b'{"model":' + DEEP + b"}"),
        ("/api/embed", b'{"model":"m","input":' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    ],
)
def test_deeply_nested_json_is_a_400(shim: str, path: str, body: bytes) -> None:
    response = httpx.post(shim + path, content=body)
    assert response.status_code == 400
    assert "nested too deeply" in response.text or "invalid" in response.text


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe\x00garbage",
        b'{"model": "m", "messages": "not a list"}',
        b"null",
        b'"just a string"',
        b"{" * 10,
    ],
)
def test_garbage_is_a_400_with_a_json_error(shim: str, body: bytes) -> None:
    response = httpx.post(shim + "/api/chat", content=body)
    assert response.status_code == 400
    assert list(response.json()) == ["error"]


def test_an_enormous_string_is_handled(shim: str, log_capture) -> None:
    body = b'{"model":"' + b"x" * 5_000_000 + b'","messages":[{"role":"user","content":"hi"}]}'
    response = httpx.post(shim + "/api/chat", content=body)
    assert response.status_code == 404
    assert response.json()["error"].startswith("model 'xxxx")
    logged = [r for r in log_capture.records if r.get("event") == "request.failed"][-1]
    assert len(logged["error"]) == 500
