"""The streams an app is writing, so that a shutdown past its grace period ends each with an
error line the client can read, rather than cutting it mid-answer."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from shim.api.asgi import ASGIApp, Receive, Scope, Send

SHUTTING_DOWN = "shim is shutting down"


class OpenStreams:
    def __init__(self) -> None:
        self._writing: set[asyncio.Task[object]] = set()
        self.cutting = False

    @contextmanager
    def writing(self) -> Iterator[None]:
        """While the current task writes a stream, `cut()` can end it."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._writing.add(task)
        try:
            yield
        finally:
            self._writing.discard(task)

    def cut(self) -> None:
        """End every stream being written: each catches the cancellation and says why."""
        self.cutting = True
        for task in list(self._writing):
            task.cancel()

    def __len__(self) -> int:
        return len(self._writing)


_current: ContextVar[OpenStreams | None] = ContextVar("open_streams", default=None)


def open_streams() -> OpenStreams:
    """The app's streams; outside an app (a unit test), a set of its own."""
    streams = _current.get()
    return OpenStreams() if streams is None else streams


class OpenStreamsMiddleware:
    """Makes the app's `OpenStreams` the one its streams register with."""

    def __init__(self, app: ASGIApp, streams: OpenStreams) -> None:
        self._app = app
        self._streams = streams

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _current.set(self._streams)
        try:
            await self._app(scope, receive, send)
        finally:
            _current.reset(token)
