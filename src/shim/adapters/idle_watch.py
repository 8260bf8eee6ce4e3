"""A limit on how long one read of a streamed body may wait, with one timer per body.

`asyncio.timeout` around every read makes a context, a timer and a reschedule per read (see
docs/performance.md). Here reads only note when they started, and a
single timer, armed at the earliest moment the limit could be reached, checks whether a read
has been waiting that long and, if so, cancels the task doing it.
"""

from __future__ import annotations

import asyncio
from typing import Any


class IdleWatch:
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._loop = asyncio.get_running_loop()
        self._reader: asyncio.Task[Any] | None = None
        self._since = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.expired = False

    def read_started(self) -> None:
        self._reader = asyncio.current_task()
        self._since = self._loop.time()
        if self._timer is None:
            self._timer = self._loop.call_at(self._since + self._seconds, self._check)

    def read_ended(self) -> None:
        self._reader = None

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def caused_cancellation(self) -> bool:
        """Called on a CancelledError: True when this watch caused it and nothing else asked
        for one too (the task's cancellation is then taken back)."""
        task = asyncio.current_task()
        return self.expired and task is not None and task.uncancel() == 0

    def _check(self) -> None:
        self._timer = None
        if self._reader is None:
            return  # nothing waiting: the next read arms the timer again
        due = self._since + self._seconds
        if self._loop.time() < due:
            self._timer = self._loop.call_at(due, self._check)
            return
        self.expired = True
        self._reader.cancel()
