"""The lean stream client when things go wrong: cut, malformed or missing answers, silence,
nothing listening, a reader that falls behind; and TLS."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from shim.adapters.stream_client import StreamClient
from shim.adapters.stream_connection import BUFFER_LIMIT, Connection
from tests.support.raw_server import CHUNKED_HEAD, Server, chunk, post


async def test_a_cut_answer_gives_what_came_then_fails(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD + chunk(b"data: 1\n\n"))

    server, client = await scripted(script)
    async with client.stream("POST", "/v1/x", content=b"", headers={}) as reply:
        pieces = reply.aiter_raw()
        assert await anext(pieces) == b"data: 1\n\n"
        with pytest.raises(httpx.RemoteProtocolError, match="mid-answer"):
            await anext(pieces)


async def test_no_answer_at_all_is_a_protocol_error(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)

    server, client = await scripted(script)
    with pytest.raises(httpx.RemoteProtocolError, match="without an answer"):
        await post(client)


async def test_a_malformed_answer_is_a_protocol_error(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n")
        await asyncio.sleep(1)

    server, client = await scripted(script)
    with pytest.raises(httpx.RemoteProtocolError, match="malformed"):
        await post(client)


async def test_silence_beyond_the_read_timeout_is_a_read_timeout(scripted) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.request(reader)
        writer.write(CHUNKED_HEAD)
        await asyncio.sleep(1)

    server, client = await scripted(script, read_timeout=0.1)
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


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    names = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    files = ["-keyout", str(key), "-out", str(cert)]
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run([*command, *names, *files], check=True, capture_output=True)
    return key, cert


async def tls_server(key: Path, cert: Path) -> tuple[asyncio.Server, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await Server(answer).request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: a/b\r\ncontent-length: 3\r\n\r\ntls")
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    return listening, listening.sockets[0].getsockname()[1]


async def test_an_https_upstream_is_spoken_to_over_verified_tls(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    listening, port = await tls_server(*certificate)
    async with listening:
        untrusted = StreamClient(f"https://localhost:{port}", {}, 2, 5)
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await post(untrusted)
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[1]))
        trusted = StreamClient(f"https://localhost:{port}", {}, 2, 5)
        assert await post(trusted) == (200, "a/b", [b"tls"])
        await trusted.aclose()
