"""Responses content parts (a message's content, a function call's output) as text and images,
read as Ollama reads them (responses.go `unmarshalResponsesContent`, `convertResponsesContent`)."""

from __future__ import annotations

from typing import Any

import structlog

from shim.api.openai_shared.image_urls import image_from_url
from shim.api.responses.go_errors import cannot_unmarshal
from shim.domain.completion import Image
from shim.domain.errors import InvalidRequest

log = structlog.get_logger(__name__)

TEXT_TYPES = ("input_text", "output_text")
KNOWN_TYPES = (*TEXT_TYPES, "input_image", "input_file")
FILES_REFUSED = "file inputs are not currently supported"


def content_of(value: Any, field: str) -> tuple[str, tuple[Image, ...]]:
    """A string is one text; a list is parts, joined with nothing between them, as in Ollama.
    `field` names where the value is, in the words of a part that cannot be read."""
    if value is None or isinstance(value, str):
        return value or "", ()
    if not isinstance(value, list):
        raise InvalidRequest(f"{field} must be a string or array: {cannot_unmarshal(value)}")
    parts = [_checked(position, part, field) for position, part in enumerate(value)]
    texts: list[str] = []
    images: list[Image] = []
    for part in parts:
        kind = part["type"]
        if kind in TEXT_TYPES:
            texts.append(_text(part))
        elif kind == "input_image" and part.get("image_url"):
            images.append(image_from_url(str(part["image_url"])))
        elif kind == "input_image":
            # Ollama skips an image given only by a file id: there are no files to look in.
            log.info("request.ignored_fields", fields=["input_image.file_id"], reason="no files")
        elif kind == "input_file":
            raise InvalidRequest(FILES_REFUSED)
    return "".join(texts), tuple(images)


def _checked(position: int, part: Any, field: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise InvalidRequest(f"{field}[{position}]: {cannot_unmarshal(part, 'struct')}")
    kind = part.get("type") or ""
    if kind not in KNOWN_TYPES:
        raise InvalidRequest(f"{field}[{position}]: unknown content type: {kind}")
    return part


def _text(part: dict[str, Any]) -> str:
    text = part.get("text")
    return text if isinstance(text, str) else ""
