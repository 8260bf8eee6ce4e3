"""A lean asyncio HTTP/1.1 client, so the client costs little and the same for every server.

Keep-alive, Content-Length and chunked bodies, decoded from large reads without one await per
chunk (httpx's pure-Python parser costs the client more than a 2,000-chunk stream costs shim).
Notes when each answer's first line arrived. Also: checks that a body carries the numbered tokens
`t0 t1 ...` whole and in order.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgspec

READ = 1 << 16


class HTTPError(Exception):
    pass


class Conn:
    def __init__(self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.port, self._reader, self._writer = port, reader, writer
        self._buf = b""
        self.first_line_at = 0.0  # perf_counter() when the last answer's first line was complete

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=READ * 4)
        return cls(port, reader, writer)

    def close(self) -> None:
        self._writer.close()

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        self.first_line_at = 0.0
        end = self._buf.find(b"\r\n\r\n")
        while end < 0:
            await self._more()
            end = self._buf.find(b"\r\n\r\n")
        head_bytes, self._buf = self._buf[:end].lower(), self._buf[end + 4 :]
        status = int(head_bytes[9:12])
        if b"transfer-encoding: chunked" in head_bytes:
            chunked = await self._chunked()
            self.first_line_at = self.first_line_at or time.perf_counter()  # no line end at all
            return status, chunked
        at = head_bytes.find(b"content-length:")
        if at < 0:
            raise HTTPError("response without length")
        line_end = head_bytes.find(b"\r\n", at)
        size = int(head_bytes[at + 15 : line_end if line_end >= 0 else None])
        while len(self._buf) < size:
            await self._more()
        body_bytes, self._buf = self._buf[:size], self._buf[size:]
        self.first_line_at = time.perf_counter()  # sized answers are not streamed: all at once
        return status, body_bytes

    async def _more(self) -> None:
        data = await self._reader.read(READ)
        if not data:
            raise HTTPError("connection closed mid-response")
        self._buf += data

    async def _chunked(self) -> bytes:
        parts: list[bytes] = []
        buf, pos = self._buf, 0
        while True:
            line_end = buf.find(b"\r\n", pos)
            if line_end >= 0:
                size = int(buf[pos:line_end], 16)
                start = line_end + 2
                if len(buf) >= start + size + 2:
                    if size == 0:
                        self._buf = buf[start + 2 :]  # no trailers: "0\r\n\r\n"
                        return b"".join(parts)
                    parts.append(buf[start : start + size])
                    if not self.first_line_at and b"\n" in parts[-1]:  # first NDJSON or SSE line
                        self.first_line_at = time.perf_counter()
                    pos = start + size + 2
                    continue
            self._buf = buf[pos:]
            await self._more()
            buf, pos = self._buf, 0


class Pool:
    """One keep-alive connection per concurrent caller, reused sequentially."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._idle: list[Conn] = []
        self.first_line_at = 0.0  # the last answer's, as Conn.first_line_at

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        conn = self._idle.pop() if self._idle else await Conn.open(self.port)
        try:
            result = await conn.request(method, path, body)
        except BaseException:
            conn.close()
            raise
        self.first_line_at = conn.first_line_at
        self._idle.append(conn)
        return result

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


_json = msgspec.json.Decoder()


# Where each SSE dialect carries a piece of answer text: the event's type, and the text's field.
SSE_TEXT = {
    "anthropic-sse": ("content_block_delta", "text"),
    "responses-sse": ("response.output_text.delta", "delta"),
}


def event_texts(kind: str, body: bytes) -> list[str]:
    """Answer text of an SSE stream whose events name their type (Anthropic's, Responses')."""
    wanted, field = SSE_TEXT[kind]
    pieces = []
    for frame in body.split(b"\n\n"):
        _, found, data = frame.partition(b"data: ")
        if not found:
            continue
        event = _json.decode(data)
        if event.get("type") == wanted:
            holder = (event.get("delta") or {}) if kind == "anthropic-sse" else event
            text = holder.get(field)
            if text:
                pieces.append(text)
    return pieces


def contents(kind: str, body: bytes) -> list[str]:
    """The content pieces of an SSE stream, an NDJSON stream, or one JSON answer, in order."""
    if kind in SSE_TEXT:
        return event_texts(kind, body)
    if kind == "sse":
        pieces = []
        for frame in body.split(b"\n\n"):
            if frame.startswith(b"data: {"):
                for choice in _json.decode(frame[6:]).get("choices") or []:
                    if (choice.get("delta") or {}).get("content"):
                        pieces.append(choice["delta"]["content"])
        return pieces
    if kind == "ndjson":
        lines = [_json.decode(line) for line in body.splitlines() if line]
        if not lines or not lines[-1].get("done"):
            raise HTTPError("NDJSON stream without its done line")
        return [line["message"]["content"] for line in lines if line["message"]["content"]]
    answer: Any = _json.decode(body)
    message = answer["choices"][0]["message"] if "choices" in answer else answer["message"]
    return [message["content"]]


def intact(kind: str, body: bytes, tokens: int) -> bool:
    """Every numbered token present, whole and in order (and, for streams, one per chunk)."""
    pieces = contents(kind, body)
    expected = "".join(f"t{i} " for i in range(tokens))
    if (kind in ("sse", "ndjson") or kind in SSE_TEXT) and len(pieces) != tokens:
        return False
    return "".join(pieces) == expected
