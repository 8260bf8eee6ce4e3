"""Checks on a JSON body without decoding it, across the chunks a large body is read in."""

import pytest

from shim.api import json_scan
from shim.api.json_scan import first_invalid_utf8, holds_more_values, invalid_utf8_message


@pytest.fixture(params=[4, 7, json_scan.SCAN_CHUNK], ids=["4-byte", "7-byte", "real"])
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


@pytest.mark.parametrize(
    ("body", "values"),
    [
        (b"[1,2,3]", 3),
        (b'{"a":[],"b":{}}', 4),  # an empty array or object counts once
        (b'["a,b,[c]{", 1]', 2),  # what is inside strings does not count
        (b'["\\"", ",", "\\\\", ","]', 4),  # escaped quotes and backslashes
        (b'["a\\\\",",",1]', 3),  # a string ending in an escaped backslash
        (b'{"x":"' + b"\\\\" * 9 + b'\\"[,{"}', 1),  # a run of escapes across chunks
        (b"[" + b"{}," * 50 + b"{}]", 102),
    ],
)
def test_values_are_counted_outside_strings(chunk: int, body: bytes, values: int) -> None:
    assert holds_more_values(body, values - 1)
    assert not holds_more_values(body, values)


def test_a_body_no_longer_than_the_limit_is_not_scanned() -> None:
    assert not holds_more_values(b"[1,2,3]", 7)
