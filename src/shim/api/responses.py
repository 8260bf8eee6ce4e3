"""Pre-encoded JSON responses with Ollama's content type and no trailing newline."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
TEXT_MEDIA_TYPE = "text/plain"  # Litestar appends the charset to text types

_encoder = msgspec.json.Encoder()


def json_response(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(_encoder.encode(body), status_code=status_code, media_type=JSON_MEDIA_TYPE)


def text_response(body: str, status_code: int = 200) -> Response[bytes]:
    return Response(body.encode(), status_code=status_code, media_type=TEXT_MEDIA_TYPE)
