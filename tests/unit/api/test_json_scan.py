"""Checks on a JSON body without decoding it, across the chunks a large body is read in."""

import pytest

from shim.api import json_scan
from shim.api.json_scan import first_invalid_utf8, invalid_utf8_message


@pytest.fixture(params=[4, json_scan.SCAN_CHUNK], ids=["tiny chunks", "real chunks"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(json_scan, "SCAN_CHUNK", request.param)
    return int(request.param)


@pytest.mark.parametrize(
    "body", [b"", b'{"a":1}', "€uro ✓ 日本語 🦙".encode() * 3, b'{"a":"\xc3\xa9"}']
)
def test_utf8_passes(chunk: int, body: bytes) -> None:
    assert first_invalid_utf8(body) is None


@pytest.mark.parametrize(
    ("body", "offset"),
    [
        (b"\xff", 0),
        (b'{"model":"\xff\xfe"}', 10),
        ("€€€".encode() + b"\x80", 9),  # a stray continuation byte after whole characters
        (b"abc\xe2\x82", 3),  # a character cut off by the end of the body
        (b"abcd\xed\xa0\x80", 4),  # a surrogate, which UTF-8 may not encode
        (b"ab\xc0\xaf", 2),  # an overlong encoding of "/"
    ],
)
def test_the_first_byte_that_is_not_utf8_is_found(chunk: int, body: bytes, offset: int) -> None:
    assert first_invalid_utf8(body) == offset


def test_the_message_names_the_byte_and_its_offset() -> None:
    assert invalid_utf8_message(b'{"a":"\xfe"}', 6) == (
        "invalid character '\\xfe' at offset 6: request bodies must be UTF-8"
    )
