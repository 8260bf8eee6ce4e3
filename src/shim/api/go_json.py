"""Pre-encoded JSON responses with Ollama's content type and no trailing newline."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Response

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
ENCODER_MEDIA_TYPE = "application/json"
TEXT_MEDIA_TYPE = "text/plain"  # Litestar appends the charset to text types

# Go's encoding/json writes these as \\u escapes; they only occur inside strings, so swapping
# bytes after encoding is exact.
GO_ESCAPES = {
    b"<": b"\\u003c",
    b">": b"\\u003e",
    b"&": b"\\u0026",
    "\u2028".encode(): b"\\u2028",
    "\u2029".encode(): b"\\u2029",
}
_UNSAFE = re.compile(b"|".join(re.escape(raw) for raw in GO_ESCAPES))

encode_json = msgspec.json.Encoder().encode


def go_json(value: Any) -> bytes:
    """JSON byte for byte as Ollama's Go server writes it (compact, HTML-safe escapes)."""
    return go_escaped(encode_json(value))


def go_escaped(encoded: bytes) -> bytes:
    """Go's escapes applied to msgspec's JSON, which may be many documents joined together."""
    # One-byte searches run at memory speed; the regex is ~200 times slower per byte, and
    # b"\xe2" opens both line separators.
    if b"<" in encoded or b">" in encoded or b"&" in encoded or b"\xe2" in encoded:
        return _UNSAFE.sub(lambda found: GO_ESCAPES[found.group()], encoded)
    return encoded


def json_response(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(go_json(body), status_code=status_code, media_type=JSON_MEDIA_TYPE)


def text_response(body: str, status_code: int = 200) -> Response[bytes]:
    return Response(body.encode(), status_code=status_code, media_type=TEXT_MEDIA_TYPE)


def encoder_response(body: Any, status_code: int = 200) -> Response[bytes]:
    """As Go's json.Encoder writes to a writer whose type is set to a bare `application/json`:
    HTML-safe, with a final newline (the `/v1` layers' writers in Ollama's middleware)."""
    return Response(go_json(body) + b"\n", status_code=status_code, media_type=ENCODER_MEDIA_TYPE)
