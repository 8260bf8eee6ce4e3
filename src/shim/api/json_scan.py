"""Checks on a JSON body that need no decoding: where it first stops being UTF-8."""

from __future__ import annotations

import codecs

# Bytes checked at a time: a large body is never copied whole into a str just to be checked.
SCAN_CHUNK = 1 << 20


def first_invalid_utf8(body: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or None when all of it is."""
    view = memoryview(body)
    offset = 0
    while offset < len(body):
        end = offset + SCAN_CHUNK
        try:
            # Not final before the end: a character cut by the chunk is checked with the next.
            _, used = codecs.utf_8_decode(view[offset:end], "strict", end >= len(body))
        except UnicodeDecodeError as error:
            return offset + error.start
        offset += used
    return None


def invalid_utf8_message(body: bytes, offset: int) -> str:
    """Worded like Go's JSON decoder, which Ollama's errors come from."""
    byte = f"'\\x{body[offset]:02x}'"
    return f"invalid character {byte} at offset {offset}: request bodies must be UTF-8"
