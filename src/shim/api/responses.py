"""Pre-encoded JSON responses with Ollama's content type and no trailing newline."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
TEXT_MEDIA_TYPE = "text/plain"  # Litestar appends the charset to text types

# Go's encoding/json writes these as \u escapes; they only occur inside strings, so swapping
# bytes after encoding is exact.
GO_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)

_encoder = msgspec.json.Encoder()


def go_json(value: Any) -> bytes:
    """JSON byte for byte as Ollama's Go server writes it (compact, HTML-safe escapes)."""
    encoded = _encoder.encode(value)
    for raw, escaped in GO_ESCAPES:
        if raw in encoded:
            encoded = encoded.replace(raw, escaped)
    return encoded


def json_response(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(go_json(body), status_code=status_code, media_type=JSON_MEDIA_TYPE)


def text_response(body: str, status_code: int = 200) -> Response[bytes]:
    return Response(body.encode(), status_code=status_code, media_type=TEXT_MEDIA_TYPE)
