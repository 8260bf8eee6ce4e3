"""Downloads through LM Studio's /api/v1/models/download, polled until the job ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import msgspec

from shim.adapters.lmstudio.lifecycle import unsupported
from shim.adapters.lmstudio.upstream import error_message, rejection
from shim.adapters.upstream_http import Upstream
from shim.domain.errors import Unsupported, UpstreamError
from shim.domain.ports import ModelDownloader, PullProgress

START_PATH = "/api/v1/models/download"
STATUS_PATH = "/api/v1/models/download/status/"
RUNNING = frozenset({"downloading", "paused"})


class DownloadJob(msgspec.Struct):
    status: str
    job_id: str | None = None
    total_size_bytes: int | None = None
    downloaded_bytes: int | None = None
    error_message: str | None = None


_job = msgspec.json.Decoder(DownloadJob)


class LMStudioDownloader(ModelDownloader):
    def __init__(self, client: Upstream, poll_seconds: float) -> None:
        self._client = client
        self._poll_seconds = poll_seconds

    async def download(self, model: str, variant: str | None) -> AsyncGenerator[PullProgress, None]:
        body: dict[str, Any] = {"model": model}
        if variant:
            body["quantization"] = variant
        job = await self._ask("POST", START_PATH, body)
        while job.status in RUNNING:
            yield PullProgress(
                state="downloading", total=job.total_size_bytes, completed=job.downloaded_bytes or 0
            )
            await asyncio.sleep(self._poll_seconds)
            job = await self._ask("GET", STATUS_PATH + (job.job_id or ""))
        if job.status == "failed":
            raise UpstreamError(
                f"LM Studio could not download {model}: {job.error_message or 'no reason given'}"
            )
        if job.status == "already_downloaded":
            yield PullProgress(state="present")
            return
        if job.status != "completed":
            raise UpstreamError(f"LM Studio reported download status {job.status!r} for {model}")
        yield PullProgress(
            state="completed", total=job.total_size_bytes, completed=job.total_size_bytes
        )

    async def _ask(self, method: str, path: str, body: Any = None) -> DownloadJob:
        reply = await self._client.call(method, path, body)
        if unsupported(reply) and path == START_PATH:
            raise Unsupported("pulling a model needs LM Studio 0.4 or newer (/api/v1)")
        if reply.status != 200 or error_message(reply.body) is not None:
            raise rejection(reply.status if reply.status != 200 else 502, reply.body, path)
        try:
            return _job.decode(reply.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise UpstreamError(f"LM Studio sent an unreadable download status: {error}") from None
