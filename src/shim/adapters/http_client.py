"""Where LM Studio is, and the app-lifetime httpx client for all but the streamed POSTs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import NamedTuple

import httpx


class LMStudioAddress(NamedTuple):
    """Where LM Studio is and how long to wait for it, for both of shim's HTTP clients.

    Short connect timeout, long read timeout: a first request may wait minutes for a load.
    """

    base_url: str
    api_token: str | None
    connect_timeout: float
    read_timeout: float

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_token}"} if self.api_token else {}


async def open_http_client(address: LMStudioAddress) -> AsyncIterator[httpx.AsyncClient]:
    base_url, headers = address.base_url, address.headers()
    timeout = httpx.Timeout(address.read_timeout, connect=address.connect_timeout)
    # httpcore checks every idle connection on each request: a small idle pool is faster.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=8)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, limits=limits
    ) as client:
        yield client
