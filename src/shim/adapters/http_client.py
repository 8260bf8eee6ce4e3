"""The one app-lifetime HTTP client shim uses to talk to its backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


async def open_http_client(
    base_url: str,
    api_token: str | None,
    connect_timeout: float,
    read_timeout: float,
) -> AsyncIterator[httpx.AsyncClient]:
    """Short connect timeout, long read timeout: a first request may wait minutes for a load."""
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    # httpcore checks every idle connection on each request: a small idle pool is faster.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=8)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=timeout, limits=limits
    ) as client:
        yield client
