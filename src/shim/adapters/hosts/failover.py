"""Passing a request on when its host could not be reached, which means it never got there."""

from __future__ import annotations

import structlog

from shim.adapters.hosts.host import BackendHost
from shim.domain.errors import UpstreamUnavailable

log = structlog.get_logger(__name__)


def passed_over(host: BackendHost, error: UpstreamUnavailable) -> str:
    """The host could not be reached, so the request never got there: try the next one."""
    host.mark_down(error)
    log.warning("host.failover", host=host.url, error=error.message)
    return error.message


def none_reached(reasons: list[str]) -> UpstreamUnavailable:
    """Every host tried was unreachable: each one's reason."""
    return UpstreamUnavailable("; ".join(reasons))
