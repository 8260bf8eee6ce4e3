"""Raw looks at LM Studio: a TCP connection, a greeting, and each model list it may serve.

They report what they saw and never raise for an answer LM Studio gave; judging it is left to
the checks (doctor) and the start-up line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import msgspec

from shim.adapters.lmstudio.catalog import DISCOVERIES, Discovery
from shim.adapters.lmstudio.upstream import error_message
from shim.adapters.upstream_http import AiohttpUpstream, LMStudioAddress, open_upstream
from shim.domain.errors import UpstreamError
from shim.domain.models import ModelRecord
from shim.main.config import Settings
from shim.main.hosts import lmstudio_hosts

GREETING_PATH = "/lmstudio-greeting"
# What each model list's presence says about the server.
API_NAMES = {
    "/api/v1/models": "/api/v1 (LM Studio 0.4 or later)",
    "/api/v0/models": "/api/v0 (LM Studio 0.3)",
    "/v1/models": "/v1 (OpenAI-compatible)",
}


class ListingAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """How one model list answered: its status, an error it gave, the models it named."""

    path: str
    status: int | None = None
    error: str | None = None
    models: list[ModelRecord] | None = None

    @property
    def lists_models(self) -> bool:
        return self.models is not None

    @property
    def refused(self) -> bool:
        return self.status in (401, 403)

    @property
    def error_with_200(self) -> bool:
        """LM Studio's answer to a route it does not serve: HTTP 200 and an error body."""
        return self.status == 200 and self.error is not None


def each_host(settings: Settings) -> list[Settings]:
    """One Settings per LM Studio host shim stands in front of, with that host's URL and token."""
    return [
        msgspec.structs.replace(settings, lmstudio_url=host.url, lmstudio_api_token=host.token)
        for host in lmstudio_hosts(settings.lmstudio_url, settings.lmstudio_api_token)
    ]


def lmstudio_address(settings: Settings, *, with_token: bool = True) -> LMStudioAddress:
    return LMStudioAddress(
        base_url=settings.lmstudio_url,
        api_token=settings.lmstudio_api_token if with_token else None,
        connect_timeout=settings.connect_timeout_seconds,
        read_timeout=settings.connect_timeout_seconds,  # a list answers at once, or never
        proxy=settings.lmstudio_proxy,
    )


@asynccontextmanager
async def lmstudio_client(
    settings: Settings, *, with_token: bool = True
) -> AsyncIterator[AiohttpUpstream]:
    """A short-lived client, as shim's own but reading for seconds, not minutes."""
    async with asynccontextmanager(open_upstream)(
        lmstudio_address(settings, with_token=with_token)
    ) as client:
        yield client


async def tcp_connects(url: str, seconds: float) -> str | None:
    """None when a TCP connection to the URL's host and port opens; else why not."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        async with asyncio.timeout(seconds):
            _, writer = await asyncio.open_connection(parts.hostname, port)
    except TimeoutError:
        return f"no answer within {seconds:g} s"
    except OSError as error:
        return error.strerror or str(error)
    writer.close()
    return None


async def greeting(client: AiohttpUpstream) -> tuple[int, bool]:
    """The status of LM Studio's greeting probe, and whether it greeted as LM Studio."""
    reply = await client.call("GET", GREETING_PATH)
    try:
        greeted = msgspec.json.decode(reply.body).get("lmstudio") is True
    except (msgspec.DecodeError, AttributeError):
        greeted = False
    return reply.status, reply.status == 200 and greeted


async def model_listings(client: AiohttpUpstream) -> list[ListingAnswer]:
    """Each of LM Studio's model lists, as shim's catalog would read it."""
    return [await _listing(client, discovery) for discovery in DISCOVERIES]


async def _listing(client: AiohttpUpstream, discovery: Discovery) -> ListingAnswer:
    path = discovery.path
    try:
        reply = await client.call("GET", path)
    except UpstreamError as failure:
        return ListingAnswer(path=path, error=str(failure))
    said = error_message(reply.body)
    if reply.status != 200 or said is not None:
        return ListingAnswer(path=path, status=reply.status, error=said)
    try:
        listing = discovery.decoder.decode(reply.body)
    except (msgspec.DecodeError, msgspec.ValidationError) as failed:
        return ListingAnswer(path=path, status=reply.status, error=f"unreadable: {failed}")
    models = discovery.to_records(listing, client.base_url)
    return ListingAnswer(path=path, status=reply.status, models=models)
