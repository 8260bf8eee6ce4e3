"""JSON as Go's encoding/json writes it: HTML characters and line separators escaped."""

from __future__ import annotations

import msgspec
import pytest

from shim.api.go_json import go_escaped, go_json


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", b'"plain"'),
        ("<b>&</b>", b'"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'),
        ("a\u2028b\u2029c", b'"a\\u2028b\\u2029c"'),
        ("it\u2019s \u201cquoted\u201d \u2026", '"it\u2019s \u201cquoted\u201d \u2026"'.encode()),
        ({"k<": ["&", 1]}, b'{"k\\u003c":["\\u0026",1]}'),
    ],
    ids=["plain", "html", "separators", "other-e2-characters-kept", "nested"],
)
def test_go_escapes(value: object, expected: bytes) -> None:
    assert go_json(value) == expected


def test_documents_joined_together_are_escaped_as_each_would_be() -> None:
    values = ["<", "\u2019", "\u2028", "ok", {"a": "&"}]
    raw = b"\n".join(msgspec.json.encode(value) for value in values)
    assert go_escaped(raw) == b"\n".join(go_json(value) for value in values)


def test_nothing_to_escape_returns_the_same_bytes() -> None:
    encoded = b'{"content":"t1 "}\n' * 100
    assert go_escaped(encoded) is encoded
