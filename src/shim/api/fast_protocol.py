"""uvicorn's httptools protocol, answering a few requests from memory inside the parser callback.

An answer written here never becomes an asyncio task, an ASGI message or a trip through the
middleware: for a pre-encoded answer that is nearly all a request costs (wrk: ~1.7x the
requests/s of a bare ASGI hello-world). Whatever the answers cannot settle at once goes to the
app unchanged, as do requests while the client is not reading (uvicorn's write pause) or while
uvicorn is refusing work over its concurrency limit.

The app hands the protocol its answers through uvicorn's lifespan state (which uvicorn gives
every protocol it makes), so the protocol is a plain class: with several worker processes each
one builds its own app and its protocols find that app's answers.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple, Protocol, cast

from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from shim.api.asgi import ASGIApp, Receive, Scope, Send
from shim.api.request_context import REQUEST_ID_HEADER, AccessLog, request_id_of


class ReadyAnswer(NamedTuple):
    status: int
    head: bytes  # the answer's own header lines, each ending in CRLF
    body: bytes


class ReadyAnswers(Protocol):
    def ready(self, scope: Scope) -> ReadyAnswer | None:
        """The answer to this request if it is known without waiting, else None."""


class Answering(NamedTuple):
    answers: ReadyAnswers
    access: AccessLog


ANSWERING_STATE_KEY = "shim.answering"


class AnswersPublisher:
    """The app, which at lifespan startup leaves its answers where the protocol looks for them."""

    def __init__(self, app: ASGIApp, answering: Answering) -> None:
        self.app = app
        self._answering = answering

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and "state" in scope:
            scope["state"][ANSWERING_STATE_KEY] = self._answering
        await self.app(scope, receive, send)


class AnsweringProtocol(HttpToolsProtocol):
    """Without published answers (lifespan off, another app) it is uvicorn's protocol as is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answering: Answering | None = self.app_state.get(ANSWERING_STATE_KEY)

    # uvicorn calls this once per request, pipelined ones included, when its turn comes.
    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        answering = self._answering
        if answering is not None and app is self.app and not self.flow.write_paused:
            answer = answering.answers.ready(cast(Scope, cycle.scope))
            if answer is not None:
                self._write(cycle, answer, answering)
                return
        super()._start_asgi_task(cycle, app)

    def _write(
        self, cycle: RequestResponseCycle, answer: ReadyAnswer, answering: Answering
    ) -> None:
        started = time.perf_counter()
        scope = cast(Scope, cycle.scope)
        request_id = request_id_of(scope)
        parts = [STATUS_LINE[answer.status]]
        for name, value in self.server_state.default_headers:
            parts += (name, b": ", value, b"\r\n")
        parts += (answer.head, REQUEST_ID_HEADER, b": ", request_id, b"\r\n")
        if not cycle.keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(b"\r\n")
        body = b"" if scope["method"] == "HEAD" else answer.body
        parts.append(body)
        self.transport.write(b"".join(parts))
        cycle.response_started = cycle.response_complete = True
        if not cycle.keep_alive:
            self.transport.close()
        self.on_response_complete()
        if answering.access.enabled:
            sent, request_text = len(body), request_id.decode()
            answering.access.line(scope, answer.status, sent, started, request_id=request_text)
