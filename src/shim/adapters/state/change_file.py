"""Word of model changes between worker processes: a small file each change appends a byte to.

A byte appended (O_APPEND: whole, whichever process writes) changes the file's size and time,
which every worker reads with one `stat` before trusting its cached model list. The file starts
again from empty once it holds a few KiB.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from pathlib import Path

import structlog

from shim.domain.ports import ModelChanges

log = structlog.get_logger(__name__)

MAX_BYTES = 4096


class ChangeFile(ModelChanges):
    def __init__(self, path: Path) -> None:
        self._path = path

    def announce(self) -> None:
        """Never fails the request that made the change: the other workers then catch up
        when their cached lists expire, and the log says why."""
        try:
            self._append()
        except OSError as error:
            log.warning("models.change_not_shared", path=str(self._path), error=str(error))

    def revision(self) -> Hashable:
        try:
            stat = os.stat(self._path)
        except OSError:  # not announced yet, or out of reach: the cached lists' TTL still holds
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def _append(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size >= MAX_BYTES:
                os.ftruncate(descriptor, 0)
            os.write(descriptor, b".")
        finally:
            os.close(descriptor)
