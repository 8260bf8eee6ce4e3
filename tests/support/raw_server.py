"""A raw socket server that answers exactly the bytes a test scripts, for the stream client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from shim.adapters.stream_client import StreamClient

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
CHUNKED_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
)


class Server:
    """Runs `script` on every connection; remembers the requests and counts connections."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(reader, writer)
        except asyncio.IncompleteReadError:
            pass  # the client hung up before sending another request
        finally:
            writer.close()

    async def request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        self.requests.append(head + await reader.readexactly(length))
        return self.requests[-1]


StartScripted = Callable[..., Awaitable[tuple[Server, StreamClient]]]


@asynccontextmanager
async def scripted_servers() -> AsyncIterator[StartScripted]:
    """Start servers, each with a stream client pointed at it; all stopped on the way out."""
    started: list[asyncio.Server] = []
    clients: list[StreamClient] = []

    async def start(script: Script, read_timeout: float = 5) -> tuple[Server, StreamClient]:
        server = Server(script)
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        started.append(listening)
        port = listening.sockets[0].getsockname()[1]
        client = StreamClient(f"http://127.0.0.1:{port}/base", {"x-token": "t"}, 2, read_timeout)
        clients.append(client)
        return server, client

    yield start
    for client in clients:
        await client.aclose()
    for listening in started:
        listening.close()


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def post(client: StreamClient, body: bytes = b"{}") -> tuple[int, str, list[bytes]]:
    async with client.stream("POST", "/v1/x", content=body, headers={"a": "b"}) as reply:
        return (
            reply.status_code,
            reply.headers["content-type"],
            [p async for p in reply.aiter_raw()],
        )
