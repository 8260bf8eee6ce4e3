"""shim's one HTTP client towards LM Studio: aiohttp, behind the few calls the adapters make.

Transport failures leave as domain errors that name them. A request is sent once: aiohttp never
resends a POST, and resends a GET at most once, when a kept connection turns out closed.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any, NamedTuple, Protocol

import aiohttp
import msgspec
import structlog

from shim.domain.errors import UpstreamError, UpstreamTimeout, UpstreamUnavailable

log = structlog.get_logger(__name__)

JSON_HEADERS = {"content-type": "application/json"}
# What to do when LM Studio cannot be reached, told to whoever reads the 503 or the log.
START_LM_STUDIO = (
    "is its server on? Start it with `lms server start` or the server switch in LM Studio's "
    "Developer tab, or set SHIM_LMSTUDIO_URL to where it listens"
)
# Idle keep-alive connections are closed after this long: LM Studio may restart meanwhile.
KEEPALIVE_SECONDS = 15.0


class LMStudioAddress(NamedTuple):
    """Where LM Studio is and how long to wait for it.

    Short connect timeout, long read timeout: a first request may wait minutes for a load.
    """

    base_url: str
    api_token: str | None
    connect_timeout: float
    read_timeout: float
    proxy: str | None = None

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_token}"} if self.api_token else {}


class UpstreamWatch(Protocol):
    """What the client tells of each call: its route and status (0: no answer), its time, and
    each transport failure by kind (`unreachable`, `timeout`, `transport`)."""

    def called(self, method: str, route: str, status: int, seconds: float) -> None: ...

    def failed(self, route: str, kind: str) -> None: ...


class UpstreamReply(msgspec.Struct, frozen=True):
    status: int
    body: bytes


class UpstreamStream(Protocol):
    """An answer being read: its status and type at once, its body as it arrives."""

    @property
    def status(self) -> int: ...

    @property
    def content_type(self) -> str: ...

    def pieces(self) -> AsyncIterator[bytes]: ...

    async def read(self) -> bytes: ...


class Upstream(Protocol):
    """What the LM Studio adapters ask of HTTP."""

    @property
    def base_url(self) -> str: ...

    async def call(self, method: str, path: str, payload: Any = None) -> UpstreamReply: ...

    def stream(self, path: str, body: bytes) -> AbstractAsyncContextManager[UpstreamStream]: ...


async def open_upstream(
    address: LMStudioAddress, watch: UpstreamWatch | None = None
) -> AsyncIterator[AiohttpUpstream]:
    """The app-lifetime client, through the proxy Settings name. It never reads the
    environment itself: with `trust_env` aiohttp would read it, and `.netrc`, on every
    request, in a thread."""
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=address.connect_timeout, sock_read=address.read_timeout
    )
    # No limit of its own: shim's admission gate bounds what goes to LM Studio.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS)
    async with aiohttp.ClientSession(
        base_url=address.base_url.rstrip("/") + "/",
        headers=address.headers(),
        timeout=timeout,
        connector=connector,
        proxy=address.proxy,
    ) as session:
        yield AiohttpUpstream(session, address.base_url.rstrip("/"), watch)


class AiohttpUpstream(Upstream):
    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, watch: UpstreamWatch | None = None
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._watch = watch

    @property
    def base_url(self) -> str:
        return self._base_url

    async def call(self, method: str, path: str, payload: Any = None) -> UpstreamReply:
        """One request and its whole answer, with one log line: at warning when it failed."""
        started = time.perf_counter()
        status = size = 0
        failure: str | None = None
        body = None if payload is None else msgspec.json.encode(payload)
        try:
            with self.transport_errors(path):
                async with self._session.request(
                    method, path.lstrip("/"), data=body, headers=JSON_HEADERS if body else None
                ) as response:
                    content = await response.read()
            status, size = response.status, len(content)
            return UpstreamReply(status, content)
        except UpstreamError as error:
            failure = str(error)
            raise
        finally:
            seconds = time.perf_counter() - started
            where = {
                "host": self._base_url,
                "method": method,
                "path": path,
                "duration_ms": round(seconds * 1000, 3),
            }
            if failure is None:
                log.info("upstream.call", **where, status=status, bytes=size)
            else:
                log.warning("upstream.call", **where, status=None, error=failure)
            if self._watch is not None:
                self._watch.called(method, route_of(path), status, seconds)

    @asynccontextmanager
    async def stream(self, path: str, body: bytes) -> AsyncIterator[UpstreamStream]:
        """A POST whose answer is read as it arrives; its time is the time to its headers. A
        failure to reach LM Studio is logged."""
        started = time.perf_counter()
        try:
            with self.transport_errors(path):
                try:
                    response = await self._session.post(
                        path.lstrip("/"), data=body, headers=JSON_HEADERS
                    )
                except BaseException:
                    self._called("POST", path, 0, started)
                    raise
                self._called("POST", path, response.status, started)
                async with response:
                    yield AiohttpStream(response, self, path)
        except UpstreamUnavailable as error:
            where = {"host": self._base_url, "path": path}
            log.warning("upstream.stream", **where, status=None, error=str(error))
            raise

    def _called(self, method: str, path: str, status: int, started: float) -> None:
        if self._watch is not None:
            self._watch.called(method, route_of(path), status, time.perf_counter() - started)

    @contextmanager
    def transport_errors(self, path: str) -> Iterator[None]:
        """Connection failures, timeouts and resets, each as the domain error that names it."""
        try:
            yield
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            self._failed(path, "unreachable")
            reason = _describe(error)
            message = f"cannot reach LM Studio at {self._base_url}: {reason}; {START_LM_STUDIO}"
            raise UpstreamUnavailable(message) from None
        except TimeoutError as error:
            self._failed(path, "timeout")
            message = f"LM Studio did not answer {path} in time ({_describe(error)})"
            raise UpstreamTimeout(message) from None
        except aiohttp.ClientError as error:
            self._failed(path, "transport")
            raise UpstreamError(f"LM Studio failed on {path}: {_describe(error)}") from None

    def _failed(self, path: str, kind: str) -> None:
        if self._watch is not None:
            self._watch.failed(route_of(path), kind)


class AiohttpStream(UpstreamStream):
    def __init__(
        self, response: aiohttp.ClientResponse, upstream: AiohttpUpstream, path: str
    ) -> None:
        self._response = response
        self._upstream = upstream
        self._path = path

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def content_type(self) -> str:
        return self._response.headers.get("content-type", "application/json")

    async def pieces(self) -> AsyncIterator[bytes]:
        with self._upstream.transport_errors(self._path):
            async for piece in self._response.content.iter_any():
                yield piece

    async def read(self) -> bytes:
        with self._upstream.transport_errors(self._path):
            return await self._response.read()


def route_of(path: str) -> str:
    """The path without the ids in it (a download job's), so that routes stay few."""
    return _JOB_ID.sub("/status/{job}", path.split("?", 1)[0])


_JOB_ID = re.compile(r"/status/[^/]+$")


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
