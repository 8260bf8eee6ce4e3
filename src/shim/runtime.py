"""Process-level housekeeping the service wires in: giving memory back after a burst."""

from __future__ import annotations

import ctypes
import gc

import structlog

log = structlog.get_logger(__name__)


def _glibc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


_LIBC = _glibc()


def release_memory() -> None:
    """Collect cycles, then ask glibc for the freed memory it keeps (RSS stays at a burst's peak
    otherwise). Elsewhere only the collection runs."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    log.debug("memory.released", trimmed=_LIBC is not None)
