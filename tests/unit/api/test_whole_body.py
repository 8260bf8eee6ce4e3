"""A body is handed on as complete once Content-Length's bytes are in; the empty message the
server sends after it never reaches the app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from shim.api.asgi import Message, Receive, Scope, Send
from shim.api.whole_body import WholeBodyMiddleware


def scripted(messages: Iterable[Message]) -> tuple[Receive, list[Message]]:
    pending, given = list(messages), list[Message]()

    async def receive() -> Message:
        given.append(pending.pop(0))
        return given[-1]

    return receive, given


def received_by_app(
    headers: list[tuple[bytes, bytes]], messages: list[Message], reads: int
) -> tuple[list[Message], list[Message]]:
    receive, given = scripted(messages)
    seen: list[Message] = []

    async def app(scope: Scope, app_receive: Receive, send: Send) -> None:
        for _ in range(reads):
            seen.append(dict(await app_receive()))

    async def send(_: Message) -> None:
        raise AssertionError("the app sends nothing here")

    scope = {"type": "http", "headers": headers}
    asyncio.run(WholeBodyMiddleware(app)(scope, receive, send))
    return seen, given


def body(data: bytes, more: bool) -> Message:
    return {"type": "http.request", "body": data, "more_body": more}


DISCONNECT: Message = {"type": "http.disconnect"}
LENGTH_7 = [(b"content-length", b"7")]


def test_the_message_that_completes_the_body_is_the_last_one() -> None:
    seen, given = received_by_app(LENGTH_7, [body(b'{"a":1}', True), body(b"", False)], 1)
    assert seen == [body(b'{"a":1}', False)]
    assert len(given) == 1  # the server's empty last message was not waited for


def test_a_body_in_pieces_ends_with_its_last_byte() -> None:
    pieces = [body(b'{"a"', True), body(b":1}", True), body(b"", False)]
    seen, _ = received_by_app(LENGTH_7, pieces, 2)
    assert seen == [body(b'{"a"', True), body(b":1}", False)]


def test_the_next_receive_skips_the_empty_message_and_sees_the_client_leave() -> None:
    messages = [body(b'{"a":1}', True), body(b"", False), DISCONNECT]
    seen, given = received_by_app(LENGTH_7, messages, 2)
    assert seen == [body(b'{"a":1}', False), DISCONNECT]
    assert len(given) == 3


def test_a_disconnect_in_place_of_the_empty_message_is_passed_on() -> None:
    seen, _ = received_by_app(LENGTH_7, [body(b'{"a":1}', True), DISCONNECT], 2)
    assert seen == [body(b'{"a":1}', False), DISCONNECT]


def test_a_server_that_ends_the_body_itself_is_left_alone() -> None:
    messages = [body(b'{"a":1}', False), DISCONNECT]
    seen, given = received_by_app(LENGTH_7, messages, 2)
    assert seen == messages
    assert given == messages


def test_without_content_length_every_message_passes_as_sent() -> None:
    messages = [body(b'{"a":1}', True), body(b"", False)]
    for headers in ([], [(b"content-length", b"x7")], [(b"transfer-encoding", b"chunked")]):
        seen, _ = received_by_app(headers, messages, 2)
        assert seen == messages
