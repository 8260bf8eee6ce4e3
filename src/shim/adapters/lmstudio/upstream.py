"""Calls to LM Studio with transport failures turned into domain errors and one log line each."""

from __future__ import annotations

import time
from typing import Any

import httpx
import msgspec
import structlog

from shim.domain.errors import UpstreamError, UpstreamUnavailable

log = structlog.get_logger(__name__)


class UpstreamReply(msgspec.Struct, frozen=True):
    status: int
    body: bytes


async def get(client: httpx.AsyncClient, path: str) -> UpstreamReply:
    started = time.perf_counter()
    status = size = 0
    try:
        response = await client.get(path)
        status, size = response.status_code, len(response.content)
        return UpstreamReply(status, response.content)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        raise UpstreamUnavailable(
            f"cannot reach LM Studio at {client.base_url}: {_describe(error)}"
        ) from None
    except httpx.TimeoutException as error:
        raise UpstreamError(
            f"LM Studio did not answer {path} in time ({_describe(error)})"
        ) from None
    except httpx.HTTPError as error:
        raise UpstreamError(f"LM Studio failed on {path}: {_describe(error)}") from None
    finally:
        log.info(
            "upstream.call",
            method="GET",
            path=path,
            status=status,
            bytes=size,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )


def error_message(body: bytes) -> str | None:
    """The message of any of LM Studio's error shapes; None when the body is not an error."""
    try:
        payload: Any = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(payload, dict) or "error" not in payload:
        return None
    error = payload["error"]
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or error)
    return str(error)


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__
