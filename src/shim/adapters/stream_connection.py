"""One keep-alive HTTP/1.1 connection of the stream client: an asyncio protocol that lets
httptools cut the answer and keeps its body until the reader takes it."""

from __future__ import annotations

import asyncio

import httptools
import httpx

from shim.adapters.idle_watch import IdleWatch

# Above this much unread body, stop reading from the socket until the reader catches up.
BUFFER_LIMIT = 1 << 18


class Connection(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop, read_timeout: float) -> None:
        self._loop = loop
        self._read_timeout = read_timeout
        self._watch = IdleWatch(read_timeout)
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[None] | None = None
        self._error: httpx.TransportError | None = None
        self._body: list[bytes] = []
        self._buffered = 0
        self._paused = False
        self._raw_headers: list[tuple[bytes, bytes]] = []
        self._lost = False
        self._keep_alive = False
        self._in_use = False
        self.answered_anything = False
        self.status = 0
        self.headers: dict[str, str] = {}
        self.complete = False

    def send(self, request: bytes) -> None:
        if self._transport is None or self._lost:
            raise httpx.RemoteProtocolError("the connection is closed")
        self._in_use = True
        self.answered_anything = self.complete = False
        self.status, self.headers, self._raw_headers = 0, {}, []
        self._transport.write(request)

    async def head(self) -> None:
        while not self.status:
            await self.wait()

    def take(self) -> bytes:
        """All the body received so far."""
        if not self._body:
            return b""
        data = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        self._body.clear()
        self._buffered = 0
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        return data

    async def wait(self) -> None:
        """Until something arrives; the read timeout bounds each wait, as httpx's does."""
        if self._error is not None:
            raise self._error
        self._waiter = self._loop.create_future()
        self._watch.read_started()
        try:
            await self._waiter
        except asyncio.CancelledError:
            if not self._watch.caused_cancellation():
                raise
            self._fail(httpx.ReadTimeout(f"nothing for {self._read_timeout:g} s"))
        finally:
            self._watch.read_ended()
            self._waiter = None
        if self._error is not None:
            raise self._error

    def usable(self) -> bool:
        return not self._lost and self._transport is not None and not self._transport.is_closing()

    def reusable(self) -> bool:
        return self.complete and not self._body and self._keep_alive and self.usable()

    def close(self) -> None:
        self._watch.stop()
        if self._transport is not None:
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if not self._in_use:
            self._lost = True  # nothing is owed to a connection nobody asked anything on
            return
        self.answered_anything = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(httpx.RemoteProtocolError(f"LM Studio sent a malformed answer: {error}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._watch.stop()
        if self.status and not self._body_is_framed():
            self.complete = True  # a body without a length ends with the connection
        if self._in_use and not self.complete:
            reason = "without an answer" if not self.answered_anything else "mid-answer"
            self._fail(httpx.RemoteProtocolError(f"LM Studio closed the connection {reason}"))
        self._wake()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._raw_headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self._parser.get_status_code() < 200:
            self._raw_headers = []  # an interim answer (100 Continue): the real one follows
            return
        self.headers = {
            n.decode("latin-1").lower(): v.decode("latin-1") for n, v in self._raw_headers
        }
        self.status = self._parser.get_status_code()
        self._keep_alive = self._parser.should_keep_alive()  # llhttp forgets it once the body ends
        self._wake()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)
        self._buffered += len(body)
        if self._buffered > BUFFER_LIMIT and not self._paused and self._transport is not None:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if not self.status:
            return  # the end of an interim answer
        self.complete = True
        self._in_use = False
        self._wake()

    def _body_is_framed(self) -> bool:
        return "content-length" in self.headers or "chunked" in self.headers.get(
            "transfer-encoding", ""
        )

    def _fail(self, error: httpx.TransportError) -> None:
        if self._error is None:
            self._error = error
        self.close()
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
