"""An image's MIME type read from its first bytes: clients' declared types are often missing or
wrong, and LM Studio wants a real one in the data URI it is sent."""

from __future__ import annotations

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
UNKNOWN = "application/octet-stream"


def sniff_mime_type(raw: bytes) -> str:
    for signature, mime_type in SIGNATURES:
        if raw.startswith(signature):
            return mime_type
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "image/webp"
    return UNKNOWN
