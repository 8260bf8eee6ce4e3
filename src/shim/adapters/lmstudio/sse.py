"""Incremental, byte-level parser for the WHATWG Server-Sent Events stream format."""

from __future__ import annotations

from operator import methodcaller

import msgspec

_BOM = b"\xef\xbb\xbf"
_MESSAGE = "message"
_IS_DATA_LINE = methodcaller("startswith", b"data: ")


class SSEEvent(msgspec.Struct, frozen=True):
    event: str  # "message" when the stream gave no `event:` field
    data: bytes  # the `data:` lines joined with b"\n", still UTF-8


class SSEParser:
    __slots__ = ("_at_start", "_data", "_event", "_skip_lf", "_tail")

    def __init__(self) -> None:
        self._tail = bytearray()
        self._data: list[bytes] = []
        self._event = b""
        self._at_start = True
        # The previous chunk ended with `\r`; a `\n` opening this one is the rest of that `\r\n`.
        self._skip_lf = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Every event completed by this chunk, in order (often empty)."""
        if self._at_start:
            # The BOM itself may arrive split across chunks.
            self._tail += chunk
            if len(self._tail) < len(_BOM) and _BOM.startswith(self._tail):
                return []
            self._at_start = False
            if self._tail.startswith(_BOM):
                del self._tail[: len(_BOM)]
            chunk = bytes(self._tail)
            self._tail.clear()
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
        has_cr = b"\r" in chunk
        if not has_cr and b"\n" not in chunk:
            self._tail += chunk
            return []
        # The tail never holds a line ending, so only the new chunk needs the `\r` check.
        data = b"".join((self._tail, chunk)) if self._tail else chunk
        if has_cr:
            # A trailing `\r` already ends its line; only a following `\n` must be swallowed.
            self._skip_lf = data.endswith(b"\r")
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._tail[:] = lines.pop()
        if not self._data and not self._event and not len(lines) % 2:
            # Nearly every stream: `data: ...` and a blank line, event after event.
            values = lines[0::2]
            if not any(lines[1::2]) and all(map(_IS_DATA_LINE, values)):
                return [SSEEvent(_MESSAGE, value[6:]) for value in values]
        return self._process(lines)

    def _process(self, lines: list[bytes]) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        for line in lines:
            if line.startswith(b"data: "):
                self._data.append(line[6:])
            elif not line:
                if self._data:
                    event = self._event.decode("utf-8", "replace") if self._event else _MESSAGE
                    events.append(SSEEvent(event, b"\n".join(self._data)))
                    self._data = []
                self._event = b""
            elif line[0] != 0x3A:  # not a `:` comment
                name, colon, value = line.partition(b":")
                if colon and value.startswith(b" "):
                    value = value[1:]
                if name == b"data":
                    self._data.append(value)
                elif name == b"event":
                    self._event = value
        return events
