"""The lean stream client against a raw socket server: framing, keep-alive, stale connections."""

from __future__ import annotations

import asyncio

from tests.support.raw_server import CHUNKED_HEAD, chunk, post


async def test_a_chunked_answer_arrives_whole_and_the_request_is_well_formed(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(chunk(b"data: 2\n\n") + b"0\r\n\r\n")

    server, client = await scripted(script)
    status, kind, pieces = await post(client, b'{"q":1}')
    assert (status, kind, b"".join(pieces)) == (200, "text/event-stream", b"data: 1\n\ndata: 2\n\n")
    request = server.requests[0]
    assert request.startswith(b"POST /base/v1/x HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in request
    assert b"\r\nx-token: t\r\n" in request
    assert b"\r\na: b\r\n" in request
    assert request.endswith(b'content-length: 7\r\n\r\n{"q":1}')


async def test_keep_alive_reuses_the_connection(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(3):
            await server.request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")

    server, client = await scripted(script)
    for _ in range(3):
        assert await post(client) == (200, "a/b", [b"ok"])
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")
        await writer.drain()  # then closed: the client still holds it as idle

    server, client = await scripted(script)
    assert await post(client) == (200, "a/b", [b"ok"])
    await asyncio.sleep(0.05)
    assert await post(client) == (200, "a/b", [b"ok"])
    assert server.connections == 2


async def test_a_body_without_length_ends_with_the_connection(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\nconnection: close\r\n\r\nall of it")

    server, client = await scripted(script)
    assert await post(client) == (200, "a/b", [b"all of it"])


async def test_an_answer_left_unread_closes_its_connection(scripted) -> None:
    hung_up = asyncio.Event()

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))
        await writer.drain()
        await reader.read()  # returns when the client hangs up
        hung_up.set()

    server, client = await scripted(script)
    async with client.stream("POST", "/v1/x", content=b"", headers={}) as reply:
        assert await anext(reply.aiter_raw()) == b"data: 1\n\n"
    async with asyncio.timeout(2):
        await hung_up.wait()
    assert client.reused() is None, "a half-read answer is never handed to the next request"


async def test_a_request_the_server_dropped_unanswered_on_a_kept_connection_is_sent_again(
    scripted,
) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        if server.connections == 1:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 2\r\n\r\nok")
            await server.request(reader)  # read, then hung up on without a word
            return
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 5\r\n\r\nagain")

    server, client = await scripted(script)
    assert await post(client) == (200, "a/b", [b"ok"])
    assert await post(client) == (200, "a/b", [b"again"])
    assert (server.connections, len(server.requests)) == (2, 3)


async def test_an_interim_answer_is_passed_over(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 5\r\n\r\nfinal")

    server, client = await scripted(script)
    assert await post(client) == (200, "a/b", [b"final"])
