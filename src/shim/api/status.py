"""The HTTP status of each domain failure, the same in every dialect."""

from __future__ import annotations

from shim.domain.errors import (
    InvalidRequest,
    NotFound,
    ServerBusy,
    ShimError,
    StateUnavailable,
    TooLarge,
    Unsupported,
    UpstreamError,
    UpstreamRejected,
    UpstreamUnavailable,
)

STATUS_OF: tuple[tuple[type[ShimError], int], ...] = (
    (InvalidRequest, 400),
    (NotFound, 404),
    (TooLarge, 413),
    (ServerBusy, 503),
    (Unsupported, 501),
    (UpstreamUnavailable, 503),
    (StateUnavailable, 503),
    (UpstreamError, 502),
)


def status_of(error: ShimError) -> int:
    if isinstance(error, UpstreamRejected):
        return error.status
    for kind, status in STATUS_OF:
        if isinstance(error, kind):
            return status
    return 500
