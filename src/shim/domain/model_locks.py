"""Model locks of one process: all that is needed while a single process serves."""

from __future__ import annotations

import asyncio

from shim.domain.ports import ModelLocks


class ProcessModelLocks(ModelLocks):
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def hold(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())
