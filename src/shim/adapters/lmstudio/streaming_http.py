"""What the streamer and the relay need of an HTTP client: `stream()` and the reply's status,
headers and body. shim serves them with its lean stream client; httpx's client fits as well."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Protocol


class StreamingReply(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aread(self) -> bytes: ...


class StreamingClient(Protocol):
    @property
    def base_url(self) -> object: ...

    def stream(
        self, method: str, url: str, *, content: bytes, headers: Mapping[str, str]
    ) -> AbstractAsyncContextManager[StreamingReply]: ...
