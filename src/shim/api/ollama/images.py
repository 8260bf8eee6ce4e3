"""Ollama sends images as bare base64; LM Studio wants data URIs with a real MIME type."""

from __future__ import annotations

import base64
import binascii

from shim.api.image_types import sniff_mime_type
from shim.domain.completion import Image
from shim.domain.errors import InvalidRequest


def image_from_base64(text: str) -> Image:
    """Bare base64 (a `data:` prefix is tolerated); the MIME type comes from the bytes."""
    payload = text.split(",", 1)[1] if text.startswith("data:") and "," in text else text
    payload = "".join(payload.split())
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidRequest(f"illegal base64 data in image: {error}") from None
    return Image(mime_type=sniff_mime_type(raw), base64=payload)
