"""Pulling: an Ollama name becomes a download in the backend, followed until it finishes."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

from shim.domain.errors import InvalidRequest
from shim.domain.names import DEFAULT_TAG, is_valid_name
from shim.domain.ports import ModelDownloader, PullProgress


class PullService:
    def __init__(self, downloader: ModelDownloader, on_models_changed: Callable[[], None]) -> None:
        self._downloader = downloader
        self._on_models_changed = on_models_changed

    async def open(self, name: str) -> AsyncGenerator[PullProgress, None]:
        """Start the download and wait for its first report, so early failures raise here."""
        if not is_valid_name(name):
            raise InvalidRequest("invalid model name")
        base, colon, tag = (
            name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
        )
        progress = self._downloader.download(base, tag if colon and tag != DEFAULT_TAG else None)
        try:
            first = await anext(progress)
        except BaseException:
            await progress.aclose()
            raise
        return self._followed(first, progress)

    async def _followed(
        self, first: PullProgress, rest: AsyncGenerator[PullProgress, None]
    ) -> AsyncGenerator[PullProgress, None]:
        async with aclosing(rest):
            yield first
            async for progress in rest:
                yield progress
        self._on_models_changed()
