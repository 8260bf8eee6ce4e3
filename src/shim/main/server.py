"""One server process: Granian's embedded server running shim's app on this process's loop,
stopped by draining first."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any

from granian.server.embed import Server

from shim.api.asgi import ASGIApp
from shim.main.app import create_app
from shim.main.config import Settings
from shim.main.container import build_container
from shim.main.readiness import Readiness
from shim.main.runtime import settle_heap
from shim.main.serving import drain_then_stop, granian_options
from shim.main.stream_cut import SERVER_GRACE_MARGIN_SECONDS


def serve_one(settings: Settings) -> None:
    shim = EmbeddedShim(settings)
    settle_heap()
    run_loop(shim.run(handle_signals=True))


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """uvloop where it exists (not on Windows), else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    uvloop.run(main)


class EmbeddedShim:
    """shim's app on Granian's embedded server, in the loop that awaits `run()`."""

    def __init__(self, settings: Settings) -> None:
        container = build_container(settings)
        self.settings = settings
        self.readiness: Readiness = container.readiness()
        self.app: ASGIApp = create_app(container)
        self._server = Server(self.app, **granian_options(settings))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._serving: asyncio.Future[None] | None = None

    async def run(self, *, handle_signals: bool = False) -> None:
        """Serve until stopped; `handle_signals` (main thread only) makes SIGTERM and SIGINT
        drain first."""
        self._loop = asyncio.get_running_loop()
        self._serving = asyncio.ensure_future(self._server.serve())
        if handle_signals:
            self._handle_stop_signals(self._loop)
        with suppress(asyncio.CancelledError):
            await self._serving

    def _handle_stop_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(stop_signal, self.drain_then_stop)
            except NotImplementedError:  # Windows' loops: a plain handler, then the loop
                signal.signal(stop_signal, lambda *_: self._on_loop(loop, self.drain_then_stop))

    @staticmethod
    def _on_loop(loop: asyncio.AbstractEventLoop, call: Callable[[], None]) -> None:
        loop.call_soon_threadsafe(call)

    def drain_then_stop(self) -> None:
        drain_then_stop(self.readiness, self.settings.shutdown_delay_seconds, self.stop)

    def stop(self) -> None:
        """Stop accepting, from any thread; streams still open when the grace period (and its
        margin) ends are cut."""
        loop, serving = self._loop, self._serving
        if loop is None or serving is None:
            return
        hard_stop = self.settings.shutdown_grace_seconds + SERVER_GRACE_MARGIN_SECONDS

        def begin() -> None:
            self._server.stop()  # type: ignore[no-untyped-call]
            loop.call_later(hard_stop, serving.cancel)

        loop.call_soon_threadsafe(begin)
