"""Whole answers as Ollama's `/v1` layer writes them: its writers set a bare `application/json`
and encode with Go's json.Encoder, which escapes HTML and ends the body with a newline
(middleware/openai.go, `ChatWriter.writeResponse` and the others)."""

from __future__ import annotations

from typing import Any

from litestar import Response

from shim.api.go_json import go_json

MEDIA_TYPE = "application/json"


def json_answer(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(go_json(body) + b"\n", status_code=status_code, media_type=MEDIA_TYPE)
