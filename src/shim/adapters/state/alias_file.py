"""Aliases kept in one JSON file, replaced atomically so a crash never leaves half a file."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import msgspec

from shim.domain.errors import ShimError
from shim.domain.ports import Alias, AliasStore

_decoder = msgspec.json.Decoder(list[Alias])
_encoder = msgspec.json.Encoder()


class AliasFile(AliasStore):
    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = asyncio.Lock()

    async def load(self) -> list[Alias]:
        try:
            return _decoder.decode(self._path.read_bytes())
        except FileNotFoundError:
            return []
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise ShimError(f"the alias file {self._path} is unreadable: {error}") from None

    async def save(self, aliases: list[Alias]) -> None:
        async with self._lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
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

    async def save(self, aliases: list[Alias]) -> None:
        self.aliases = list(aliases)
