"""`image_url` content parts as domain images, taken as Ollama's `/v1` layer takes them
(openai.go `decodeImageURL`): base64 data URIs of a few types, never a web address."""

from __future__ import annotations

import base64
import binascii

from shim.api.image_types import UNKNOWN, sniff_mime_type
from shim.domain.completion import Image
from shim.domain.errors import InvalidRequest

WEB_PREFIXES = ("http://", "https://")
WEB_REFUSED = "image URLs are not currently supported, please use base64 encoded data instead"
INVALID = "invalid image input"
UNTYPED = "data:;base64,"  # /api/chat's bare base64, which Ollama also takes here
DECLARED = {
    f"data:image/{name};base64,": f"image/{mime}"
    for name, mime in (("jpeg", "jpeg"), ("jpg", "jpeg"), ("png", "png"), ("webp", "webp"))
}


def image_from_url(url: str) -> Image:
    """The declared type is trusted only where the bytes do not say what they are."""
    if url.startswith(WEB_PREFIXES):
        raise InvalidRequest(WEB_REFUSED)
    declared, payload = _declared_and_payload(url)
    # Go's decoder skips line breaks inside the data; Python's, told to validate, would not.
    payload = payload.replace("\r", "").replace("\n", "")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(INVALID) from None
    sniffed = sniff_mime_type(raw)
    return Image(mime_type=declared if sniffed == UNKNOWN else sniffed, base64=payload)


def _declared_and_payload(url: str) -> tuple[str, str]:
    if url.startswith(UNTYPED):
        return UNKNOWN, url.removeprefix(UNTYPED)
    for prefix, mime_type in DECLARED.items():
        if url.startswith(prefix):
            return mime_type, url.removeprefix(prefix)
    raise InvalidRequest(INVALID)
