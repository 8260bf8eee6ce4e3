"""Bytes that are not UTF-8, anywhere in a JSON body, are a 400 in the route's dialect."""

import httpx
import pytest

from shim.api.openapi import openapi_document
from tests.support.lmstudio_double import LMStudioDouble

MODEL = b"qwen3.6-35b-a3b-mtp"


def json_body_routes() -> list[tuple[str, str]]:
    """Every operation shim documents as taking a JSON body, so a new route is covered too."""
    return [
        (method.upper(), path)
        for path, operations in sorted(openapi_document("0")["paths"].items())
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


BODIES = {
    "model": b'{"model":"\xff\xfe","messages":[]}',
    "nested string": b'{"model":"' + MODEL + b'","messages":[{"role":"user","content":"a\xffb"}]}',
    "unknown key": b'{"model":"' + MODEL + b'","\xc3":1}',
    "unknown nested value": b'{"model":"' + MODEL + b'","extra":{"x":["ok","\xe2\x82"]}}',
    "encoded surrogate": b'{"model":"' + MODEL + b'","input":"\xed\xa0\x80","prompt":"x"}',
}


@pytest.fixture
def shim(module_shim: str, lmstudio: LMStudioDouble) -> str:
    return module_shim


@pytest.mark.parametrize(("method", "path"), json_body_routes())
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_invalid_utf8_is_a_400(shim: str, method: str, path: str, body: bytes) -> None:
    response = httpx.request(method, shim + path, content=body)
    assert response.status_code == 400, response.text
    if path.startswith("/v1/messages"):
        answer = response.json()
        assert (answer["type"], answer["error"]["type"]) == ("error", "invalid_request_error")
        message = answer["error"]["message"]
    elif path.startswith("/v1/"):
        error = response.json()["error"]
        assert (error["type"], error["param"], error["code"]) == (
            "invalid_request_error",
            None,
            None,
        )
        message = error["message"]
    else:
        (message,) = response.json().values()
        assert list(response.json()) == ["error"]
    assert message.startswith("invalid character '\\x"), message


def test_the_error_names_the_byte_and_where_it_is(shim: str) -> None:
    response = httpx.post(shim + "/api/chat", content=BODIES["model"])
    assert response.json() == {
        "error": "invalid character '\\xff' at offset 10: request bodies must be UTF-8"
    }


def test_the_routes_are_all_there() -> None:
    paths = {path for _, path in json_body_routes()}
    assert {"/api/chat", "/api/delete", "/v1/chat/completions", "/v1/embeddings"} <= paths
    assert "/api/blobs/{digest}" not in paths  # a blob is any bytes, not JSON
