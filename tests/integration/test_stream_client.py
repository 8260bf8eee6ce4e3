"""The lean stream client against a raw socket server that answers exactly the bytes each test
scripts: framing, keep-alive, stale connections, failures and timeouts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from shim.adapters.stream_client import StreamClient
from shim.adapters.stream_connection import BUFFER_LIMIT, Connection

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


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Script], Awaitable[tuple[Server, StreamClient]]]]:
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


async def test_a_chunked_answer_arrives_whole_and_the_request_is_well_formed(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(chunk(b"data: 2\n\n") + b"0\r\n\r\n")

    server, client = await serve(script)
    status, kind, pieces = await post(client, b'{"q":1}')
    assert (status, kind, b"".join(pieces)) == (200, "text/event-stream", b"data: 1\n\ndata: 2\n\n")
    request = server.requests[0]
    assert request.startswith(b"POST /base/v1/x HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in request
    assert b"\r\nx-token: t\r\n" in request
    assert b"\r\na: b\r\n" in request
    assert request.endswith(b'content-length: 7\r\n\r\n{"q":1}')


async def test_keep_alive_reuses_the_connection(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(3):
            await server.request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")

    server, client = await serve(script)
    for _ in range(3):
        assert await post(client) == (200, "a/b", [b"ok"])
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")
        await writer.drain()  # then closed: the client still holds it as idle

    server, client = await serve(script)
    assert await post(client) == (200, "a/b", [b"ok"])
    await asyncio.sleep(0.05)
    assert await post(client) == (200, "a/b", [b"ok"])
    assert server.connections == 2


async def test_a_body_without_length_ends_with_the_connection(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\nconnection: close\r\n\r\nall of it")

    server, client = await serve(script)
    assert await post(client) == (200, "a/b", [b"all of it"])


async def test_a_cut_answer_gives_what_came_then_fails(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))

    server, client = await serve(script)
    async with client.stream("POST", "/v1/x", content=b"", headers={}) as reply:
        pieces = reply.aiter_raw()
        assert await anext(pieces) == b"data: 1\n\n"
        with pytest.raises(httpx.RemoteProtocolError, match="mid-answer"):
            await anext(pieces)


async def test_no_answer_at_all_is_a_protocol_error(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)

    server, client = await serve(script)
    with pytest.raises(httpx.RemoteProtocolError, match="without an answer"):
        await post(client)


async def test_a_malformed_answer_is_a_protocol_error(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n")
        await asyncio.sleep(1)

    server, client = await serve(script)
    with pytest.raises(httpx.RemoteProtocolError, match="malformed"):
        await post(client)


async def test_silence_beyond_the_read_timeout_is_a_read_timeout(serve) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD)
        await asyncio.sleep(1)

    server, client = await serve(script, read_timeout=0.1)
    with pytest.raises(httpx.ReadTimeout):
        await post(client)


async def test_nothing_listening_is_a_connect_error() -> None:
    listening = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    listening.close()
    await listening.wait_closed()
    client = StreamClient(f"http://127.0.0.1:{port}", {}, 2, 5)
    with pytest.raises(httpx.ConnectError):
        await post(client)


async def test_an_answer_left_unread_closes_its_connection(serve) -> None:
    hung_up = asyncio.Event()

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))
        await writer.drain()
        await reader.read()  # returns when the client hangs up
        hung_up.set()

    server, client = await serve(script)
    async with client.stream("POST", "/v1/x", content=b"", headers={}) as reply:
        assert await anext(reply.aiter_raw()) == b"data: 1\n\n"
    async with asyncio.timeout(2):
        await hung_up.wait()
    assert client.reused() is None, "a half-read answer is never handed to the next request"


async def test_a_request_the_server_dropped_unanswered_on_a_kept_connection_is_sent_again(
    serve,
) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        if server.connections == 1:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")
            await server.request(reader)  # read, then hung up on without a word
            return
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 5\r\n\r\nagain")

    server, client = await serve(script)
    assert await post(client) == (200, "a/b", [b"ok"])
    assert await post(client) == (200, "a/b", [b"again"])
    assert (server.connections, len(server.requests)) == (2, 3)


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.reading = True

    def write(self, data: object) -> None:
        """The request: not looked at here."""

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return False


async def test_reading_pauses_while_the_reader_is_behind() -> None:
    connection, transport = Connection(asyncio.get_running_loop(), 5), Transport()
    connection.connection_made(transport)
    connection.send(b"POST / HTTP/1.1\r\n\r\n")
    connection.data_received(CHUNKED_HEAD)
    piece = b"x" * 65536
    for _ in range(BUFFER_LIMIT // len(piece)):
        connection.data_received(chunk(piece))
        assert transport.reading
    connection.data_received(chunk(piece))
    assert not transport.reading, "over the limit: the socket waits for the reader"
    assert len(connection.take()) == BUFFER_LIMIT + len(piece)
    assert transport.reading
