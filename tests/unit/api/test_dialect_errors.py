"""Each dialect's controllers answer failures in their own envelope; paths nothing serves get the
router's plain text, whatever dialect they look like."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from litestar import Controller, Litestar, get
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.testing import TestClient

from shim.api.anthropic.errors import EXCEPTION_HANDLERS as ANTHROPIC_HANDLERS
from shim.api.openai.errors import EXCEPTION_HANDLERS as OPENAI_HANDLERS
from shim.api.routes import EXCEPTION_HANDLERS
from shim.domain.errors import ModelNotFound, UpstreamUnavailable

FAILURES = {
    "missing": ModelNotFound("m"),
    "unreachable": UpstreamUnavailable("cannot reach LM Studio"),
    "teapot": HTTPException(status_code=418, detail="short and stout"),
    "crash": RuntimeError("a bug"),
}


def fail(kind: str) -> None:
    raise FAILURES[kind]


class OllamaLike(Controller):
    path = "/api/fail"

    @get("/{kind:str}")
    async def failing(self, kind: FromPath[str]) -> None:
        fail(kind)


class OpenAILike(Controller):
    path = "/v1/fail"
    exception_handlers = OPENAI_HANDLERS

    @get("/{kind:str}")
    async def failing(self, kind: FromPath[str]) -> None:
        fail(kind)


class AnthropicLike(Controller):
    path = "/v1/messages/fail"
    exception_handlers = ANTHROPIC_HANDLERS

    @get("/{kind:str}")
    async def failing(self, kind: FromPath[str]) -> None:
        fail(kind)


@pytest.fixture
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar([OllamaLike, OpenAILike, AnthropicLike], exception_handlers=EXCEPTION_HANDLERS)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("missing", 404, "model 'm' not found"),
        ("unreachable", 503, "cannot reach LM Studio"),
        ("teapot", 418, "short and stout"),
        ("crash", 500, "internal server error"),
    ],
)
def test_the_default_envelope_is_ollamas(
    client: TestClient[Litestar], kind: str, status: int, message: str
) -> None:
    response = client.get(f"/api/fail/{kind}")
    assert (response.status_code, response.content) == (
        status,
        b'{"error":"' + message.encode() + b'"}',
    )
    assert response.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("kind", "status", "kind_name", "message"),
    [
        ("missing", 404, "not_found_error", "model 'm' not found"),
        ("unreachable", 503, "api_error", "cannot reach LM Studio"),
        ("teapot", 418, "api_error", "short and stout"),
        ("crash", 500, "api_error", "internal server error"),
    ],
)
def test_openai_controllers_answer_in_openais_envelope_as_ollama_writes_it(
    client: TestClient[Litestar], kind: str, status: int, kind_name: str, message: str
) -> None:
    """openai.go `NewError`, written by middleware/openai.go's `writeError` (json.Encoder)."""
    response = client.get(f"/v1/fail/{kind}")
    assert response.status_code == status
    error = f'{{"message":"{message}","type":"{kind_name}","param":null,"code":null}}'
    assert response.content == b'{"error":' + error.encode() + b"}\n"
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("kind", "status", "kind_name", "message"),
    [
        ("missing", 404, "not_found_error", "model 'm' not found"),
        ("unreachable", 503, "overloaded_error", "cannot reach LM Studio"),
        ("teapot", 418, "api_error", "short and stout"),
        ("crash", 500, "api_error", "internal server error"),
    ],
)
def test_anthropic_controllers_answer_in_anthropics_envelope_as_ollama_writes_it(
    client: TestClient[Litestar], kind: str, status: int, kind_name: str, message: str
) -> None:
    """anthropic.go `NewError`, written by middleware/anthropic.go's `writeError` (json.Encoder)."""
    response = client.get(f"/v1/messages/fail/{kind}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.content.endswith(b"}\n")
    body = json.loads(response.content)
    assert re.fullmatch(r"req_[0-9a-f]{24}", body.pop("request_id"))
    assert body == {"type": "error", "error": {"type": kind_name, "message": message}}


@pytest.mark.parametrize("path", ["/v1/nothing", "/api/nothing"])
def test_unknown_paths_are_plain_text_in_every_dialect(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(path)
    assert (response.status_code, response.text) == (404, "404 page not found")
    assert client.post("/v1/fail/missing").text == "405 method not allowed"
