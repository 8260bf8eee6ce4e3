"""What shim does when LM Studio's HTTP misbehaves, over real sockets: a generation request is
sent once, compressed answers are read, proxies are honoured, trailing junk is harmless."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.conftest import StartShim
from tests.support.metrics import scrape, value
from tests.support.raw_server import CHUNKED_HEAD, Server, StartScripted, chunk

pytestmark = pytest.mark.anyio

MODELS = (
    b'{"data":[{"id":"m","object":"model","type":"llm","state":"loaded",'
    b'"max_context_length":4096}]}'
)
CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
EVENTS = (
    b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
    b'data: {"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)


def whole(body: bytes, content_type: bytes = b"application/json", extra: bytes = b"") -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n%s\r\n"
    return head % (content_type, len(body), extra) + body


OnChat = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]


async def answer_models_then(
    server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, on_chat: OnChat
) -> None:
    """Answer discovery on every connection; hand chat requests to `on_chat`."""
    while True:
        request = await server.request(reader)
        if b"/models" in request.split(b"\r\n")[0]:
            writer.write(whole(MODELS))
            await writer.drain()
            continue
        if not await on_chat(request, writer):
            return


async def chat(url: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(f"{url}/api/chat", json={**CHAT, "stream": False})


def chat_requests(server: Server) -> list[bytes]:
    return [r for r in server.requests if r.startswith(b"POST /v1/chat/completions")]


async def test_a_chat_that_lm_studio_drops_unanswered_is_not_sent_again(
    scripted: StartScripted, start_shim: StartShim
) -> None:
    async def drop(request: bytes, writer: asyncio.StreamWriter) -> bool:
        return False  # close the connection without a byte of answer

    server = await scripted(lambda r, w: answer_models_then(server, r, w, drop))
    shim = start_shim(lmstudio_url=server.url)
    reply = await chat(shim)
    assert reply.status_code >= 500
    assert "error" in reply.json()
    assert len(chat_requests(server)) == 1, "a generation request goes to LM Studio once"
    failed = {"host": server.url, "route": "/v1/chat/completions", "kind": "transport"}
    assert value(scrape(shim), "shim_upstream_errors_total", **failed) == 1


async def test_a_chat_that_stalls_past_the_read_timeout_is_not_sent_again(
    scripted: StartScripted, start_shim: StartShim
) -> None:
    async def stall(request: bytes, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(3)
        return False

    server = await scripted(lambda r, w: answer_models_then(server, r, w, stall))
    shim = start_shim(lmstudio_url=server.url, read_timeout_seconds=0.5)
    reply = await chat(shim)
    assert reply.status_code >= 500
    assert "in time" in reply.json()["error"]
    assert len(chat_requests(server)) == 1
    timed_out = {"host": server.url, "route": "/v1/chat/completions", "kind": "timeout"}
    assert value(scrape(shim), "shim_upstream_errors_total", **timed_out) == 1


async def test_a_gzip_compressed_stream_is_read(
    scripted: StartScripted, start_shim: StartShim
) -> None:
    async def gzipped(request: bytes, writer: asyncio.StreamWriter) -> bool:
        assert b"accept-encoding: gzip" in request.lower()
        packed = gzip.compress(EVENTS)
        head = CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\ncontent-encoding: gzip\r\n\r\n")
        writer.write(head + chunk(packed[:20]) + chunk(packed[20:]) + b"0\r\n\r\n")
        await writer.drain()
        return True

    server = await scripted(lambda r, w: answer_models_then(server, r, w, gzipped))
    reply = await chat(start_shim(lmstudio_url=server.url))
    assert reply.status_code == 200, reply.text
    assert reply.json()["message"]["content"] == "Hello"


async def test_junk_after_a_complete_answer_does_not_spoil_it(
    scripted: StartScripted, start_shim: StartShim
) -> None:
    """Junk that arrives after the answer (aiohttp's parser refuses an answer that shares its
    read with junk: docs/reliability.md)."""

    async def trailing_junk(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(whole(EVENTS, b"text/event-stream"))
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"garbage that is no HTTP\r\n\r\n")
        await writer.drain()
        return False

    server = await scripted(lambda r, w: answer_models_then(server, r, w, trailing_junk))
    reply = await chat(start_shim(lmstudio_url=server.url))
    assert reply.status_code == 200, reply.text
    assert reply.json()["message"]["content"] == "Hello"


async def test_chat_goes_through_the_proxy_settings_name(
    scripted: StartScripted, start_shim: StartShim
) -> None:
    """The proxy answers as LM Studio would; the URL shim is given cannot be resolved at all.
    (Settings take the proxy from HTTP_PROXY and friends: tests/unit/test_proxy_env.py.)"""

    async def stream(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(whole(EVENTS, b"text/event-stream"))
        await writer.drain()
        return True

    proxy = await scripted(lambda r, w: answer_models_then(proxy, r, w, stream))
    shim = start_shim(lmstudio_url="http://lmstudio.invalid:1234", lmstudio_proxy=proxy.url)
    reply = await chat(shim)
    assert reply.status_code == 200, reply.text
    assert reply.json()["message"]["content"] == "Hello"
    assert chat_requests(proxy) == [], "a proxy is asked with the absolute URL"
    assert any(r.startswith(b"POST http://lmstudio.invalid:1234/v1/chat") for r in proxy.requests)
