"""Model locks shared by worker processes: one lock file per model in the state directory."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from shim.adapters.state.file_lock import try_lock
from shim.domain.model_locks import ProcessModelLocks
from shim.domain.ports import ModelLocks

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
            self._directory.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(key.encode()).hexdigest()[:32] + ".lock"
            descriptor = os.open(self._directory / name, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                # Another process holds it, and nothing tells this one when it lets go: poll.
                while not try_lock(descriptor):  # noqa: ASYNC110
                    await asyncio.sleep(POLL_SECONDS)
                yield
            finally:
                os.close(descriptor)  # which releases the lock
