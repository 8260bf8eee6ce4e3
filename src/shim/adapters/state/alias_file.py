"""Aliases kept in one JSON file, replaced atomically so a crash never leaves half a file.

Every worker process reads the same file. A change is made under an exclusive lock on a lock
file beside it, so two processes changing aliases at once never lose one another's change.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import msgspec

from shim.adapters.state.file_lock import try_lock
from shim.domain.errors import ShimError
from shim.domain.ports import Alias, AliasChange, AliasStore

_decoder = msgspec.json.Decoder(list[Alias])
_encoder = msgspec.json.Encoder()
LOCK_POLL_SECONDS = 0.01


class AliasFile(AliasStore):
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock_path = path.with_name(f".{path.name}.lock")
        self._lock = asyncio.Lock()

    async def load(self) -> list[Alias]:
        return self._read()

    async def update(self, change: AliasChange) -> list[Alias]:
        async with self._lock:  # one writer of this process at a time, and no thread per waiter
            try:
                return await asyncio.to_thread(self._update_locked, change)
            except OSError as error:
                where = self._path.parent
                raise ShimError(f"cannot save aliases in {where}: {error.strerror}") from None

    def _update_locked(self, change: AliasChange) -> list[Alias]:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not try_lock(lock):
                time.sleep(LOCK_POLL_SECONDS)  # in a worker thread, not the event loop
            before = self._read()
            after = change(list(before))  # a copy: a change made in place still counts
            if after != before:
                self._write(after)
            return before
        finally:
            os.close(lock)  # which releases the lock

    def _read(self) -> list[Alias]:
        try:
            return _decoder.decode(self._path.read_bytes())
        except (FileNotFoundError, NotADirectoryError):  # no file, or no place for one
            return []
        except OSError as error:
            raise ShimError(
                f"the alias file {self._path} cannot be read: {error.strerror}"
            ) from None
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise ShimError(f"the alias file {self._path} is unreadable: {error}") from None

    def _write(self, aliases: list[Alias]) -> None:
        descriptor, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".aliases-")
        with os.fdopen(descriptor, "wb") as file:
            file.write(msgspec.json.format(_encoder.encode(aliases)))
        os.replace(temporary, self._path)


class MemoryAliasStore(AliasStore):
    """For the fake backend and tests: nothing outlives the process."""

    def __init__(self) -> None:
        self.aliases: list[Alias] = []

    async def load(self) -> list[Alias]:
        return list(self.aliases)

    async def update(self, change: AliasChange) -> list[Alias]:
        before = list(self.aliases)
        self.aliases = list(change(list(before)))  # copies: what it returns stays its own
        return before
