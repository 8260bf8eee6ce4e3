"""A lean HTTP/1.1 client for the streamed POSTs on the hot path: completions and the /v1 relay.

httpx spends some 300 µs of CPU on each request and parses chunked bodies in Python. Here a
request is one write, httptools' C parser cuts the answer, and the body is read straight from
the protocol's buffer (in bench/, a small chat's server CPU fell from ~730 to ~290 µs). It
offers what those call sites use, `stream()` with httpx's reply attributes, and raises httpx's
exceptions, so one error mapping serves both clients. Everything else still goes through the
app's httpx client.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from shim.adapters.http_client import LMStudioAddress
from shim.adapters.stream_connection import Connection

IDLE_KEPT = 8  # as the httpx client: enough for the usual concurrency, few to look after


class StreamClient:
    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        connect_timeout: float,
        read_timeout: float,
    ) -> None:
        url = urlsplit(base_url)
        self.base_url = base_url
        self._address = (url.hostname or "localhost", url.port or _DEFAULT_PORTS[url.scheme])
        self._ssl = ssl.create_default_context() if url.scheme == "https" else None
        self._path_prefix = url.path.rstrip("/")
        fixed = {"host": url.netloc.rpartition("@")[2], "accept": "*/*", **headers}
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._idle: deque[Connection] = deque()

    def stream(
        self, method: str, url: str, *, content: bytes, headers: Mapping[str, str]
    ) -> Exchange:
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        head = f"{method} {self._path_prefix}{url} HTTP/1.1\r\n{self._fixed}{extra}"
        request = f"{head}content-length: {len(content)}\r\n\r\n".encode("latin-1") + content
        return Exchange(self, request)

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop().close()

    def reused(self) -> Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def connect(self) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._connect_timeout):
                _, connection = await loop.create_connection(
                    lambda: Connection(loop, self._read_timeout),
                    *self._address,
                    ssl=self._ssl,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(
                f"no connection within {self._connect_timeout:g} s"
            ) from None
        except OSError as error:
            raise httpx.ConnectError(str(error) or type(error).__name__) from None
        return connection

    def give_back(self, connection: Connection) -> None:
        if connection.reusable() and len(self._idle) < IDLE_KEPT:
            self._idle.append(connection)
        else:
            connection.close()


class Exchange:
    """One request and its answer; the connection goes back to the pool only when the answer
    was read to its end."""

    def __init__(self, client: StreamClient, request: bytes) -> None:
        self._client = client
        self._request = request
        self._connection: Connection | None = None

    async def __aenter__(self) -> Reply:
        connection = self._client.reused()
        if connection is not None:
            try:
                return await self._send(connection)
            except httpx.TransportError:
                if connection.answered_anything:
                    raise
                # LM Studio closed the idle connection as the request went out: it never saw it.
        return await self._send(await self._client.connect())

    async def _send(self, connection: Connection) -> Reply:
        try:
            connection.send(self._request)
            await connection.head()
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return Reply(connection)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            self._client.give_back(self._connection)


class Reply:
    """The answer, with the attributes of httpx's Response that the call sites read."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.status_code = connection.status
        self.headers = connection.headers

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        connection = self._connection
        while True:
            data = connection.take()
            if data:
                yield data
            elif connection.complete:
                return
            else:
                await connection.wait()

    async def aread(self) -> bytes:
        return b"".join([piece async for piece in self.aiter_raw()])


async def open_stream_client(address: LMStudioAddress) -> AsyncIterator[StreamClient]:
    client = StreamClient(
        address.base_url, address.headers(), address.connect_timeout, address.read_timeout
    )
    try:
        yield client
    finally:
        await client.aclose()


_DEFAULT_PORTS = {"http": 80, "https": 443}
