"""Image blocks as domain images, taken as Ollama's Anthropic layer takes them (anthropic.go
`resolveImageSource`): base64 data only, never a URL."""

from __future__ import annotations

import base64
import binascii
import re

from shim.api.anthropic.request_wire import ImageSourceIn
from shim.api.image_types import UNKNOWN, sniff_mime_type
from shim.domain.completion import Image
from shim.domain.errors import InvalidRequest

_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def image_from_source(source: ImageSourceIn | None) -> Image:
    """The declared media type is trusted only where the bytes do not say what they are."""
    if source is None:
        raise InvalidRequest("invalid image source")
    if source.type != "base64":
        raise InvalidRequest(
            f"invalid image source type: {source.type or ''}. Only base64 images are supported."
        )
    # Go's decoder skips line breaks inside the data; Python's, told to validate, would not.
    payload = (source.data or "").replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(f"invalid base64 image data: {_go_complaint(payload)}") from None
    sniffed = sniff_mime_type(raw)
    declared = source.media_type or UNKNOWN
    return Image(mime_type=declared if sniffed == UNKNOWN else sniffed, base64=payload)


def _go_complaint(payload: str) -> str:
    """Go's words for bad base64, at the first byte that is not of its alphabet (or the end)."""
    found = _NOT_BASE64.search(payload)
    return f"illegal base64 data at input byte {found.start() if found else len(payload)}"
