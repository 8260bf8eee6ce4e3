"""Checks on a JSON body that need no decoding: where it first stops being UTF-8, and whether it
holds more values than shim is set to decode (each becomes a Python object once decoded)."""

from __future__ import annotations

import codecs

# Bytes scanned at a time, so that no str or split of a whole large body is ever made.
SCAN_CHUNK = 1 << 20
BACKSLASH = ord("\\")
# Each comma, `[` and `{` outside strings starts one array item or object member (an empty
# array or object counts once too).
_NOT_VALUE_STARTS = bytes(set(range(256)) - set(b",[{"))


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


def holds_more_values(body: bytes, limit: int) -> bool:
    """Whether `body` holds more than `limit` values, counted without decoding it."""
    # Cheap bounds first: each counted byte is one byte, whether in a string or not.
    if len(body) <= limit or _value_starts(body) <= limit:
        return False
    return _value_starts_outside_strings(body, limit) > limit


def _value_starts(data: bytes) -> int:
    return len(data.translate(None, _NOT_VALUE_STARTS))


def _value_starts_outside_strings(body: bytes, limit: int) -> int:
    """Counted until past `limit`; after escapes are dropped, every quote opens or closes a
    string, so each chunk splits at its quotes into pieces alternately outside and inside."""
    counted, in_string, start = 0, False, 0
    while start < len(body) and counted <= limit:
        end = _end_outside_escape(body, start + SCAN_CHUNK)
        chunk = body[start:end].replace(b"\\\\", b"").replace(b'\\"', b"")
        pieces = chunk.split(b'"')
        counted += _value_starts(b"".join(pieces[in_string::2]))
        in_string ^= len(pieces) % 2 == 0
        start = end
    return counted


def _end_outside_escape(body: bytes, end: int) -> int:
    """`end`, moved past any backslashes just before it and what they escape, so that no escape
    is cut in two."""
    while end < len(body) and body[end - 1] == BACKSLASH:
        end += 1
    return min(end, len(body))
