"""Bare base64 images: decoded, checked, and given a MIME type sniffed from their bytes."""

from __future__ import annotations

import base64
import struct

import pytest

from shim.api.image_types import sniff_mime_type
from shim.api.ollama.images import image_from_base64
from shim.domain.completion import Image
from shim.domain.errors import InvalidRequest

PNG = (
    b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 1, 1) + b"\x08\x02"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF87 = b"GIF87a\x01\x00\x01\x00\x80\x00\x00"
GIF89 = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP = b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8 " + struct.pack("<I", 14) + b"\x00" * 14
BMP = b"BM" + struct.pack("<IHHI", 58, 0, 0, 54) + struct.pack("<I", 40) + b"\x00" * 16
WAV = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + b"\x00" * 8
TEXT = b"hello, world - not an image"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("raw", "mime_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF87, "image/gif"),
        (GIF89, "image/gif"),
        (WEBP, "image/webp"),
        (BMP, "image/bmp"),
    ],
)
def test_mime_type_is_sniffed_from_magic_bytes(raw: bytes, mime_type: str) -> None:
    assert image_from_base64(b64(raw)) == Image(mime_type=mime_type, base64=b64(raw))


@pytest.mark.parametrize("raw", [TEXT, WAV, b"", b"\x89PN", b"RIFF", b"GIF8"])
def test_unknown_bytes_are_octet_stream(raw: bytes) -> None:
    assert sniff_mime_type(raw) == "application/octet-stream"
    assert image_from_base64(b64(raw)).mime_type == "application/octet-stream"


def test_the_base64_text_is_passed_on_unchanged() -> None:
    assert image_from_base64(b64(JPEG)).base64 == b64(JPEG)


@pytest.mark.parametrize(
    "prefix", ["data:image/png;base64,", "data:image/jpeg;base64,", "data:;base64,"]
)
def test_a_data_uri_prefix_is_tolerated_and_the_bytes_decide_the_type(prefix: str) -> None:
    assert image_from_base64(prefix + b64(PNG)) == Image(mime_type="image/png", base64=b64(PNG))


def test_whitespace_and_newlines_inside_base64_are_tolerated() -> None:
    text = b64(PNG * 4)
    wrapped = "\n".join(text[i : i + 16] for i in range(0, len(text), 16))
    messy = "  " + wrapped.replace("A", " A") + "\r\n\t"
    assert image_from_base64(messy) == Image(mime_type="image/png", base64=text)


@pytest.mark.parametrize(
    "text",
    [
        "not base64 at all!",
        b64(PNG)[:-1],  # broken padding
        b64(PNG) + "=",
        "iVBORw0KGgo*AAAA",
        "data:image/png,iVBORw0KGgo$",
        "data:image/png;base64",  # no comma: the whole thing is read as base64
        base64.urlsafe_b64encode(b"\xfb\xff\xfe" * 4).decode(),  # '-' and '_' are not standard
    ],
)
def test_invalid_base64_is_an_invalid_request(text: str) -> None:
    with pytest.raises(InvalidRequest, match="illegal base64 data"):
        image_from_base64(text)
