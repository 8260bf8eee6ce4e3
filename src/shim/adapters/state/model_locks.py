"""Model locks shared by worker processes: one lock file per model in the state directory."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog

from shim.adapters.state.file_lock import try_lock
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelLocks

log = structlog.get_logger(__name__)
POLL_SECONDS = 0.05  # a wait here is a wait for a model load, which takes seconds


class FileModelLocks(ModelLocks):
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._in_process = ProcessModelLocks()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        # This process's waiters queue on its own lock; only the one at its head tries the file,
        # without blocking, so a waiter whose client leaves can simply stop waiting.
        async with self._in_process.hold(key):
            descriptor = self._open(key)
            if descriptor is None:  # the load goes ahead; only other workers may race it
                yield
                return
            try:
                # Another process holds it, and nothing tells this one when it lets go: poll.
                while not try_lock(descriptor):  # noqa: ASYNC110
                    await asyncio.sleep(POLL_SECONDS)
                yield
            finally:
                os.close(descriptor)  # which releases the lock

    def _open(self, key: str) -> int | None:
        name = hashlib.sha256(key.encode()).hexdigest()[:32] + ".lock"
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            return os.open(self._directory / name, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            log.warning("model_lock.unshared", model=key, error=str(error))
            return None
